package io.vpclab.dataplane.table;

import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;

/**
 * A remote MAC and the VTEP behind which it lives (contract schema {@code MacEntry}); static,
 * the data plane never learns.
 */
public record MacEntry(Vni vni, MacAddress mac, String vtepId) {

    public MacEntry {
        TableHost.requireNonNull(vni, "mac.vni");
        TableHost.requireNonNull(mac, "mac.mac");
        TableHost.requireNonNull(vtepId, "mac " + mac + ": vtep");
        if (mac.isMulticast()) {
            throw new IllegalArgumentException("mac " + mac + " on vni " + vni + " is a group address, not unicast");
        }
    }
}
