package io.vpclab.controlplane.southbound;

import static org.awaitility.Awaitility.await;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.ProbeRequest;
import io.vpclab.client.model.ProbeType;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.publicnetwork.PublicNetworkProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The set-up the {@code *OnTheWireTest} classes share: a server in this JVM, real agents on
 * consecutive free UDP ports of loopback, a tenant's network built over the API as admin, and
 * waits until every agent has applied its latest table. Optionally the internet host "web"
 * ({@value #INTERNET_IP}) on one named agent.
 */
final class OnTheWireFixture implements AutoCloseable {

    static final Duration CONVERGENCE = Duration.ofSeconds(30);
    static final String INTERNET_IP = "198.51.100.10";
    /** The table port of the internet host "web", to probe from. */
    static final String INTERNET_PORT = PublicNetworkProperties.internetHostId("web");

    private final ControlPlaneLab lab;
    private final List<FollowAgent> agents = new ArrayList<>();

    private OnTheWireFixture(String... serverArguments) throws IOException {
        lab = new ControlPlaneLab();
        try {
            lab.startServer(serverArguments);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** A server with nothing on its public network. */
    static OnTheWireFixture server() throws IOException {
        return new OnTheWireFixture();
    }

    /** A server whose internet host "web" runs on the agent named {@code agentName} once it registers. */
    static OnTheWireFixture withInternetHostOn(String agentName, String... moreServerArguments) throws IOException {
        return new OnTheWireFixture(Stream.concat(
                        Stream.of(
                                "--vpclab.public.internet-hosts[0].name=web",
                                "--vpclab.public.internet-hosts[0].ip=" + INTERNET_IP,
                                "--vpclab.public.internet-hosts[0].host=" + agentName),
                        Stream.of(moreServerArguments))
                .toArray(String[]::new));
    }

    ControlPlaneLab lab() {
        return lab;
    }

    ApiClient admin() {
        return lab.admin();
    }

    /** Starts the agents {@code prefix-1} .. {@code prefix-count}, each registering its host. */
    List<FollowAgent> agents(String prefix, int count) throws ApiException {
        int udpBase = FreeUdpPorts.consecutive(count);
        List<FollowAgent> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(lab.agent(prefix + "-" + (i + 1), udpBase + i));
        }
        agents.addAll(started);
        return started;
    }

    String tenant(String name) throws ApiException {
        return new TenantsApi(admin())
                .createTenant(new TenantCreate().name(name))
                .getTenantId();
    }

    String vpc(String tenantId, String cidrBlock) throws ApiException {
        return new VpcsApi(admin())
                .createVpc(new VpcCreate().cidrBlock(cidrBlock).tenantId(tenantId))
                .getVpcId();
    }

    String subnet(String vpcId, String cidrBlock) throws ApiException {
        return new SubnetsApi(admin())
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(cidrBlock))
                .getSubnetId();
    }

    /** A simulated instance at {@code ip} on the host of {@code agent}. */
    Instance instance(String subnetId, FollowAgent agent, String ip) throws ApiException {
        return new InstancesApi(admin())
                .runInstance(new InstanceCreate()
                        .subnetId(subnetId)
                        .hostId(agent.hostId())
                        .kind(InstanceKind.SIMULATED)
                        .privateIpAddress(ip));
    }

    /** Waits until every started agent has applied its host's latest desired table. */
    void awaitConverged() {
        await().atMost(CONVERGENCE).until(() -> agents.stream().allMatch(lab::converged));
    }

    /** Waits until {@code agent} has applied a generation after {@code before}, then until all converged. */
    void awaitNewGeneration(FollowAgent agent, long before) {
        await().atMost(CONVERGENCE).until(() -> agent.appliedGeneration() > before);
        awaitConverged();
    }

    /** A TCP port probe from an agent's port: open, closed or filtered. */
    static String tcp(FollowAgent from, String portId, String target, int port) {
        return from.probe(new ProbeRequest()
                        .requestId(UUID.randomUUID().toString())
                        .portId(portId)
                        .type(ProbeType.TCP)
                        .target(target)
                        .port(port)
                        .timeoutMillis(500))
                .getOutcome();
    }

    @Override
    public void close() {
        lab.close();
    }
}
