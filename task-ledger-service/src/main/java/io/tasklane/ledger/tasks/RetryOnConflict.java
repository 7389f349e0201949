package io.tasklane.ledger.tasks;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.resilience.annotation.Retryable;

/**
 * A command on one task that another change may overtake: it runs again from a fresh read of the
 * task, a few times, before the conflict reaches the caller.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Retryable(
    includes = OptimisticLockingFailureException.class,
    maxRetries = 5,
    delay = 5,
    jitter = 5)
@interface RetryOnConflict {}
