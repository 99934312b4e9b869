package io.vpclab.agent;

import io.vpclab.agent.port.PortProvisioner;
import io.vpclab.agent.port.ProvisionedPort;
import io.vpclab.agent.port.VpnGatewayPorts;
import io.vpclab.dataplane.Vtep;
import io.vpclab.dataplane.port.FrameDevice;
import io.vpclab.dataplane.stats.CountersSnapshot;
import io.vpclab.dataplane.stats.TrafficSnapshot;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.PortKind;
import io.vpclab.dataplane.wireguard.WireGuardPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link Vtep} with the instance side of its ports: installs a whole {@link ForwardingState}
 * in a safe order (new ports created first and undone on failure, then the atomic swap, then
 * changed and removed ports retired), so a refused table changes nothing. Shared by the static
 * table mode and the control-plane mode.
 */
final class PortedVtep implements AutoCloseable {

    private final Vtep vtep;
    private final PortProvisioner provisioner;
    private final Map<String, ProvisionedPort> ports = new LinkedHashMap<>();
    private ForwardingState state;

    PortedVtep(Vtep vtep, PortProvisioner provisioner) {
        this.vtep = vtep;
        this.provisioner = provisioner;
    }

    Vtep vtep() {
        return vtep;
    }

    synchronized ForwardingState state() {
        return state;
    }

    synchronized Optional<FrameDevice> device(String portId) {
        return Optional.ofNullable(ports.get(portId)).map(ProvisionedPort::device);
    }

    /** The WireGuard ports of the VPN gateways served here, by gateway (port) id. */
    synchronized Map<String, WireGuardPort> vpnGateways() {
        Map<String, WireGuardPort> gateways = new java.util.TreeMap<>();
        ports.forEach((id, port) -> {
            if (port.device() instanceof WireGuardPort wireGuard) {
                gateways.put(id, wireGuard);
            }
        });
        return gateways;
    }

    synchronized void install(ForwardingState next) {
        Map<String, LocalPort> wanted = new LinkedHashMap<>();
        next.ports().forEach(p -> wanted.put(p.id(), p));
        List<String> retired = new ArrayList<>();
        if (state != null) {
            for (LocalPort old : state.ports()) {
                // a VPN gateway's port also follows its gateway's key, listen port and peers
                if (!old.equals(wanted.get(old.id()))
                        || (old.kind() == PortKind.VPN_GATEWAY
                                && !VpnGatewayPorts.gatewayOf(state, old.id())
                                        .equals(VpnGatewayPorts.gatewayOf(next, old.id())))) {
                    retired.add(old.id());
                }
            }
        }
        // a changed port is recreated, so its old device must go before the new one takes its name
        for (String id : retired) {
            if (wanted.containsKey(id)) {
                retire(id);
            }
        }
        List<ProvisionedPort> created = new ArrayList<>();
        try {
            for (LocalPort port : wanted.values()) {
                // a NAT gateway's port is served by the data plane itself: nothing to create
                if (!ports.containsKey(port.id()) && port.kind() == PortKind.VPN_GATEWAY) {
                    created.add(VpnGatewayPorts.open(next, port));
                } else if (!ports.containsKey(port.id()) && port.kind() != PortKind.NAT_GATEWAY) {
                    created.add(provisioner.provision(port));
                }
            }
        } catch (RuntimeException e) {
            created.forEach(ProvisionedPort::close);
            throw e;
        }
        vtep.apply(next);
        for (ProvisionedPort port : created) {
            ports.put(port.portId(), port);
            vtep.attachPort(port.portId(), port.device());
        }
        for (String id : retired) {
            if (!wanted.containsKey(id)) {
                retire(id);
            }
        }
        state = next;
    }

    private void retire(String portId) {
        ProvisionedPort port = ports.remove(portId);
        if (port != null) {
            // the VTEP closes the device it owned; what is left is the namespace
            if (!vtep.detachPort(portId)) {
                port.close();
            }
            port.removeCreated();
        }
    }

    /** Counters grouped for printing: host, then each segment, then each port, then each event loop. */
    Map<String, Map<String, Long>> counterGroups() {
        Map<String, Map<String, Long>> groups = counterGroups(vtep);
        vpnGateways().forEach((id, port) -> {
            Map<String, Long> drops = new LinkedHashMap<>();
            for (io.vpclab.dataplane.wireguard.DropReason reason : io.vpclab.dataplane.wireguard.DropReason.values()) {
                drops.put("drop" + camel(reason.name()), port.drops(reason));
            }
            groups.put("vpnGateway/" + id, drops);
            port.tunnels().forEach(tunnel -> {
                Map<String, Long> figures = new LinkedHashMap<>();
                figures.put("packetsIn", tunnel.peer().rxPackets());
                figures.put("bytesIn", tunnel.peer().rxBytes());
                figures.put("packetsOut", tunnel.peer().txPackets());
                figures.put("bytesOut", tunnel.peer().txBytes());
                groups.put("vpnTunnel/" + tunnel.connectionId(), figures);
            });
        });
        return groups;
    }

    /**
     * {@code vtep}'s counters grouped for printing, summed over its event loops (host, each
     * segment, each port), then each loop's share ({@code loop/N}): underlay datagrams and port
     * frames in and out, so a report shows how the loops split the work.
     */
    static Map<String, Map<String, Long>> counterGroups(Vtep vtep) {
        List<CountersSnapshot> perLoop = vtep.countersPerLoop();
        CountersSnapshot total = perLoop.get(0);
        for (int i = 1; i < perLoop.size(); i++) {
            total = total.plus(perLoop.get(i));
        }
        Map<String, Map<String, Long>> groups = counterGroups(total);
        for (int i = 0; i < perLoop.size(); i++) {
            groups.put("loop/" + i, loopShare(perLoop.get(i)));
        }
        return groups;
    }

    private static Map<String, Long> loopShare(CountersSnapshot loop) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("underlayIn", loop.host().packetsIn());
        values.put("underlayOut", loop.host().packetsOut());
        values.put(
                "portFramesIn",
                loop.ports().values().stream()
                        .mapToLong(TrafficSnapshot::packetsIn)
                        .sum());
        values.put(
                "portFramesOut",
                loop.ports().values().stream()
                        .mapToLong(TrafficSnapshot::packetsOut)
                        .sum());
        return values;
    }

    /** A VTEP's counters grouped for printing: host, then each segment, each port, each elastic IP. */
    static Map<String, Map<String, Long>> counterGroups(CountersSnapshot counters) {
        Map<String, Map<String, Long>> groups = new LinkedHashMap<>();
        groups.put("host", flat(counters.host()));
        counters.segments().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put("segment/" + e.getKey(), flat(e.getValue())));
        counters.ports().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put("port/" + e.getKey(), flat(e.getValue())));
        counters.elasticIps().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put("elasticIp/" + e.getKey(), elasticIp(e.getValue())));
        return groups;
    }

    /** An elastic IP's figures: in = translated toward the instance, out = from it, and its drops. */
    private static Map<String, Long> elasticIp(TrafficSnapshot s) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("packetsIn", s.packetsIn());
        values.put("bytesIn", s.bytesIn());
        values.put("packetsOut", s.packetsOut());
        values.put("bytesOut", s.bytesOut());
        values.put("dropped", s.totalDrops());
        s.drops().forEach((reason, count) -> values.put("drop" + camel(reason.name()), count));
        return values;
    }

    private static Map<String, Long> flat(TrafficSnapshot s) {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("packetsIn", s.packetsIn());
        values.put("bytesIn", s.bytesIn());
        values.put("packetsOut", s.packetsOut());
        values.put("bytesOut", s.bytesOut());
        values.put("floods", s.floods());
        values.put("arpRepliesSuppressed", s.arpRepliesSuppressed());
        s.drops().forEach((reason, count) -> values.put("drop" + camel(reason.name()), count));
        return values;
    }

    private static String camel(String upperSnake) {
        StringBuilder out = new StringBuilder();
        for (String part : upperSnake.toLowerCase().split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    @Override
    public synchronized void close() {
        try {
            vtep.close();
        } finally {
            // the VTEP closed the devices; remove namespaces and the rest
            ports.values().forEach(ProvisionedPort::removeCreated);
            ports.clear();
        }
    }
}
