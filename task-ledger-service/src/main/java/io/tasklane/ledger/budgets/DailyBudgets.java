package io.tasklane.ledger.budgets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tasklane.contracts.Usage;
import io.tasklane.ledger.api.BudgetExceededException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The per-tenant, per-UTC-day budgets: tasks created and tokens reported. A tenant's day is counted
 * only while the tenant has a per-day budget, so tenants without one cost nothing here.
 */
@Component
public class DailyBudgets {

  public static final String TASKS_PER_DAY = "tasks_per_day";
  public static final String TOKENS_PER_DAY = "tokens_per_day";

  private final BudgetSettings settings;
  private final JdbcClient jdbc;
  private final Clock clock;
  private final MeterRegistry meters;

  DailyBudgets(BudgetSettings settings, JdbcClient jdbc, Clock clock, MeterRegistry meters) {
    this.settings = settings;
    this.jdbc = jdbc;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Counts a task the tenant creates against today's budget, in the create's transaction; returns
   * the refusal instead, counting nothing, when a budget is used up. The caller throws it once its
   * transaction is over, so that a create inside another transaction (a cron firing) does not mark
   * that one for rollback.
   */
  public BudgetExceededException admitTask(String tenant) {
    BudgetSettings.TenantBudget budget = settings.of(tenant);
    if (budget.unlimited()) {
      return null;
    }
    LocalDate day = today();
    BudgetExceededException tokens = tokensUsedUp(tenant, budget, day);
    if (tokens != null) {
      return counted(tenant, tokens);
    }
    boolean counted =
        jdbc.sql(
                """
                insert into tenant_daily_usage (tenant, day, tasks) values (:tenant, :day, 1)
                on conflict (tenant, day) do update set tasks = tenant_daily_usage.tasks + 1
                 where tenant_daily_usage.tasks < :limit
                returning tasks
                """)
            .param("tenant", tenant)
            .param("day", day)
            .param("limit", budget.tasksPerDay() == null ? Integer.MAX_VALUE : budget.tasksPerDay())
            .query(Integer.class)
            .optional()
            .isPresent();
    if (counted) {
      return null;
    }
    return counted(
        tenant, refused(TASKS_PER_DAY, budget.tasksPerDay(), usedOn(tenant, day).tasks(), day));
  }

  private BudgetExceededException counted(String tenant, BudgetExceededException refusal) {
    Counter.builder("tasklane.budgets.refusals")
        .description("Creates refused because the tenant's daily budget was used up")
        .tags("tenant", tenant, "budget", refusal.budget())
        .register(meters)
        .increment();
    return refusal;
  }

  /**
   * Why the tenant's queued tasks may not start now (its tokens for today are used up), or null.
   */
  public String claimHeldBecause(String tenant) {
    BudgetSettings.TenantBudget budget = settings.of(tenant);
    if (budget.tokensPerDay() == null) {
      return null;
    }
    return tokensUsedUp(tenant, budget, today()) == null ? null : TOKENS_PER_DAY;
  }

  /**
   * Adds what a task spent since its last report to its tenant's day; called in the transaction
   * that stores the task's new resume context.
   */
  public void reported(String tenant, Usage before, Usage after) {
    if (settings.of(tenant).tokensPerDay() == null || after == null) {
      return;
    }
    long tokens = after.tokens() - (before == null ? 0 : before.tokens());
    if (tokens <= 0) {
      return;
    }
    jdbc.sql(
            """
            insert into tenant_daily_usage (tenant, day, tokens) values (:tenant, :day, :tokens)
            on conflict (tenant, day) do update
               set tokens = tenant_daily_usage.tokens + excluded.tokens
            """)
        .param("tenant", tenant)
        .param("day", today())
        .param("tokens", tokens)
        .update();
  }

  /** Whether {@link #reported} would count anything for the tenant. */
  /** Whether a claim of some tenant's task may be held for its tokens of the day. */
  public boolean mayHoldClaims() {
    return settings.anyTokensPerDay();
  }

  public boolean countsTokens(String tenant) {
    return settings.of(tenant).tokensPerDay() != null;
  }

  /** What the tenant has used today (zeros when its day is not counted). */
  public DayUsage today(String tenant) {
    return usedOn(tenant, today());
  }

  /** A tenant's counted day. */
  public record DayUsage(int tasks, long tokens) {}

  private BudgetExceededException tokensUsedUp(
      String tenant, BudgetSettings.TenantBudget budget, LocalDate day) {
    if (budget.tokensPerDay() == null) {
      return null;
    }
    long used = usedOn(tenant, day).tokens();
    return used >= budget.tokensPerDay()
        ? refused(TOKENS_PER_DAY, budget.tokensPerDay(), used, day)
        : null;
  }

  private DayUsage usedOn(String tenant, LocalDate day) {
    return jdbc.sql(
            "select tasks, tokens from tenant_daily_usage where tenant = :tenant and day = :day")
        .param("tenant", tenant)
        .param("day", day)
        .query((rs, i) -> new DayUsage(rs.getInt("tasks"), rs.getLong("tokens")))
        .optional()
        .orElse(new DayUsage(0, 0));
  }

  private BudgetExceededException refused(String budget, long limit, long used, LocalDate day) {
    Instant renews = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    long retryAfter = Math.max(1, Duration.between(clock.instant(), renews).toSeconds() + 1);
    return new BudgetExceededException(budget, limit, used, retryAfter);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
