package io.vpclab.controlplane.hoststats;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.Segment;
import io.vpclab.client.model.TableWhitelist;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one host's current table holds, so a stats report keeps only figures of things the host
 * serves: a report may race a table change, and a host must never speak for another's ports.
 */
record ServedResources(Set<String> portIds, Set<Integer> vnis, Set<String> whitelistIds) {

    ServedResources {
        portIds = Set.copyOf(portIds);
        vnis = Set.copyOf(vnis);
        whitelistIds = Set.copyOf(whitelistIds);
    }

    static final ServedResources NOTHING = new ServedResources(Set.of(), Set.of(), Set.of());

    static ServedResources of(ForwardingTable table) {
        return new ServedResources(
                table.getPorts().stream().map(Port::getId).collect(Collectors.toSet()),
                table.getSegments().stream().map(Segment::getVni).collect(Collectors.toSet()),
                table.getWhitelists().stream().map(TableWhitelist::getId).collect(Collectors.toSet()));
    }
}
