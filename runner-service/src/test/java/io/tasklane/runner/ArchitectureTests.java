package io.tasklane.runner;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/** The runner's boundaries, checked on its main classes. */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.runner",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule featurePackagesAreFreeOfCycles =
      ServiceBoundaries.featurePackagesAreFreeOfCycles("runner");

  @ArchTest
  static final ArchRule usesNoOtherService = ServiceBoundaries.usesNoOtherService("runner");

  /** The runner serves no API of its own; its HTTP is its clients of the ledger. */
  @ArchTest
  static final ArchRule httpTypesOnlyInTheLedgerClients =
      ServiceBoundaries.httpTypesOnlyIn(simpleNameStartingWith("Ledger"));
}
