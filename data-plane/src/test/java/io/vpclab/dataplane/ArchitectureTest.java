package io.vpclab.dataplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: data-plane depends on nothing of ours and never on Spring. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vpclab.dataplane");

    @Test
    void theDataPlaneNeverDependsOnSpring() {
        noClasses()
                .that()
                .resideInAPackage("io.vpclab.dataplane..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .check(CLASSES);
    }

    @Test
    void theDataPlaneNeverDependsOnTheApiClientOrServer() {
        noClasses()
                .that()
                .resideInAPackage("io.vpclab.dataplane..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.vpclab.client..", "io.vpclab.api..", "io.vpclab.agent..", "io.vpclab.controlplane..")
                .check(CLASSES);
    }

    @Test
    void packetViewsAndTablesStayBelowThePipeline() {
        noClasses()
                .that()
                .resideInAnyPackage("io.vpclab.dataplane.packet..", "io.vpclab.dataplane.table..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.vpclab.dataplane.pipeline..", "io.vpclab.dataplane.host..", "io.vpclab.dataplane.capture..")
                .check(CLASSES);
    }
}
