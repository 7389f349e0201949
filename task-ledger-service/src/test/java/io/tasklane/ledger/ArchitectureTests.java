package io.tasklane.ledger;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tasklane.testsupport.ServiceBoundaries.namedLike;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/**
 * The ledger's boundaries, checked on its main classes.
 *
 * <p>Two rules are frozen: the violations they find today are listed in the committed store under
 * {@code src/test/archunit-store} and tolerated; any other violation fails the build, and a
 * violation that goes away is dropped from the store (commit the store then). A frozen cycle is
 * known by its circle of packages, so it stays known while the dependencies inside it change; a new
 * circle fails. What is frozen today: the package cycles {@code api} ↔ {@code tasks} and {@code
 * tasks} ↔ {@code events}, and the features ({@code cron}, {@code flows}, {@code tasks}) that throw
 * {@code LedgerProblem} with an {@code HttpStatus} instead of a named exception. Both go with the
 * package restructure of the ledger; after it, the frozen rules become plain ones and the store is
 * deleted.
 */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.ledger",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule noNewCyclesBetweenFeaturePackages =
      ServiceBoundaries.featurePackagesAreFreeOfNewCycles("ledger");

  @ArchTest
  static final ArchRule entitiesArePackagePrivate = ServiceBoundaries.entitiesArePackagePrivate();

  @ArchTest
  static final ArchRule repositoriesArePackagePrivate =
      ServiceBoundaries.repositoriesArePackagePrivate();

  /** The web layer: the controllers, and {@code api} (request guards, problem responses). */
  @ArchTest
  static final ArchRule httpTypesOnlyInTheWebLayer =
      FreezingArchRule.freeze(
          ServiceBoundaries.httpTypesOnlyIn(
              namedLike("Controller").or(resideInAPackage("io.tasklane.ledger.api"))));

  @ArchTest
  static final ArchRule usesNoOtherService = ServiceBoundaries.usesNoOtherService("ledger");

  /** Every status change goes through the state machine; a new task starts queued. */
  @ArchTest
  static final ArchRule onlyTransitionsChangesATasksStatus =
      writtenOnlyBy("tasks.TaskEntity", "status", "tasks.Transitions", "tasks.TaskLedger");

  @ArchTest
  static final ArchRule onlyDeliveryStateWritesADeliveryStatus =
      writtenOnlyBy("tasks.TaskEntity", "deliveryStatus", "tasks.DeliveryState");

  /** Steps are marked running and verified from the runner's reports, never elsewhere. */
  @ArchTest
  static final ArchRule onlyRunnerReportsMoveAStep =
      writtenOnlyBy("tasks.PlanStepRow", "status", "tasks.RunnerSide", "tasks.PlanStepRow");

  /** A flow's status is rolled up from its tasks; a new flow starts queued. */
  @ArchTest
  static final ArchRule onlyTheRollUpChangesAFlowsStatus =
      writtenOnlyBy("flows.FlowEntity", "status", "flows.FlowRollup", "flows.Flows");

  /**
   * Only {@code writers} (and {@code tasks.TaskQueries}, which maps the rows it reads) set {@code
   * field} of {@code owner}; names are relative to {@code io.tasklane.ledger}.
   */
  private static ArchRule writtenOnlyBy(String owner, String field, String... writers) {
    String allowed =
        "io\\.tasklane\\.ledger\\.(tasks\\.TaskQueries|"
            + String.join("|", writers).replace(".", "\\.")
            + ")(\\$.*)?";
    return noClasses()
        .that()
        .haveNameNotMatching(allowed)
        .should()
        .setField("io.tasklane.ledger." + owner, field)
        .as("only %s set %s.%s".formatted(String.join(", ", writers), owner, field));
  }
}
