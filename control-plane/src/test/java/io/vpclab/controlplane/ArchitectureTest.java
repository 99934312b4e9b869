package io.vpclab.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;

/** Features talk through services and events, never through each other's repositories. */
class ArchitectureTest {

    private static final String ROOT = "io.vpclab.controlplane";
    private static final List<String> FEATURES = List.of("tenant", "host", "vpc", "subnet", "instance",
            "eip", "natgateway", "whitelist", "peering");
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static DescribedPredicate<JavaClass> repositoryOf(String feature) {
        return DescribedPredicate.describe("a repository of " + feature,
                c -> c.getPackageName().equals(ROOT + "." + feature) && c.isAssignableTo(Repository.class));
    }

    @Test
    void featuresDoNotTouchEachOthersRepositories() {
        for (String feature : FEATURES) {
            noClasses().that().resideOutsideOfPackage(ROOT + "." + feature)
                    .should().dependOnClassesThat(repositoryOf(feature))
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    @Test
    void apiModelsStayOutOfEntitiesAndRepositories() {
        noClasses().that().areAnnotatedWith(Entity.class)
                .should().dependOnClassesThat().resideInAPackage("io.vpclab.api.model..")
                .check(CLASSES);
        noClasses().that().areAssignableTo(Repository.class)
                .should().dependOnClassesThat().resideInAPackage("io.vpclab.api.model..")
                .check(CLASSES);
    }

    @Test
    void servicesDoNotDependOnTheWebLayer() {
        noClasses().that().haveSimpleNameEndingWith("Service")
                .should().dependOnClassesThat().resideInAPackage("io.vpclab.api..")
                .check(CLASSES);
    }

    @Test
    void theSystemPackageKnowsNoFeature() {
        for (String feature : FEATURES) {
            noClasses().that().resideInAPackage(ROOT + ".system..")
                    .should().dependOnClassesThat().resideInAPackage(ROOT + "." + feature + "..")
                    .check(CLASSES);
        }
    }

    /** DESIGN.md: the demo may start agents in this JVM, but only through the agent's entry point. */
    @Test
    void onlyTheDemoStartsAgentsAndNothingReachesIntoTheDataPlane() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".demo..")
                .should().dependOnClassesThat().resideInAPackage("io.vpclab.agent..")
                .check(CLASSES);
        noClasses().should().dependOnClassesThat().resideInAPackage("io.vpclab.dataplane..")
                .check(CLASSES);
    }

    /** The compiler is a pure function over a snapshot, testable without Spring or a database. */
    @Test
    void theCompilerKnowsNeitherSpringNorTheStore() {
        noClasses().that().resideInAPackage(ROOT + ".compiler..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                        ROOT + ".tenant..", ROOT + ".host..", ROOT + ".vpc..", ROOT + ".subnet..", ROOT + ".instance..",
                        ROOT + ".southbound..")
                .check(CLASSES);
    }
}
