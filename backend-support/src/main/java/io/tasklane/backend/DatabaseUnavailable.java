package io.tasklane.backend;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Recognises a failure that means "the database cannot be reached" (no connection could be had
 * within the pool's connection timeout, or the connection broke) and answers it as a 503 problem
 * with {@code Retry-After}: the request was not applied and may be sent again.
 */
public final class DatabaseUnavailable {

  public static final String SLUG = "unavailable";

  /** Seconds a client is asked to wait before retrying. */
  public static final long RETRY_AFTER_SECONDS = 5;

  private static final String HIKARI_CLOSED_CONNECTION =
      "com.zaxxer.hikari.pool.ProxyConnection$ClosedConnection";

  private DatabaseUnavailable() {}

  /** Whether {@code e}, or anything in its cause chain, says the database is unreachable. */
  public static boolean isCause(Throwable e) {
    return find(e) != null;
  }

  /** The class of the failure that shows the database is unreachable, for the log. */
  public static String describe(Throwable e) {
    Throwable found = find(e);
    return found == null ? e.getClass().getSimpleName() : found.getClass().getSimpleName();
  }

  public static ResponseEntity<ProblemDetail> response() {
    ProblemDetail problem =
        Problems.problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            SLUG,
            "Service unavailable",
            "The service's database cannot be reached; the request was not applied. Retry it later");
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
        .body(problem);
  }

  private static Throwable find(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable cause = e; cause != null && seen.add(cause); cause = cause.getCause()) {
      if (unreachable(cause)) {
        return cause;
      }
    }
    return null;
  }

  private static boolean unreachable(Throwable cause) {
    if (cause instanceof DataAccessResourceFailureException
        || cause instanceof CannotCreateTransactionException
        || cause instanceof org.hibernate.exception.JDBCConnectionException
        || cause instanceof SQLTransientConnectionException
        || cause instanceof SQLNonTransientConnectionException) {
      return true;
    }
    // A transaction whose connection broke is rolled back on the pool's closed stand-in for it,
    // and that failure replaces the original one.
    if (cause instanceof SQLException sql
        && sql.getStackTrace().length > 0
        && sql.getStackTrace()[0].getClassName().startsWith(HIKARI_CLOSED_CONNECTION)) {
      return true;
    }
    // SQLSTATE class 08 is "connection exception"; 57P01-57P03 are the server shutting down or
    // not yet accepting connections.
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      String state = sql.getSQLState();
      return state.startsWith("08")
          || state.equals("57P01")
          || state.equals("57P02")
          || state.equals("57P03");
    }
    return false;
  }
}
