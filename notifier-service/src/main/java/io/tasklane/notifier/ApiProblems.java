package io.tasklane.notifier;

import io.tasklane.backend.DatabaseUnavailable;
import io.tasklane.backend.Problems;
import io.tasklane.contracts.ProblemTypes;
import io.tasklane.notifier.answers.ActionRefusedException;
import io.tasklane.notifier.sessions.ChannelNotFoundException;
import io.tasklane.notifier.sessions.InvalidChannelException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/** Every error answer of the notifier is an RFC 9457 problem detail with a stable type. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiProblems {

  public static final String TENANT_HEADER = "X-Tasklane-Tenant";

  private final JsonMapper json;

  ApiProblems(JsonMapper json) {
    this.json = json;
  }

  private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

  @ExceptionHandler(InvalidChannelException.class)
  ProblemDetail invalidChannel(InvalidChannelException e) {
    var problem = problem(HttpStatus.BAD_REQUEST, "validation", "Invalid channel registration");
    problem.setDetail(e.getMessage());
    problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
    return problem;
  }

  @ExceptionHandler(MissingRequestHeaderException.class)
  ProblemDetail missingHeader(MissingRequestHeaderException e) {
    var problem = problem(HttpStatus.BAD_REQUEST, "validation", "Missing request header");
    problem.setDetail("Header " + e.getHeaderName() + " is required");
    problem.setProperty(
        "errors", List.of(Map.of("field", e.getHeaderName(), "message", "is required")));
    return problem;
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ProblemDetail unreadable(HttpMessageNotReadableException e) {
    if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
      var problem = problem(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field");
      problem.setDetail("unknown field '%s'".formatted(Problems.fieldPath(unknown)));
      problem.setProperty("field", Problems.fieldPath(unknown));
      problem.setProperty(
          "allowedValues",
          unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
      return problem;
    }
    var problem = problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request body");
    if (e.getCause() instanceof MismatchedInputException mismatch
        && !mismatch.getPath().isEmpty()) {
      problem.setDetail(Problems.fieldPath(mismatch) + ": not the type of value this field takes");
      problem.setProperty("field", Problems.fieldPath(mismatch));
    } else {
      problem.setDetail("The request body is not valid JSON for this endpoint");
    }
    return problem;
  }

  @ExceptionHandler(TypeMismatchException.class)
  ProblemDetail typeMismatch(TypeMismatchException e) {
    String name = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
    var problem = problem(HttpStatus.BAD_REQUEST, "validation", "Invalid request");
    problem.setDetail("'%s' is not a valid value for %s".formatted(e.getValue(), name));
    problem.setProperty("errors", List.of(Map.of("field", name, "message", "is not valid")));
    return problem;
  }

  /** Written directly: the Accept header that could not be met cannot choose this answer's type. */
  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  void notAcceptable(HttpServletResponse response) throws IOException {
    Problems.write(
        response,
        json,
        problem(
            HttpStatus.NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "This resource is available as application/json only"));
  }

  @ExceptionHandler(InvalidParameterException.class)
  ProblemDetail undecodableParameter(InvalidParameterException e) {
    var problem = problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request");
    problem.setDetail("A query parameter is not validly percent-encoded UTF-8");
    return problem;
  }

  @ExceptionHandler(ActionRefusedException.class)
  ResponseEntity<ProblemDetail> actionRefused(ActionRefusedException e) {
    HttpStatus status = HttpStatus.valueOf(e.status());
    var answer = ResponseEntity.status(status);
    if (status == HttpStatus.SERVICE_UNAVAILABLE) {
      answer.header("Retry-After", "5");
    }
    return answer.body(problem(status, e.slug(), e.title(), e.getMessage()));
  }

  @ExceptionHandler(ChannelNotFoundException.class)
  ProblemDetail notFound(ChannelNotFoundException e) {
    var problem = problem(HttpStatus.NOT_FOUND, "not-found", "Channel not found");
    problem.setDetail(e.getMessage());
    return problem;
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> other(Exception e) {
    if (e instanceof ErrorResponse known) {
      HttpStatusCode status = known.getStatusCode();
      var problem = known.getBody();
      problem.setType(URI.create(Problems.BASE + ProblemTypes.slug(status.value())));
      return ResponseEntity.status(status).body(problem);
    }
    if (DatabaseUnavailable.isCause(e)) {
      log.warn("Request failed: the database is unreachable ({})", DatabaseUnavailable.describe(e));
      return DatabaseUnavailable.response();
    }
    log.error("Unhandled error", e);
    var problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error");
    problem.setDetail("The notifier could not handle the request");
    return ResponseEntity.internalServerError().body(problem);
  }

  static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
    var problem = problem(status, type, title);
    problem.setDetail(detail);
    return problem;
  }

  private static ProblemDetail problem(HttpStatus status, String type, String title) {
    var problem = ProblemDetail.forStatus(status);
    problem.setType(URI.create(Problems.BASE + type));
    problem.setTitle(title);
    return problem;
  }
}
