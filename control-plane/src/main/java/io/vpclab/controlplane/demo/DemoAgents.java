package io.vpclab.controlplane.demo;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.InstanceKind;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's agents, each a {@link FollowAgent} on its own underlay endpoint ({@link DemoUnderlay}). */
final class DemoAgents implements AutoCloseable {

    private final List<FollowAgent> agents = new ArrayList<>();

    static String hostName(int index) {
        return "demo-host-" + index;
    }

    static DemoAgents start(DemoUnderlay underlay, URI controlPlane, String adminToken, Path stateDir)
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
        } catch (ApiException | RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    List<FollowAgent> agents() {
        return agents;
    }

    @Override
    public void close() {
        agents.forEach(FollowAgent::close);
    }
}
