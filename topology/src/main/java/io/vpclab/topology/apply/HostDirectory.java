package io.vpclab.topology.apply;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.InstanceKind;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered hosts by name, and placement for instances the file does not pin: round robin
 * over the connected hosts that can run the kind, in name order, so the same file places the
 * same way on the same lab.
 */
final class HostDirectory {

    private final Map<String, Host> byName = new LinkedHashMap<>();
    private int placed;

    static HostDirectory read(HostsApi hosts) throws ApiException {
        HostDirectory directory = new HostDirectory();
        List<Host> all =
                Pages.all(token -> hosts.listHosts(Pages.PAGE_SIZE, token), p -> p.getItems(), p -> p.getNextToken());
        all.stream().sorted(Comparator.comparing(Host::getName)).forEach(h -> directory.byName.put(h.getName(), h));
        return directory;
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    void add(Host host) {
        byName.put(host.getName(), host);
    }

    String id(String name) throws Refusal {
        Host host = byName.get(name);
        if (host == null) {
            throw new Refusal(
                    404,
                    "InvalidHost.NotFound",
                    "no host named '" + name + "' is registered (hosts: " + String.join(", ", byName.keySet())
                            + "); start its agent or declare it under hosts:");
        }
        return host.getHostId();
    }

    String name(String hostId) {
        return byName.values().stream()
                .filter(h -> h.getHostId().equals(hostId))
                .map(Host::getName)
                .findFirst()
                .orElse(hostId);
    }

    /** True when a host of that name is registered and can run the kind. */
    boolean runs(String name, InstanceKind kind) {
        Host host = byName.get(name);
        return host != null && canRun(host, kind);
    }

    String place(InstanceKind kind) throws Refusal {
        List<Host> candidates = byName.values().stream()
                .filter(h -> h.getStatus() == HostStatus.CONNECTED)
                .filter(h -> canRun(h, kind))
                .toList();
        if (candidates.isEmpty()) {
            throw new Refusal(409, "InsufficientInstanceCapacity", "no connected host can run a " + kind + " instance");
        }
        return candidates.get(placed++ % candidates.size()).getHostId();
    }

    private static boolean canRun(Host host, InstanceKind kind) {
        return host.getCapabilities() == null || host.getCapabilities().isEmpty()
                ? kind == InstanceKind.SIMULATED
                : host.getCapabilities().contains(kind);
    }
}
