package io.tasklane.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The boundary rules catch what they are for. */
@Tag("fast")
class ServiceBoundariesTests {

  @Test
  void twoFeaturePackagesThatUseEachOtherFailTheCycleRule() {
    JavaClasses cyclic = new ClassFileImporter().importPackages("io.tasklane.cyclic");

    EvaluationResult result =
        ServiceBoundaries.featurePackagesAreFreeOfCycles("cyclic").evaluate(cyclic);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("Cycle detected: alpha").contains("beta"));
  }

  @Test
  void oneFeaturePackageAloneIsFreeOfCycles() {
    JavaClasses alone = new ClassFileImporter().importPackages("io.tasklane.cyclic.alpha");

    assertThat(
            ServiceBoundaries.featurePackagesAreFreeOfCycles("cyclic")
                .evaluate(alone)
                .hasViolation())
        .isFalse();
  }
}
