package io.vpclab.controlplane.system;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** AWS-like resource IDs: a type prefix and 17 lowercase hex digits, e.g. {@code vpc-0a1b2c3d4e5f67890}. */
public final class Ids {

    public static final String TENANT = "tenant";
    public static final String TOKEN = "token";
    public static final String HOST = "host";
    public static final String VPC = "vpc";
    public static final String VPC_CIDR_ASSOCIATION = "vpc-cidr-assoc";
    public static final String SUBNET = "subnet";
    public static final String INSTANCE = "i";
    public static final String EIP = "eipalloc";
    public static final String EIP_ASSOCIATION = "eipassoc";
    public static final String NAT_GATEWAY = "nat";
    public static final String PEERING = "pcx";
    public static final String WHITELIST = "wl";
    public static final String WHITELIST_RULE = "wlr";
    public static final String SECURITY_GROUP = "sg";
    public static final String SECURITY_GROUP_RULE = "sgr";
    public static final String SECURITY_GROUP_MEMBERSHIP = "sgm";
    public static final String NETWORK_ACL = "acl";
    public static final String NETWORK_ACL_ENTRY = "aclentry";
    public static final String CUSTOMER_GATEWAY = "cgw";
    public static final String VPN_GATEWAY = "vgw";
    public static final String VPN_CONNECTION = "vpn";
    public static final String ROUTE_TABLE = "rtb";
    public static final String FLOW_LOG = "fl";

    private static final int HEX_DIGITS = 17;
    private static final Pattern ANY_ID = Pattern.compile("[a-z]+(-[a-z]+)*-[0-9a-f]{17}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix.length() + 1 + HEX_DIGITS)
                .append(prefix)
                .append('-');
        for (int i = 0; i < HEX_DIGITS; i++) {
            id.append(Character.forDigit(RANDOM.nextInt(16), 16));
        }
        return id.toString();
    }

    /** True for anything shaped like an ID this server hands out (used to check page tokens). */
    public static boolean looksLikeId(String candidate) {
        return candidate != null && ANY_ID.matcher(candidate).matches();
    }
}
