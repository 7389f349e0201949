package io.tasklane.cli;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/**
 * The command line's boundaries, checked on its main classes: it speaks to Tasklane only through
 * the gateway's API and the contracts.
 */
@ArchTag("fast")
@AnalyzeClasses(packages = "io.tasklane.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule featurePackagesAreFreeOfCycles =
      ServiceBoundaries.featurePackagesAreFreeOfCycles("cli");

  @ArchTest static final ArchRule usesNoOtherService = ServiceBoundaries.usesNoOtherService("cli");
}
