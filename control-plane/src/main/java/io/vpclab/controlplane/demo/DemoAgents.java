package io.vpclab.controlplane.demo;

import io.vpclab.agent.FollowAgent;
import io.vpclab.agent.OffloadChoice;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.InstanceKind;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's agents, each a {@link FollowAgent} on its own underlay endpoint ({@link DemoUnderlay}). */
final class DemoAgents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoAgents.class);

    private final List<FollowAgent> agents = new ArrayList<>();

    static String hostName(int index) {
        return "demo-host-" + index;
    }

    /** The reactor lesson's hosts: a pair on the plain path, a pair on the fast path. */
    static final List<String> REACTOR_HOSTS = List.of("demo-plain-1", "demo-plain-2", "demo-fast-1", "demo-fast-2");

    static DemoAgents start(DemoUnderlay underlay, URI controlPlane, String adminToken, Path stateDir)
            throws ApiException {
        return start(underlay, controlPlane, adminToken, stateDir, false);
    }

    /**
     * The demo's agents and, with {@code reactorHosts} where TAP devices can be opened (root on
     * Linux), the four netns-capable {@link #REACTOR_HOSTS} on the next loopback addresses.
     */
    static DemoAgents start(
            DemoUnderlay underlay, URI controlPlane, String adminToken, Path stateDir, boolean reactorHosts)
            throws ApiException {
        DemoAgents started = new DemoAgents();
        try {
            for (int i = 1; i <= underlay.endpoints().size(); i++) {
                String name = hostName(i);
                InetSocketAddress endpoint = underlay.endpoints().get(i - 1);
                // simulated instances only: the TAP code (and its JNA) is never loaded in the server
                started.agents.add(FollowAgent.start(FollowAgent.Options.builder(
                                controlPlane,
                                adminToken,
                                name,
                                endpoint.getAddress().getHostAddress(),
                                endpoint.getPort(),
                                stateDir.resolve(name + ".properties"))
                        .capabilities(List.of(InstanceKind.SIMULATED))
                        .build()));
            }
            if (reactorHosts) {
                started.startReactorHosts(underlay, controlPlane, adminToken, stateDir);
            }
        } catch (ApiException | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void startReactorHosts(DemoUnderlay underlay, URI controlPlane, String adminToken, Path stateDir)
            throws ApiException {
        if (!FollowAgent.canOpenTaps()) {
            log.warn("the reactor lesson's hosts need TAP devices (root on Linux): not started");
            return;
        }
        InetSocketAddress last = underlay.endpoints().get(underlay.endpoints().size() - 1);
        for (int i = 0; i < REACTOR_HOSTS.size(); i++) {
            String name = REACTOR_HOSTS.get(i);
            InetSocketAddress endpoint = freeEndpoint(nextLoopback(last.getAddress(), i + 1), last.getPort());
            agents.add(FollowAgent.start(FollowAgent.Options.builder(
                            controlPlane,
                            adminToken,
                            name,
                            endpoint.getAddress().getHostAddress(),
                            endpoint.getPort(),
                            stateDir.resolve(name + ".properties"))
                    .capabilities(List.of(InstanceKind.SIMULATED, InstanceKind.NETNS))
                    .offloads(name.startsWith("demo-plain") ? OffloadChoice.NONE : OffloadChoice.ALL)
                    .build()));
        }
    }

    private static InetAddress nextLoopback(InetAddress address, int step) {
        byte[] bytes = address.getAddress();
        if (!address.isLoopbackAddress() || bytes.length != 4) {
            return address;
        }
        bytes[3] = (byte) ((bytes[3] & 0xff) + step);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code port} on {@code address} when free, else a free port there. */
    private static InetSocketAddress freeEndpoint(InetAddress address, int port) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, port))) {
            return new InetSocketAddress(address, port);
        } catch (SocketException taken) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 0))) {
                return new InetSocketAddress(address, probe.getLocalPort());
            } catch (SocketException e) {
                throw new IllegalStateException("no free UDP port on " + address, e);
            }
        }
    }

    List<FollowAgent> agents() {
        return agents;
    }

    @Override
    public void close() {
        agents.forEach(FollowAgent::close);
    }
}
