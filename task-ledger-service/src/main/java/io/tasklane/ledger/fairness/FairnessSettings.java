package io.tasklane.ledger.fairness;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How many runner tasks each tenant may have running at once; a null limit is no limit.
 *
 * @param tenantDefaults the limit of every tenant without an override
 * @param tenants overrides by tenant
 */
@Validated
@ConfigurationProperties("tasklane.fairness")
public record FairnessSettings(
    @Valid TenantLimit tenantDefaults, Map<String, @Valid TenantLimit> tenants) {

  /**
   * @param maxRunning runner tasks of the tenant that may be running at once
   */
  public record TenantLimit(@Positive Integer maxRunning) {}

  public FairnessSettings {
    tenantDefaults = tenantDefaults == null ? new TenantLimit(null) : tenantDefaults;
    tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
  }

  /** Whether any tenant has a limit. */
  boolean anyLimit() {
    return tenantDefaults.maxRunning() != null
        || tenants.values().stream().anyMatch(limit -> limit.maxRunning() != null);
  }

  /** The tenant's limit, or null for none. */
  Integer maxRunning(String tenant) {
    TenantLimit override = tenants.get(tenant);
    return override != null && override.maxRunning() != null
        ? override.maxRunning()
        : tenantDefaults.maxRunning();
  }
}
