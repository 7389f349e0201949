package io.tasklane.ledger.approvals;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of approval requests.
 *
 * @param defaultDeadline how long a request waits for a decision when its task's policy names no
 *     {@code deadlineSeconds}
 * @param deadlineInterval how often the deadline pass decides the requests past their deadline
 */
@Validated
@ConfigurationProperties("tasklane.approvals")
public record ApprovalProperties(
    @NotNull Duration defaultDeadline, @NotNull Duration deadlineInterval) {}
