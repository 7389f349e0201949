package io.tasklane.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The boundary rules catch what they are for; a frozen cycle is known by its circle of packages,
 * not by the dependencies that make it up.
 */
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

  private final ServiceBoundaries.SameCircleOfPackages matcher =
      new ServiceBoundaries.SameCircleOfPackages();

  @Test
  void aKnownCircleStaysKnownWhenItsDependenciesChange() {
    String stored =
        """
        Cycle detected: api ->
                        tasks ->
                        api
          1. Dependencies of api
            - Method <a.A.x()> calls method <b.B.y()> in (A.java:12)
          2. Dependencies of tasks
            - Method <b.B.z()> calls method <a.A.w()> in (B.java:40)""";
    String now =
        """
        Cycle detected: api ->
                        tasks ->
                        api
          1. Dependencies of api
            - Method <a.A.x()> calls method <b.B.y()> in (A.java:14)
            - Method <a.A.v()> calls method <b.B.u()> in (A.java:30)
          2. Dependencies of tasks
            - Method <b.B.z()> calls method <a.A.w()> in (B.java:41)""";

    assertThat(matcher.matches(now, stored)).isTrue();
  }

  @Test
  void anotherCircleIsNew() {
    String stored = "Cycle detected: api ->\n  tasks ->\n  api\n  1. Dependencies of api\n";
    String now =
        "Cycle detected: api ->\n  tasks ->\n  events ->\n  api\n  1. Dependencies of api\n";

    assertThat(matcher.matches(now, stored)).isFalse();
  }
}
