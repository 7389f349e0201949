package io.tasklane.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A frozen cycle is known by its circle of packages, not by the dependencies that make it up. */
@Tag("fast")
class ServiceBoundariesTests {

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
