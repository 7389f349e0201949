package io.tasklane.notifier;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static io.tasklane.testsupport.ServiceBoundaries.namedLike;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/** The notifier's boundaries, checked on its main classes. */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.notifier",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule featurePackagesAreFreeOfCycles =
      ServiceBoundaries.featurePackagesAreFreeOfCycles("notifier");

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
