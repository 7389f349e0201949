package io.tasklane.testsupport;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The boundaries every Tasklane service keeps, as ArchUnit rules each service's {@code
 * ArchitectureTests} applies to its own main classes. {@code service} is the package under {@code
 * io.tasklane} ({@code ledger}, {@code runner}, …); its feature packages are the ones directly
 * below it.
 */
public final class ServiceBoundaries {

  private ServiceBoundaries() {}

  /** No two feature packages of the service depend on each other, directly or around a circle. */
  public static ArchRule featurePackagesAreFreeOfCycles(String service) {
    return slices()
        .matching("io.tasklane." + service + ".(*)..")
        .namingSlices("$1")
        .as("feature packages of io.tasklane." + service)
        .should()
        .beFreeOfCycles();
  }

  /**
   * A service reaches the others only through the wire: besides its own packages it may use the
   * contracts and the shared support modules, never another service's classes.
   */
  public static ArchRule usesNoOtherService(String service) {
    return noClasses()
        .that()
        .resideInAPackage("io.tasklane." + service + "..")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.and(
                resideInAPackage("io.tasklane.."),
                not(
                    resideInAnyPackage(
                        "io.tasklane." + service + "..",
                        "io.tasklane.contracts..",
                        "io.tasklane.backend.."))))
        .as(
            "io.tasklane.%s uses no other service (only io.tasklane.contracts and io.tasklane.backend)"
                .formatted(service));
  }

  /** Entities never leave their feature: the API speaks records. */
  public static ArchRule entitiesArePackagePrivate() {
    return classes()
        .that()
        .areAnnotatedWith("jakarta.persistence.Entity")
        .should()
        .notBePublic()
        .andShould()
        .notBeProtected()
        .allowEmptyShould(true)
        .as("entities are package-private");
  }

  /** Only the feature that owns a table reads and writes it through its repository. */
  public static ArchRule repositoriesArePackagePrivate() {
    return classes()
        .that()
        .areAssignableTo("org.springframework.data.repository.Repository")
        .should()
        .notBePublic()
        .andShould()
        .notBeProtected()
        .allowEmptyShould(true)
        .as("repositories are package-private");
  }

  /**
   * HttpStatus, ResponseEntity and ProblemDetail are used only by the classes {@code web}
   * describes: statuses and responses belong to the web layer, not to a feature's core.
   */
  public static ArchRule httpTypesOnlyIn(DescribedPredicate<? super JavaClass> web) {
    return noClasses()
        .that(not(web))
        .should()
        .dependOnClassesThat()
        .haveNameMatching(
            "org\\.springframework\\.http\\.(HttpStatus|ResponseEntity|ProblemDetail)(\\$.*)?")
        .as(
            "HttpStatus, ResponseEntity and ProblemDetail are used only in "
                + web.getDescription());
  }

  /** Classes whose simple name ends with {@code suffix}, e.g. the controllers. */
  public static DescribedPredicate<JavaClass> namedLike(String suffix) {
    return DescribedPredicate.describe(
        "classes named *" + suffix, type -> type.getSimpleName().endsWith(suffix));
  }
}
