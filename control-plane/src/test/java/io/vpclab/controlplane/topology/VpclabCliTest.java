package io.vpclab.controlplane.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.NetworkAclAssociation;
import io.vpclab.client.model.NetworkAclCreate;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import io.vpclab.topology.cli.VpclabCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The vpclab CLI (its real entry point, in this JVM) against the demo server: apply, get with its
 * tables and -o json|yaml, matrix, and destroy, which removes only what the file declares and has
 * nothing to do the second time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class VpclabCliTest {

    static final String ADMIN_TOKEN = "cli-admin-" + UUID.randomUUID();
    static final Path ISOLATION = Path.of("..", "topology-samples", "tenant-isolation", "topology.yaml");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "cli-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    record Run(int exit, String out, String err) {}

    /** One CLI run with its output captured; the CLI prints to System.out and System.err as a process would. */
    private synchronized Run cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!args[0].equals("validate")) {
            all.addAll(List.of("--url", "http://127.0.0.1:" + port, "--token", ADMIN_TOKEN));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = VpclabCli.run(all.toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldOut.print(run.out());
        oldErr.print(run.err());
        return run;
    }

    @Test
    void applyGetMatrixAndDestroyTwice() throws Exception {
        ApiClient admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        TopologySamplesTest.awaitDemoHosts(admin);

        // --instance-kind: the file's pins to demo hosts (simulated only) give way to hosts that run the kind;
        // here none does, which is what the refusal says (and the apply's creations are rolled back)
        Run netns = cli("apply", "-f", ISOLATION.toString(), "--instance-kind", "netns");
        assertThat(netns.exit()).isEqualTo(VpclabCli.REFUSED);
        assertThat(netns.err()).contains("InsufficientInstanceCapacity", "no connected host can run a netns instance");
        assertThat(names(new TenantsApi(admin))).doesNotContain("iso-red", "iso-blue");

        assertThat(cli("apply", "-f", ISOLATION.toString()).exit()).isEqualTo(VpclabCli.OK);

        Run instances = cli("get", "instances");
        assertThat(instances.exit()).isEqualTo(VpclabCli.OK);
        List<String> lines = instances.out().lines().toList();
        assertThat(lines.get(0))
                .startsWith("NAME")
                .contains("ID", "TENANT", "VPC", "SUBNET", "HOST", "PRIVATE IP", "STATE");
        // aligned: every row starts each column where the header does
        int tenantColumn = lines.get(0).indexOf("TENANT");
        String red1 =
                lines.stream().filter(l -> l.startsWith("red-1 ")).findFirst().orElseThrow();
        assertThat(red1.substring(tenantColumn))
                .matches("iso-red +red-vpc +red-web +demo-host-1 +simulated +10\\.0\\.1\\.10 +- +running");
        // sorted by tenant, then name: iso-blue's before iso-red's
        assertThat(lines.indexOf(lines.stream()
                        .filter(l -> l.startsWith("blue-1 "))
                        .findFirst()
                        .orElseThrow()))
                .isLessThan(lines.indexOf(red1));

        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(cli("get", "instances", "-o", "json").out());
        assertThat(json.isArray()).isTrue();
        assertThat(json.valueStream().map(i -> i.path("name").asString()).toList())
                .contains("red-1", "red-2", "red-db-1", "blue-1", "blue-2");
        assertThat(json.valueStream()
                        .filter(i -> i.path("name").asString().equals("red-1"))
                        .findFirst()
                        .orElseThrow()
                        .path("hostName")
                        .asString())
                .isEqualTo("demo-host-1");
        assertThat(cli("get", "vpcs", "-o", "yaml").out()).contains("name: \"red-vpc\"", "cidrBlock: \"10.0.0.0/16\"");
        for (String kind : List.of(
                "tenants", "hosts", "vpcs", "subnets", "natgateways", "elasticips", "peerings", "securitygroups")) {
            Run run = cli("get", kind);
            assertThat(run.exit()).as(kind).isEqualTo(VpclabCli.OK);
            assertThat(run.out()).as(kind).isNotBlank();
        }
        assertThat(cli("get", "subnets").out())
                .containsPattern("red-web +subnet-\\S+ +iso-red +red-vpc +10\\.0\\.1\\.0/24");
        assertThat(cli("get", "widgets").exit()).isEqualTo(VpclabCli.INVALID);
        assertThat(cli("get", "vpcs", "-o", "xml").exit()).isEqualTo(VpclabCli.INVALID);

        Run matrix = cli("matrix", "-f", ISOLATION.toString());
        assertThat(matrix.exit()).isEqualTo(VpclabCli.OK);
        List<String> rows = matrix.out().lines().toList();
        assertThat(rows.get(1)).startsWith("blue-1 10.0.1.10");
        assertThat(rows.get(5)).startsWith("red-db-1 10.0.2.10");
        // blue-2 pings 10.0.1.10: blue's own blue-1 answers, not red-1 (which has the same address)
        String blue2 = rows.get(2);
        int red1Column = rows.get(0).indexOf("red-1 10.0.1.10");
        assertThat(blue2.substring(red1Column)).startsWith("own ");
        assertThat(rows.get(1).substring(red1Column)).startsWith("(same ip)");

        // a custom network ACL (it denies everything) on red-db: red's own pings to red-db-1 go unanswered,
        // the matrix says UNEXPECTED and exits non-zero; the default ACL back, the matrix is all as expected
        JsonNode redDb = JsonMapper.builder()
                .build()
                .readTree(cli("get", "subnets", "-o", "json").out())
                .valueStream()
                .filter(n -> n.path("name").asString().equals("red-db"))
                .findFirst()
                .orElseThrow();
        String redVpc = redDb.path("vpcId").asString();
        String redDbSubnet = redDb.path("subnetId").asString();
        NetworkAclsApi acls = new NetworkAclsApi(admin);
        String defaultAcl = acls.listNetworkAcls(redVpc, 100, null).getItems().stream()
                .filter(NetworkAcl::getIsDefault)
                .findFirst()
                .orElseThrow()
                .getNetworkAclId();
        String denyAll =
                acls.createNetworkAcl(new NetworkAclCreate().vpcId(redVpc)).getNetworkAclId();
        acls.replaceNetworkAclAssociation(redDbSubnet, new NetworkAclAssociation().networkAclId(denyAll));
        Run broken = await().atMost(Duration.ofSeconds(60))
                .until(() -> cli("matrix", "-f", ISOLATION.toString()), r -> r.exit() != VpclabCli.OK);
        assertThat(broken.exit()).isEqualTo(VpclabCli.NOT_MET);
        assertThat(broken.out()).contains("UNEXPECTED: ").contains("red-1 10.0.1.10 -> red-db-1 10.0.2.10 x");
        acls.replaceNetworkAclAssociation(redDbSubnet, new NetworkAclAssociation().networkAclId(defaultAcl));
        acls.deleteNetworkAcl(denyAll);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> cli("matrix", "-f", ISOLATION.toString()).exit() == VpclabCli.OK);

        // Something the file does not declare, in a tenant it does: destroy keeps that tenant and says why
        TenantsApi tenants = new TenantsApi(admin);
        String red = tenantId(tenants, "iso-red");
        String extraVpc = new VpcsApi(admin)
                .createVpc(
                        new VpcCreate().cidrBlock("10.5.0.0/16").tenantId(red).name("not-in-file"))
                .getVpcId();
        Run first = cli("destroy", "-f", ISOLATION.toString());
        assertThat(first.exit()).isEqualTo(VpclabCli.NOT_MET);
        assertThat(first.out())
                .contains("deleted instance red-1", "deleted vpc iso-red/red-vpc", "deleted tenant iso-blue")
                .contains("kept tenant iso-red")
                .doesNotContain("not-in-file");
        assertThat(first.out().indexOf("deleted instance red-1"))
                .as("newest first: instances before their subnet")
                .isLessThan(first.out().indexOf("deleted subnet iso-red/red-vpc/red-web"));
        assertThat(new VpcsApi(admin).getVpc(extraVpc).getName()).isEqualTo("not-in-file");
        assertThat(names(tenants)).contains("iso-red").doesNotContain("iso-blue");

        new VpcsApi(admin).deleteVpc(extraVpc);
        Run second = cli("destroy", "-f", ISOLATION.toString());
        assertThat(second.exit()).isEqualTo(VpclabCli.OK);
        assertThat(second.out()).contains("deleted tenant iso-red").contains("1 deleted, 0 kept");
        Run third = cli("destroy", "-f", ISOLATION.toString());
        assertThat(third.exit()).isEqualTo(VpclabCli.OK);
        assertThat(third.out()).contains("nothing to do");
        assertThat(names(tenants)).doesNotContain("iso-red", "iso-blue").contains("acme", "globex");
    }

    @Test
    void validateReportsEveryProblemInOnePassAndNeverSaysApplied(@TempDir Path dir) throws Exception {
        // a schema problem (a port out of range) and a reference problem (an unknown instance) in one file
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                tenants:
                  - name: t
                    vpcs:
                      - name: v
                        cidrBlock: 10.0.0.0/16
                        subnets:
                          - name: s
                            cidrBlock: 10.0.1.0/24
                            instances:
                              - { name: a }
                expect:
                  - { from: a, to: nobody, probe: ping, outcome: reachable }
                  - { from: a, to: a, probe: tcp, port: 70000, outcome: open }
                """);

        Run run = cli("validate", "-f", file.toString());

        assertThat(run.exit()).isEqualTo(VpclabCli.INVALID);
        assertThat(run.err()).contains("2 problems").contains("nobody").contains("/expect/1/port");
        assertThat(run.err() + run.out()).doesNotContainIgnoringCase("applied");
    }

    private static String tenantId(TenantsApi tenants, String name) throws Exception {
        return tenants.listTenants(1000, null).getItems().stream()
                .filter(t -> name.equals(t.getName()))
                .findFirst()
                .orElseThrow()
                .getTenantId();
    }

    private static List<String> names(TenantsApi tenants) throws Exception {
        return tenants.listTenants(1000, null).getItems().stream()
                .map(Tenant::getName)
                .toList();
    }
}
