package io.tasklane.ledger.budgets;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What each tenant may spend per UTC day; a null limit is no limit.
 *
 * @param tenantDefaults the budget of every tenant without an override
 * @param tenants overrides by tenant; a limit an override leaves out is the default's
 */
@Validated
@ConfigurationProperties("tasklane.budgets")
public record BudgetSettings(
    @Valid TenantBudget tenantDefaults, Map<String, @Valid TenantBudget> tenants) {

  /**
   * @param tasksPerDay tasks the tenant may create per UTC day
   * @param tokensPerDay model tokens the tenant's tasks may report per UTC day
   */
  public record TenantBudget(@Positive Integer tasksPerDay, @Positive Long tokensPerDay) {

    static final TenantBudget UNLIMITED = new TenantBudget(null, null);

    boolean unlimited() {
      return tasksPerDay == null && tokensPerDay == null;
    }
  }

  public BudgetSettings {
    tenantDefaults = tenantDefaults == null ? TenantBudget.UNLIMITED : tenantDefaults;
    tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
  }

  /** Whether any tenant has a budget of tokens per day. */
  boolean anyTokensPerDay() {
    return tenantDefaults.tokensPerDay() != null
        || tenants.values().stream().anyMatch(budget -> budget.tokensPerDay() != null);
  }

  /** The budget of {@code tenant}: its override, filled in from the defaults. */
  TenantBudget of(String tenant) {
    TenantBudget override = tenants.get(tenant);
    if (override == null) {
      return tenantDefaults;
    }
    return new TenantBudget(
        override.tasksPerDay() != null ? override.tasksPerDay() : tenantDefaults.tasksPerDay(),
        override.tokensPerDay() != null ? override.tokensPerDay() : tenantDefaults.tokensPerDay());
  }
}
