package io.tasklane.ledger.api;

import io.tasklane.backend.DatabaseUnavailable;
import io.tasklane.backend.Problems;
import io.tasklane.contracts.UnknownWireValueException;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error of the ledger API as an RFC 9457 problem with a stable {@code type}. */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

  static final String BASE = Problems.BASE;
  private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);
  private final tools.jackson.databind.json.JsonMapper json;

  ApiProblems(tools.jackson.databind.json.JsonMapper json) {
    this.json = json;
  }

  private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

  @ExceptionHandler(TaskNotFoundException.class)
  ProblemDetail notFound(TaskNotFoundException e) {
    return problem(HttpStatus.NOT_FOUND, "task-not-found", "Task not found", e.getMessage());
  }

  @ExceptionHandler(LedgerProblem.class)
  ProblemDetail ledgerProblem(LedgerProblem e) {
    ProblemDetail problem = problem(status(e.kind()), e.slug(), e.title(), e.getMessage());
    e.properties().forEach(problem::setProperty);
    return problem;
  }

  private static HttpStatus status(LedgerProblem.Kind kind) {
    return switch (kind) {
      case INVALID -> HttpStatus.BAD_REQUEST;
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case CONFLICT -> HttpStatus.CONFLICT;
      case PRECONDITION_FAILED -> HttpStatus.PRECONDITION_FAILED;
      case PRECONDITION_REQUIRED -> HttpStatus.PRECONDITION_REQUIRED;
    };
  }

  @ExceptionHandler(BudgetExceededException.class)
  ProblemDetail budgetExceeded(BudgetExceededException e, HttpServletResponse response) {
    ProblemDetail problem =
        problem(HttpStatus.TOO_MANY_REQUESTS, "budget-exceeded", "Budget exceeded", e.getMessage());
    problem.setProperty("budget", e.budget());
    problem.setProperty("limit", e.limit());
    problem.setProperty("used", e.used());
    response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
    return problem;
  }

  @ExceptionHandler(TaskBudgetExhaustedException.class)
  ProblemDetail budgetExhausted(TaskBudgetExhaustedException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONFLICT, "budget-exhausted", "Budget exhausted", e.getMessage());
    problem.setProperty("limit", e.limit());
    return problem;
  }

  @ExceptionHandler(ApprovalRefusedException.class)
  ProblemDetail approvalRefused(ApprovalRefusedException e) {
    return switch (e.kind()) {
      case NOT_PENDING ->
          problem(
              HttpStatus.CONFLICT, "approval-not-pending", "Approval not pending", e.getMessage());
      case NOT_AN_APPROVER ->
          problem(HttpStatus.FORBIDDEN, "not-an-approver", "Not an approver", e.getMessage());
    };
  }

  @ExceptionHandler(InvalidTransitionException.class)
  ProblemDetail invalidTransition(InvalidTransitionException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONFLICT, "invalid-transition", "Invalid transition", e.getMessage());
    problem.setProperty("currentStatus", e.current().wire());
    return problem;
  }

  @ExceptionHandler(NotClaimableException.class)
  ProblemDetail notClaimable(NotClaimableException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONFLICT, "not-claimable", "Task not claimable", e.getMessage());
    problem.setProperty("currentStatus", e.current().wire());
    return problem;
  }

  @ExceptionHandler(AmbiguousLookupException.class)
  ProblemDetail ambiguous(AmbiguousLookupException e) {
    ProblemDetail problem =
        problem(HttpStatus.CONFLICT, "ambiguous-lookup", "Ambiguous lookup", e.getMessage());
    problem.setProperty("candidates", e.candidates());
    return problem;
  }

  @ExceptionHandler(IdempotencyConflictException.class)
  ProblemDetail idempotency(IdempotencyConflictException e) {
    return problem(
        HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency key reused", e.getMessage());
  }

  @ExceptionHandler(InvalidRequestException.class)
  ProblemDetail invalid(InvalidRequestException e) {
    ProblemDetail problem =
        problem(HttpStatus.BAD_REQUEST, "validation", "Invalid request", e.getMessage());
    problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
    return problem;
  }

  @ExceptionHandler(PayloadTooLargeException.class)
  ProblemDetail tooLarge(PayloadTooLargeException e) {
    return problem(
        HttpStatus.CONTENT_TOO_LARGE,
        "payload-too-large",
        "Request body too large",
        e.getMessage());
  }

  @ExceptionHandler(OptimisticLockingFailureException.class)
  ProblemDetail concurrent(OptimisticLockingFailureException e) {
    return problem(
        HttpStatus.CONFLICT,
        "concurrent-update",
        "Concurrent update",
        "The task changed while this request was applied; retry it");
  }

  /**
   * PostgreSQL cannot store a NUL character in text or JSON, so a request carrying one fails in the
   * database; it is the client's text that is wrong, not the ledger.
   */
  @ExceptionHandler(DataIntegrityViolationException.class)
  ProblemDetail unstorableText(DataIntegrityViolationException e) {
    if (rootCause(e) instanceof SQLException sql && UNSTORABLE_TEXT.contains(sql.getSQLState())) {
      return problem(
          HttpStatus.BAD_REQUEST,
          "validation",
          "Invalid request",
          "Text must not contain NUL characters");
    }
    throw e;
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
    if (rootCause(e) instanceof UnknownWireValueException unknown) {
      return unknownValue(e.getName(), unknown);
    }
    return problem(
        HttpStatus.BAD_REQUEST,
        "validation",
        "Invalid request",
        "'%s' is not a valid value for %s".formatted(e.getValue(), e.getName()));
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    Throwable cause = rootCause(e);
    if (cause instanceof PayloadTooLargeException tooLarge) {
      return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge));
    }
    if (cause instanceof UnknownWireValueException unknown) {
      String field =
          e.getCause() instanceof DatabindException databind
              ? Problems.fieldPath(databind)
              : "body";
      return ResponseEntity.badRequest().body(unknownValue(field, unknown));
    }
    if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
      String field = Problems.fieldPath(unknown);
      ProblemDetail problem =
          problem(
              HttpStatus.BAD_REQUEST,
              "unknown-field",
              "Unknown field",
              "unknown field '%s'".formatted(field));
      problem.setProperty("field", field);
      problem.setProperty(
          "allowedValues",
          unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
      return ResponseEntity.badRequest().body(problem);
    }
    if (e.getCause() instanceof MismatchedInputException mismatch
        && mismatch.getTargetType() != null
        && !mismatch.getPath().isEmpty()) {
      String field = Problems.fieldPath(mismatch);
      ProblemDetail problem =
          problem(
              HttpStatus.BAD_REQUEST,
              "malformed-json",
              "Malformed JSON",
              "Malformed JSON at %s: expected %s"
                  .formatted(field, expected(mismatch.getTargetType())));
      problem.setProperty("field", field);
      return ResponseEntity.badRequest().body(problem);
    }
    String detail =
        e.getCause() instanceof DatabindException databind
            ? "Malformed JSON at "
                + Problems.fieldPath(databind)
                + ": "
                + databind.getOriginalMessage()
            : "The request body is missing or is not valid JSON";
    return ResponseEntity.badRequest()
        .body(problem(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON", detail));
  }

  /** Written directly: the Accept header that could not be met cannot choose this answer's type. */
  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
      HttpMediaTypeNotAcceptableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null) {
      try {
        RequestGuards.reject(
            servlet.getResponse(),
            json,
            HttpStatus.NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "This resource is available as " + e.getSupportedMediaTypes() + " only");
        return null;
      } catch (java.io.IOException ignored) {
        return null;
      }
    }
    return super.handleHttpMediaTypeNotAcceptable(e, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, String>> errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(
                error ->
                    Map.of(
                        "field",
                        error.getField(),
                        "message",
                        String.valueOf(error.getDefaultMessage())))
            .toList();
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            "validation",
            "Invalid request",
            errors.stream()
                .map(err -> err.get("field") + " " + err.get("message"))
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid"));
    problem.setProperty("errors", errors);
    return ResponseEntity.badRequest().body(problem);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return ResponseEntity.badRequest()
        .body(problem(HttpStatus.BAD_REQUEST, "validation", "Invalid request", e.getMessage()));
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response =
        super.handleExceptionInternal(e, body, headers, status, request);
    if (response != null && response.getBody() instanceof ProblemDetail problem) {
      problem.setType(URI.create(BASE + slugFor(e)));
    }
    return response;
  }

  private static String slugFor(Exception e) {
    if (e instanceof MissingRequestHeaderException missing
        && Tenants.HEADER.equalsIgnoreCase(missing.getHeaderName())) {
      return "missing-tenant";
    }
    return switch (e) {
      case HttpMediaTypeNotSupportedException ignored -> "unsupported-media-type";
      case HttpMediaTypeNotAcceptableException ignored -> "not-acceptable";
      case HttpRequestMethodNotSupportedException ignored -> "method-not-allowed";
      case NoResourceFoundException ignored -> "not-found";
      default -> "bad-request";
    };
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "text";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  @ExceptionHandler(InvalidParameterException.class)
  ProblemDetail undecodableParameter(InvalidParameterException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        "bad-request",
        "Bad request",
        "A query parameter is not validly percent-encoded UTF-8");
  }

  /**
   * Anything unforeseen is a 500 problem; the cause stays in the log, not in the answer. A database
   * that cannot be reached is no fault of the request: that is a 503 the client may retry.
   */
  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) throws Exception {
    if (e instanceof org.springframework.web.ErrorResponse) {
      throw e;
    }
    if (DatabaseUnavailable.isCause(e)) {
      log.warn("Request failed: the database is unreachable ({})", DatabaseUnavailable.describe(e));
      return DatabaseUnavailable.response();
    }
    log.error("Request failed", e);
    return ResponseEntity.internalServerError()
        .body(
            problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "The request failed"));
  }

  private static ProblemDetail unknownValue(String field, UnknownWireValueException unknown) {
    ProblemDetail problem =
        problem(
            HttpStatus.BAD_REQUEST,
            "unknown-enum-value",
            "Unknown value",
            "%s: '%s' is not allowed; allowed values: %s"
                .formatted(field, unknown.value(), String.join(", ", unknown.allowedValues())));
    problem.setProperty("field", field);
    problem.setProperty("allowedValues", unknown.allowedValues());
    return problem;
  }

  static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
    return Problems.problem(status, slug, title, detail);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
