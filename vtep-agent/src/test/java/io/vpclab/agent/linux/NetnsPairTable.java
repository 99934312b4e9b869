package io.vpclab.agent.linux;

/**
 * The {@code --table} file of one of two agents that each serve one netns instance on the same
 * segment, the other instance behind the peer VTEP: the smallest table with real Linux hosts.
 */
record NetnsPairTable(int vni, String cidrBlock, int portMtu) {

    /** @param portMtu the instance's MTU; 0 leaves it to the agent (the inner MTU) */
    String yaml(
            String local,
            String remote,
            String port,
            String mac,
            String ip,
            String namespace,
            String remoteMac,
            String remoteIp) {
        String mtu = portMtu == 0 ? "" : "\n    mtu: " + portMtu;
        return """
                host:
                  underlayIp: %s
                vteps:
                  - id: peer
                    ip: %s
                segments:
                  - vni: %d
                    cidrBlock: %s
                    floodList: [peer]
                ports:
                  - id: %s
                    kind: netns
                    vni: %d
                    mac: %s
                    ipAddress: %s
                    prefixLength: 24%s
                    namespace: %s
                    device: %s
                macs:
                  - vni: %d
                    mac: %s
                    vtep: peer
                bindings:
                  - vni: %d
                    ipAddress: %s
                    mac: %s
                """.formatted(
                        local,
                        remote,
                        vni,
                        cidrBlock,
                        port,
                        vni,
                        mac,
                        ip,
                        mtu,
                        namespace,
                        "vlt" + port + namespace.substring(4),
                        vni,
                        remoteMac,
                        vni,
                        remoteIp,
                        remoteMac);
    }
}
