package io.vpclab.controlplane.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.ServerProcess;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server needs neither the agent's TAP code (JNA) nor, outside {@code --demo}, the agent
 * itself: each is started in its own JVM on this test's class path less what it must not need.
 * A class the server loaded from a removed entry would fail it with NoClassDefFoundError.
 */
class ServerClassPathTest {

    private static final String JNA = "com/sun/jna/Native.class";
    private static final String AGENT = "io/vpclab/agent/FollowAgent.class";

    @Test
    void theServerServesTheApiWithoutJnaAndWithoutTheAgent(@TempDir Path temp) throws Exception {
        String classPath = classPathWithout(JNA, AGENT);

        try (ServerProcess server =
                ServerProcess.start(classPath, temp.resolve("data"), ServerProcess.freePort(), Map.of())) {
            String tenantId = new TenantsApi(server.admin())
                    .createTenant(new TenantCreate().name("no-agent"))
                    .getTenantId();
            String vpcId = new VpcsApi(server.admin())
                    .createVpc(new VpcCreate().tenantId(tenantId).cidrBlock("10.0.0.0/16"))
                    .getVpcId();
            assertThat(new SubnetsApi(server.admin())
                            .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.0.1.0/28"))
                            .getAvailableIpAddressCount())
                    .isEqualTo(11);
        }
    }

    @Test
    void theDemoRunsItsAgentsWithoutJna(@TempDir Path temp) throws Exception {
        String classPath = classPathWithout(JNA);
        Path data = temp.resolve("data");
        Path log = temp.resolve("data.log");

        try (ServerProcess ignored = ServerProcess.start(
                classPath,
                data,
                ServerProcess.freePort(),
                Map.of(),
                "--demo",
                "--vpclab.demo.port=" + FreeUdpPorts.consecutive(1))) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> Files.readString(log).contains("Tenant isolation holds"));
        }
        assertThat(Files.readString(log)).doesNotContain("NoClassDefFoundError");
    }

    /** This test's class path less every entry that holds one of {@code resources}; fails if one is not found. */
    private static String classPathWithout(String... resources) {
        List<String> entries =
                Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        for (String resource : resources) {
            assertThat(entries)
                    .as("the test's class path holds %s", resource)
                    .anyMatch(entry -> holds(entry, resource));
        }
        return String.join(
                File.pathSeparator,
                entries.stream()
                        .filter(entry -> Arrays.stream(resources).noneMatch(r -> holds(entry, r)))
                        .toList());
    }

    private static boolean holds(String entry, String resource) {
        Path path = Path.of(entry);
        if (Files.isDirectory(path)) {
            return Files.exists(path.resolve(resource));
        }
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (ZipFile jar = new ZipFile(path.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (IOException e) {
            throw new UncheckedIOException(entry, e);
        }
    }
}
