package io.tasklane.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.tasklane.testsupport.ServiceBoundaries;

/**
 * The gateway's boundaries, checked on its main classes. The gateway is the web layer as a whole,
 * so HTTP types may appear in any of its packages.
 */
@ArchTag("fast")
@AnalyzeClasses(
    packages = "io.tasklane.gateway",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

  @ArchTest
  static final ArchRule featurePackagesAreFreeOfCycles =
      ServiceBoundaries.featurePackagesAreFreeOfCycles("gateway");

  @ArchTest
  static final ArchRule usesNoOtherService = ServiceBoundaries.usesNoOtherService("gateway");
}
