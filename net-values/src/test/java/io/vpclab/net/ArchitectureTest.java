package io.vpclab.net;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shared values are a leaf: every module uses them, so they use nothing but the JDK. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vpclab.net");

    @Test
    void theValuesDependOnTheJdkOnly() {
        classes()
                .that()
                .resideInAPackage("io.vpclab.net..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.vpclab.net..", "java..", "javax.crypto..")
                .because("the control plane must not pull in Netty, nor the data plane Spring")
                .check(CLASSES);
    }
}
