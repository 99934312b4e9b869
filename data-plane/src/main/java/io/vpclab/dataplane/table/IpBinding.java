package io.vpclab.dataplane.table;

import io.vpclab.net.Ipv4Address;
import io.vpclab.net.MacAddress;
import io.vpclab.net.Vni;

/** IP -> MAC on one segment, for ARP suppression and routing (contract schema {@code IpBinding}). */
public record IpBinding(Vni vni, Ipv4Address ipAddress, MacAddress mac) {

    public IpBinding {
        TableHost.requireNonNull(vni, "binding.vni");
        TableHost.requireNonNull(ipAddress, "binding.ipAddress");
        TableHost.requireNonNull(mac, "binding " + ipAddress + ": mac");
        if (mac.isMulticast()) {
            throw new IllegalArgumentException(
                    "binding " + ipAddress + " on vni " + vni + ": mac " + mac + " is not unicast");
        }
    }
}
