package io.vpclab.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;

/** Features talk through services and events, never through each other's repositories. */
class ArchitectureTest {

    private static final String ROOT = "io.vpclab.controlplane";
    private static final List<String> FEATURES = List.of(
            "tenant",
            "host",
            "vpc",
            "subnet",
            "instance",
            "elasticip",
            "natgateway",
            "whitelist",
            "peering",
            "internethost",
            "vpn",
            "routetable");
    /** The jobs built on the southbound: they use its public interfaces, it never uses them. */
    private static final List<String> SOUTHBOUND_USERS = List.of("hoststats", "diagnostics", "capture", "demo", "ui");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static DescribedPredicate<JavaClass> repositoryOf(String feature) {
        return DescribedPredicate.describe(
                "a repository of " + feature,
                c -> c.getPackageName().equals(ROOT + "." + feature) && c.isAssignableTo(Repository.class));
    }

    @Test
    void featuresDoNotTouchEachOthersRepositories() {
        for (String feature : FEATURES) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage(ROOT + "." + feature)
                    .should()
                    .dependOnClassesThat(repositoryOf(feature))
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    /** Every repository, features' and others', is read only in its own package: the rest asks its service. */
    @Test
    void noPackageReadsAnotherPackagesRepository() {
        noClasses()
                .should(new ArchCondition<JavaClass>("depend on a repository of another package") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                            JavaClass target = dependency.getTargetClass();
                            if (target.isAssignableTo(Repository.class)
                                    && target.getPackageName().startsWith(ROOT)
                                    && !target.getPackageName().equals(origin.getPackageName())) {
                                events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                            }
                        }
                    }
                })
                .check(CLASSES);
    }

    /**
     * The southbound compiles and pushes tables and hears acks; counters, diagnostics and captures
     * are built on its public interfaces, and it knows none of them.
     */
    @Test
    void theSouthboundKnowsNoneOfItsUsers() {
        for (String user : SOUTHBOUND_USERS) {
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".southbound..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + "." + user + "..")
                    .check(CLASSES);
        }
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".southbound..")
                .should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "southbound internals",
                        (JavaClass c) -> c.getPackageName().equals(ROOT + ".southbound")
                                && !c.isInterface()
                                && !c.getSimpleName().equals("NetworkCompilation")))
                .check(CLASSES);
    }

    /** The provider network's configuration is read by the southbound and the features, and reads none of them. */
    @Test
    void thePublicNetworkConfigurationDependsOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".publicnetwork..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".southbound..",
                        ROOT + ".hoststats..",
                        ROOT + ".diagnostics..",
                        ROOT + ".elasticip..",
                        ROOT + ".host..",
                        ROOT + ".instance..",
                        ROOT + ".vpc..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".hoststats..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".diagnostics..")
                .check(CLASSES);
    }

    @Test
    void apiModelsStayOutOfEntitiesAndRepositories() {
        noClasses()
                .that()
                .areAnnotatedWith(Entity.class)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vpclab.api.model..")
                .check(CLASSES);
        noClasses()
                .that()
                .areAssignableTo(Repository.class)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vpclab.api.model..")
                .check(CLASSES);
    }

    @Test
    void servicesDoNotDependOnTheWebLayer() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Service")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vpclab.api..")
                .check(CLASSES);
    }

    @Test
    void theSystemPackageKnowsNoFeature() {
        for (String feature : FEATURES) {
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + ".system..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + "." + feature + "..")
                    .check(CLASSES);
        }
    }

    /**
     * DESIGN.md: the demo may start agents in this JVM, but only through the agent's entry point.
     * The reachability analyzer alone reads the data plane's tables: it must judge a path with the
     * agent's table translator and the data plane's own (pure) evaluators, never a copy of them,
     * and it touches nothing that forwards.
     */
    @Test
    void onlyTheDemoStartsAgentsAndNothingReachesIntoTheDataPlane() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ROOT + ".demo..", ROOT + ".analyzer..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vpclab.agent..")
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".analyzer..")
                .should()
                .dependOnClassesThat(DescribedPredicate.describe(
                        "agent or data-plane code beyond the tables",
                        (JavaClass c) -> (c.getPackageName().startsWith("io.vpclab.agent")
                                        && !c.getPackageName().equals("io.vpclab.agent.table"))
                                || (c.getPackageName().startsWith("io.vpclab.dataplane")
                                        && !c.getPackageName().equals("io.vpclab.dataplane.table")
                                        && !c.getPackageName().equals("io.vpclab.dataplane.packet"))))
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".analyzer..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.vpclab.dataplane..")
                .check(CLASSES);
    }

    /** The compiler is a pure function over a snapshot, testable without Spring or a database. */
    @Test
    void theCompilerKnowsNeitherSpringNorTheStore() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".compiler..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "jakarta.persistence..",
                        ROOT + ".tenant..",
                        ROOT + ".host..",
                        ROOT + ".vpc..",
                        ROOT + ".subnet..",
                        ROOT + ".instance..",
                        ROOT + ".southbound..",
                        ROOT + ".publicnetwork..",
                        ROOT + ".hoststats..")
                .check(CLASSES);
    }
}
