package io.tasklane.ledger;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.tasklane.testsupport.ServiceBoundaries.namedLike;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/**
 * The ledger's boundaries, checked on its main classes. Every rule runs plain: a new cycle between
 * feature packages, or an HTTP type in a feature's core, fails the build.
 */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.ledger",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule noCyclesBetweenFeaturePackages =
      ServiceBoundaries.featurePackagesAreFreeOfCycles("ledger");

  @ArchTest
  static final ArchRule entitiesArePackagePrivate = ServiceBoundaries.entitiesArePackagePrivate();

  @ArchTest
  static final ArchRule repositoriesArePackagePrivate =
      ServiceBoundaries.repositoriesArePackagePrivate();

  /** The web layer: the controllers, and {@code api} (request guards, problem responses). */
  @ArchTest
  static final ArchRule httpTypesOnlyInTheWebLayer =
      ServiceBoundaries.httpTypesOnlyIn(
          namedLike("Controller").or(resideInAPackage("io.tasklane.ledger.api")));

  /**
   * The other features write events through the outbox (and answer {@code KnownTasks}); they never
   * reach the relay or the event streams behind it. Maintenance alone asks the dispatch pipeline
   * which dispatches are still on their way, so it never sends one twice.
   */
  @ArchTest
  static final ArchRule eventsAreReachedOnlyThroughTheOutbox =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "io.tasklane.ledger.events..", "io.tasklane.ledger.maintenance..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.tasklane.ledger.events")
                  .and(
                      not(
                          nameMatching(
                              "io\\.tasklane\\.ledger\\.events\\.(Outbox(\\$.*)?|TraceContext|KnownTasks)"))))
          .as(
              "features use only the outbox of io.tasklane.ledger.events, never its relay or streams");

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
