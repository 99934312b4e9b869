package io.vpclab.controlplane.internethost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.DiagnosticsApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InternetHost;
import io.vpclab.client.model.InternetHostCreate;
import io.vpclab.client.model.PingRequest;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TokenCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import io.vpclab.controlplane.southbound.FreeUdpPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** /api/v1/internet-hosts over HTTP against the demo server, and a real ping to a REST-created internet host. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class InternetHostApiTest {

    static final String ADMIN_TOKEN = "internet-admin-" + UUID.randomUUID();
    static final Duration CONVERGENCE = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vpclab.demo.enabled", () -> "true");
        registry.add("vpclab.demo.port", () -> FreeUdpPorts.consecutive(1));
        registry.add("vpclab.admin-token", () -> ADMIN_TOKEN);
        registry.add("vpclab.public.internet-hosts[0].name", () -> "configured");
        registry.add("vpclab.public.internet-hosts[0].ip", () -> "198.51.100.200");
        registry.add("vpclab.public.internet-hosts[0].host", () -> "demo-host-3");
        registry.add(
                "vpclab.data-dir",
                () -> Path.of("target", "test-data", "internet-" + UUID.randomUUID())
                        .toAbsolutePath()
                        .toString());
    }

    @LocalServerPort
    int port;

    ApiClient admin;
    InternetHostsApi internetHosts;

    @BeforeEach
    void demoIsUp() {
        admin = TestServers.client("http://127.0.0.1:" + port, ADMIN_TOKEN);
        internetHosts = new InternetHostsApi(admin);
        await().atMost(Duration.ofSeconds(90)).until(() -> names().containsAll(List.of("web", "dns")));
    }

    @Test
    void theDemoCreatesItsInternetHostsAndConfiguredOnesAreListedReadOnly() throws Exception {
        List<InternetHost> all = internetHosts.listInternetHosts(100, null).getItems();

        InternetHost web =
                all.stream().filter(h -> h.getName().equals("web")).findFirst().orElseThrow();
        assertThat(web.getIp()).isEqualTo("198.51.100.10");
        assertThat(web.getHostName()).isEqualTo("demo-host-1");
        assertThat(web.getSource()).isEqualTo(InternetHost.SourceEnum.API);
        assertThat(web.getInternetHostId()).startsWith("ih-");
        InternetHost configured = all.stream()
                .filter(h -> h.getName().equals("configured"))
                .findFirst()
                .orElseThrow();
        assertThat(configured.getSource()).isEqualTo(InternetHost.SourceEnum.CONFIGURATION);
        assertThat(configured.getHostName()).isEqualTo("demo-host-3");
        assertThat(internetHosts.getInternetHost(configured.getInternetHostId()).getIp())
                .isEqualTo("198.51.100.200");
        assertThat(problem(() -> internetHosts.deleteInternetHost(configured.getInternetHostId())))
                .isEqualTo("409 OperationNotPermitted");
        InternetHost firstPage =
                internetHosts.listInternetHosts(1, null).getItems().get(0);
        assertThat(internetHosts
                        .listInternetHosts(1, all.get(0).getInternetHostId())
                        .getItems())
                .doesNotContain(firstPage)
                .hasSize(1);
    }

    @Test
    void badRequestsAreRefusedWithTheirCodesAndStoreNothing() throws Exception {
        int before = internetHosts.listInternetHosts(100, null).getItems().size();
        String host = "demo-host-2";

        assertThat(problem(() -> create("x1", "192.0.2.10", host))).isEqualTo("400 InvalidParameterValue");
        assertThat(problem(() -> create("x2", "203.0.113.9", host))).isEqualTo("400 InvalidParameterValue");
        assertThat(problem(() -> create("x3", "198.51.100.1", host))).isEqualTo("400 InvalidParameterValue");
        assertThat(problem(() -> create("x4", "198.51.100.300", host))).isEqualTo("400 InvalidParameterValue");
        assertThat(problem(() -> create("Bad_Name", "198.51.100.40", host))).isEqualTo("400 InvalidParameterValue");
        assertThat(problem(() -> create("web", "198.51.100.41", host))).isEqualTo("409 InvalidInternetHost.Duplicate");
        assertThat(problem(() -> create("configured", "198.51.100.42", host)))
                .isEqualTo("409 InvalidInternetHost.Duplicate");
        assertThat(problem(() -> create("x5", "198.51.100.10", host))).isEqualTo("409 InvalidIPAddress.InUse");
        assertThat(problem(() -> create("x6", "198.51.100.200", host))).isEqualTo("409 InvalidIPAddress.InUse");
        assertThat(problem(() -> create("x7", "198.51.100.43", "no-such-host"))).isEqualTo("404 InvalidHost.NotFound");
        assertThat(problem(() -> internetHosts.createInternetHost(
                        new InternetHostCreate().name("x8").ip("198.51.100.44"))))
                .isEqualTo("400 MissingParameter");
        assertThat(problem(() -> internetHosts.createInternetHost(
                        new InternetHostCreate().name("x9").ip("198.51.100.45").hostId("host-00000000000000000"))))
                .startsWith("404 ");
        assertThat(problem(() -> internetHosts.getInternetHost("ih-00000000000000000")))
                .isEqualTo("404 InvalidInternetHost.NotFound");
        assertThat(problem(() -> internetHosts.deleteInternetHost("ih-00000000000000000")))
                .isEqualTo("404 InvalidInternetHost.NotFound");

        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate()
                        .name("ih-tenant-" + UUID.randomUUID().toString().substring(0, 8)))
                .getTenantId();
        String tenantToken = new TenantsApi(admin)
                .createTenantToken(tenantId, new TokenCreate())
                .getToken();
        InternetHostsApi asTenant = new InternetHostsApi(TestServers.client("http://127.0.0.1:" + port, tenantToken));
        assertThat(problem(() -> asTenant.createInternetHost(
                        new InternetHostCreate().name("t1").ip("198.51.100.46").hostName(host))))
                .startsWith("403 ");
        assertThat(problem(() -> asTenant.listInternetHosts(10, null))).startsWith("403 ");

        assertThat(internetHosts.listInternetHosts(100, null).getItems()).hasSize(before);
    }

    @Test
    void anInstanceWithAnElasticIpPingsARestCreatedInternetHostUntilItIsDeleted() throws Exception {
        InternetHost target = internetHosts.createInternetHost(
                new InternetHostCreate().name("ping-target").ip("198.51.100.77").hostName("demo-host-3"));
        assertThat(target.getHostName()).isEqualTo("demo-host-3");
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("ih-wire"))
                .getTenantId();
        String vpcId = new VpcsApi(admin)
                .createVpc(new VpcCreate().cidrBlock("10.77.0.0/16").tenantId(tenantId))
                .getVpcId();
        String subnetId = new SubnetsApi(admin)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock("10.77.1.0/24"))
                .getSubnetId();
        Instance vm = new InstancesApi(admin)
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(hostId("demo-host-1"))
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress("10.77.1.10"));
        String allocationId = new EipsApi(admin)
                .allocateEip(new EipAllocate().tenantId(tenantId).ingressPolicy(IngressPolicy.ALLOW_ALL))
                .getAllocationId();
        new EipsApi(admin).associateEip(allocationId, new EipAssociate().instanceId(vm.getInstanceId()));

        await().atMost(CONVERGENCE).until(() -> received(vm, "198.51.100.77") > 0);

        internetHosts.deleteInternetHost(target.getInternetHostId());
        assertThat(problem(() -> internetHosts.getInternetHost(target.getInternetHostId())))
                .isEqualTo("404 InvalidInternetHost.NotFound");
        await().atMost(CONVERGENCE).until(() -> received(vm, "198.51.100.77") == 0);
        assertThat(received(vm, "198.51.100.10"))
                .as("the demo's web host still answers")
                .isPositive();
    }

    private int received(Instance from, String target) throws ApiException {
        return new DiagnosticsApi(admin)
                .pingFromInstance(
                        from.getInstanceId(),
                        new PingRequest().target(target).count(2).timeoutMillis(500))
                .getReceived();
    }

    private String hostId(String name) throws ApiException {
        return new HostsApi(admin)
                .listHosts(100, null).getItems().stream()
                        .filter(h -> h.getName().equals(name))
                        .map(Host::getHostId)
                        .findFirst()
                        .orElseThrow();
    }

    private InternetHost create(String name, String ip, String hostName) throws ApiException {
        return internetHosts.createInternetHost(
                new InternetHostCreate().name(name).ip(ip).hostName(hostName));
    }

    private List<String> names() throws ApiException {
        return internetHosts.listInternetHosts(100, null).getItems().stream()
                .map(InternetHost::getName)
                .toList();
    }

    interface Call {
        void run() throws Exception;
    }

    /** "STATUS Code" of the refusal. */
    private static String problem(Call call) {
        ApiException e = catchThrowableOfType(ApiException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        String code = JsonMapper.builder()
                .build()
                .readTree(e.getResponseBody())
                .path("code")
                .asString();
        return e.getCode() + " " + code;
    }
}
