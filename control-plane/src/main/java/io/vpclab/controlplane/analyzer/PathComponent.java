package io.vpclab.controlplane.analyzer;

/** The kinds of step a path crosses, with the names the API gives them. */
enum PathComponent {
    SOURCE("source"),
    SECURITY_GROUP_EGRESS("security-group-egress"),
    NETWORK_ACL_OUTBOUND("network-acl-outbound"),
    ROUTE("route"),
    ELASTIC_IP_SNAT("elastic-ip-snat"),
    NAT_GATEWAY("nat-gateway"),
    VXLAN("vxlan"),
    ELASTIC_IP_DNAT("elastic-ip-dnat"),
    NETWORK_ACL_INBOUND("network-acl-inbound"),
    SECURITY_GROUP_INGRESS("security-group-ingress"),
    APPLIANCE("appliance"),
    VPN_GATEWAY("vpn-gateway"),
    DESTINATION("destination"),
    REPLY_NETWORK_ACL_OUTBOUND("reply-network-acl-outbound"),
    REPLY_NETWORK_ACL_INBOUND("reply-network-acl-inbound");

    private final String apiName;

    PathComponent(String apiName) {
        this.apiName = apiName;
    }

    String apiName() {
        return apiName;
    }
}
