package io.tasklane.notifier;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static io.tasklane.testsupport.ServiceBoundaries.namedLike;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/**
 * The notifier's boundaries, checked on its main classes.
 *
 * <p>The cycle rule is frozen: the cycles in the committed store under {@code
 * src/test/archunit-store} are tolerated, any other cycle fails, and a cycle that goes away is
 * dropped from the store. Frozen today: {@code sessions} ↔ {@code webhook} (a registration is
 * checked with the webhook address policy and secret format; the sender reads the registered
 * channel) and the circle {@code delivery} → {@code sessions} → {@code webhook} → {@code delivery}
 * through it.
 */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.notifier",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule noNewCyclesBetweenFeaturePackages =
      ServiceBoundaries.featurePackagesAreFreeOfNewCycles("notifier");

  @ArchTest
  static final ArchRule usesNoOtherService = ServiceBoundaries.usesNoOtherService("notifier");

  @ArchTest
  static final ArchRule entitiesArePackagePrivate = ServiceBoundaries.entitiesArePackagePrivate();

  @ArchTest
  static final ArchRule repositoriesArePackagePrivate =
      ServiceBoundaries.repositoriesArePackagePrivate();

  /** The web layer: the controllers and the problem responses ({@code ApiProblems}). */
  @ArchTest
  static final ArchRule httpTypesOnlyInTheWebLayer =
      ServiceBoundaries.httpTypesOnlyIn(namedLike("Controller").or(simpleName("ApiProblems")));
}
