package io.tasklane.notifier;

import io.tasklane.notifier.sessions.ChannelNotFoundException;
import io.tasklane.notifier.sessions.InvalidChannelException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every error answer of the notifier is an RFC 9457 problem detail with a stable type. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ApiProblems {

  public static final String TENANT_HEADER = "X-Tasklane-Tenant";

  private static final String TYPES = "https://tasklane.io/problems/";
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
    var problem = problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request body");
    problem.setDetail("The request body is not valid JSON for this endpoint");
    return problem;
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
      problem.setType(URI.create(TYPES + (status.is4xxClientError() ? "bad-request" : "internal")));
      return ResponseEntity.status(status).body(problem);
    }
    log.error("Unhandled error", e);
    var problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error");
    problem.setDetail("The notifier could not handle the request");
    return ResponseEntity.internalServerError().body(problem);
  }

  private static ProblemDetail problem(HttpStatus status, String type, String title) {
    var problem = ProblemDetail.forStatus(status);
    problem.setType(URI.create(TYPES + type));
    problem.setTitle(title);
    return problem;
  }
}
