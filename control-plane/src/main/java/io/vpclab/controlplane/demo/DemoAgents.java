package io.vpclab.controlplane.demo;

import io.vpclab.agent.FollowAgent;
import io.vpclab.client.ApiException;
import io.vpclab.client.model.InstanceKind;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo's agents, each a {@link FollowAgent} on its own loopback UDP port. */
final class DemoAgents implements AutoCloseable {

    private final List<FollowAgent> agents = new ArrayList<>();

    static DemoAgents start(DemoProperties demo, URI controlPlane, String adminToken, Path stateDir)
            throws ApiException {
        DemoAgents started = new DemoAgents();
        try {
            for (int i = 1; i <= demo.hosts(); i++) {
                String name = "demo-host-" + i;
                // simulated instances only: the TAP code (and its JNA) is never loaded in the server
                started.agents.add(FollowAgent.start(FollowAgent.Options.builder(
                                controlPlane,
                                adminToken,
                                name,
                                demo.underlayIp(),
                                demo.basePort() + i - 1,
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
