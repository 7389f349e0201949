package io.tasklane.ledger.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.resilience.annotation.Retryable;

/**
 * A command on one task that another change may overtake: it runs again from a fresh read of the
 * task, a few times, before the conflict reaches the caller. Overtaken means a newer version of the
 * row, or a deadlock PostgreSQL broke by rolling this transaction back (a claim writes the row and
 * then its journal entry, a command the entry and then the row).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Retryable(includes = ConcurrencyFailureException.class, maxRetries = 5, delay = 5, jitter = 5)
@interface RetryOnConflict {}
