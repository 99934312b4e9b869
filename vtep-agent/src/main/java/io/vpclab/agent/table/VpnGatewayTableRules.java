package io.vpclab.agent.table;

import io.vpclab.client.model.ForwardingTable;
import io.vpclab.client.model.Port;
import io.vpclab.client.model.PortKind;
import io.vpclab.client.model.TableVpnGateway;
import io.vpclab.client.model.TableVpnPeer;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.WireGuardKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of {@link TableValidator} about VPN gateways: each gateway is a port of kind
 * vpn-gateway with the same id (and each such port has its gateway), once; a WireGuard private
 * key; a listen port within 1..65535 that no other gateway and not the VXLAN port use; per peer a
 * unique id, a public key (not the gateway's own, each once), an optional preshared key, an
 * optional endpoint address, and allowed IPs as prefixes without host bits that overlap no other
 * peer's of the gateway (WireGuard sends a packet to the one peer whose allowed IPs hold it).
 */
final class VpnGatewayTableRules {

    private static final int VXLAN_PORT = 4789;

    private final TableValidator validator;
    private final ForwardingTable table;

    VpnGatewayTableRules(TableValidator validator, ForwardingTable table) {
        this.validator = validator;
        this.table = table;
    }

    void check() {
        Set<String> vpnPorts = new HashSet<>();
        for (Port port : nonNull(table.getPorts())) {
            if (port != null && port.getKind() == PortKind.VPN_GATEWAY && port.getId() != null) {
                vpnPorts.add(port.getId());
            }
        }
        int vxlanPort = table.getHost() == null || table.getHost().getUdpPort() == null
                ? VXLAN_PORT
                : table.getHost().getUdpPort();
        Set<String> ids = new HashSet<>();
        Map<Integer, String> listenPorts = new HashMap<>();
        List<TableVpnGateway> gateways = nonNull(table.getVpnGateways());
        for (int i = 0; i < gateways.size(); i++) {
            String at = "/vpnGateways/" + i;
            TableVpnGateway gateway = gateways.get(i);
            if (gateway == null) {
                validator.issue(at, "must be an object");
                continue;
            }
            if (validator.requiredText(at + "/id", gateway.getId())) {
                if (!ids.add(gateway.getId())) {
                    validator.issue(at + "/id", "duplicate VPN gateway id '" + gateway.getId() + "'");
                } else if (!vpnPorts.contains(gateway.getId())) {
                    validator.issue(at + "/id", "no port of kind vpn-gateway has id '" + gateway.getId() + "'");
                }
            }
            byte[] privateKey = key(at + "/privateKey", gateway.getPrivateKey(), true);
            Integer listenPort = gateway.getListenPort();
            if (listenPort == null) {
                validator.issue(at + "/listenPort", "is required (1..65535)");
            } else {
                validator.range(at + "/listenPort", listenPort, 1, 65535);
                if (listenPort == vxlanPort) {
                    validator.issue(at + "/listenPort", "UDP " + listenPort + " is the host's VXLAN port");
                } else if (listenPorts.putIfAbsent(listenPort, gateway.getId()) != null) {
                    validator.issue(
                            at + "/listenPort",
                            "UDP " + listenPort + " is already the port of VPN gateway '" + listenPorts.get(listenPort)
                                    + "'");
                }
            }
            byte[] ownPublic = privateKey == null ? null : WireGuardKeys.publicKey(privateKey);
            peers(at + "/peers", nonNull(gateway.getPeers()), ownPublic);
        }
        for (String portId : vpnPorts) {
            if (!ids.contains(portId)) {
                validator.issue("/ports", "port '" + portId + "' of kind vpn-gateway has no entry in vpnGateways");
            }
        }
    }

    private void peers(String at, List<TableVpnPeer> peers, byte[] ownPublic) {
        Set<String> ids = new HashSet<>();
        Set<String> publicKeys = new HashSet<>();
        List<Ipv4Prefix> allowed = new ArrayList<>();
        List<String> allowedOwners = new ArrayList<>();
        for (int p = 0; p < peers.size(); p++) {
            String peerAt = at + "/" + p;
            TableVpnPeer peer = peers.get(p);
            if (peer == null) {
                validator.issue(peerAt, "must be an object");
                continue;
            }
            if (validator.requiredText(peerAt + "/id", peer.getId()) && !ids.add(peer.getId())) {
                validator.issue(peerAt + "/id", "duplicate peer id '" + peer.getId() + "' in this VPN gateway");
            }
            byte[] publicKey = key(peerAt + "/publicKey", peer.getPublicKey(), true);
            if (publicKey != null && ownPublic != null && Arrays.equals(publicKey, ownPublic)) {
                validator.issue(peerAt + "/publicKey", "is the gateway's own public key");
            } else if (publicKey != null && !publicKeys.add(WireGuardKeys.toBase64(publicKey))) {
                validator.issue(peerAt + "/publicKey", "another peer of this VPN gateway has the same public key");
            }
            key(peerAt + "/presharedKey", peer.getPresharedKey(), false);
            if (peer.getEndpointIp() != null) {
                validator.requiredIp(peerAt + "/endpointIp", peer.getEndpointIp());
            }
            List<String> ips = nonNull(peer.getAllowedIps());
            for (int a = 0; a < ips.size(); a++) {
                String ipAt = peerAt + "/allowedIps/" + a;
                if (ips.get(a) == null) {
                    validator.issue(ipAt, "must be a prefix like 192.168.10.0/24");
                    continue;
                }
                Ipv4Prefix prefix = validator.prefix(ipAt, ips.get(a));
                if (prefix == null) {
                    continue;
                }
                for (int o = 0; o < allowed.size(); o++) {
                    if (prefix.overlaps(allowed.get(o))) {
                        validator.issue(
                                ipAt,
                                prefix + " overlaps " + allowed.get(o) + " of peer '" + allowedOwners.get(o) + "'");
                        break;
                    }
                }
                allowed.add(prefix);
                allowedOwners.add(peer.getId());
            }
        }
    }

    /** The 32 bytes of a base64 WireGuard key, or null (with an issue when it is bad or required and absent). */
    private byte[] key(String pointer, String text, boolean required) {
        if (text == null) {
            if (required) {
                validator.issue(pointer, "is required: a WireGuard key (44 base64 characters)");
            }
            return null;
        }
        try {
            return WireGuardKeys.fromBase64(text);
        } catch (IllegalArgumentException e) {
            validator.issue(pointer, "is not a WireGuard key: " + e.getMessage());
            return null;
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
