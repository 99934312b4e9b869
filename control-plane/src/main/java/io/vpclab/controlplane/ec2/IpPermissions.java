package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.controlplane.securitygroup.SecurityGroupRule;
import java.util.ArrayList;
import java.util.List;

/**
 * EC2's {@code IpPermissions} in both directions: a request's permissions read as VPC Lab's
 * {@link Permission}s (one per CIDR range or group pair, as the REST API stores them), and stored
 * rules written back as {@code ipPermissions} items, one per rule.
 */
final class IpPermissions {

    /** One rule to add or remove: what it allows and its description (not part of its identity). */
    record Requested(Permission permission, String description) {}

    private IpPermissions() {}

    /**
     * {@code IpPermissions.N.*}, or the single permission of the older top-level parameters
     * ({@code IpProtocol}, {@code FromPort}, {@code ToPort}, {@code CidrIp}) that boto3 still offers.
     */
    static List<Requested> read(Ec2Query query, Permission.Direction direction) {
        List<Requested> requested = new ArrayList<>();
        for (String member : query.members("IpPermissions")) {
            requested.addAll(readOne(query, member + ".", direction));
        }
        if (query.string("IpProtocol").isPresent() || query.string("CidrIp").isPresent()) {
            if (!requested.isEmpty()) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterCombination", "give either IpPermissions or IpProtocol and CidrIp, not both");
            }
            requested.add(new Requested(
                    Permission.of(
                            direction,
                            protocol(query.required("IpProtocol")),
                            port(query, "FromPort"),
                            port(query, "ToPort"),
                            query.required("CidrIp"),
                            null),
                    null));
        }
        if (requested.isEmpty()) {
            throw Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter IpPermissions");
        }
        return requested;
    }

    private static List<Requested> readOne(Ec2Query query, String prefix, Permission.Direction direction) {
        for (String unsupported : List.of("Ipv6Ranges", "PrefixListIds")) {
            if (!query.members(prefix + unsupported).isEmpty()) {
                throw Ec2Exception.badRequest(
                        "InvalidParameterValue", unsupported + " are not supported: VPC Lab's networks are IPv4");
            }
        }
        String protocol = protocol(query.required(prefix + "IpProtocol"));
        Integer from = port(query, prefix + "FromPort");
        Integer to = port(query, prefix + "ToPort");
        if ((protocol.equals("tcp") || protocol.equals("udp"))
                && Integer.valueOf(-1).equals(from)
                && Integer.valueOf(-1).equals(to)) {
            // EC2 reads -1 to -1 for tcp or udp as every port
            from = 0;
            to = Permission.MAX_PORT;
        }
        List<Requested> requested = new ArrayList<>();
        for (String range : query.members(prefix + "IpRanges")) {
            requested.add(new Requested(
                    Permission.of(direction, protocol, from, to, query.required(range + ".CidrIp"), null),
                    query.string(range + ".Description").orElse(null)));
        }
        for (String pair : query.members(prefix + "Groups")) {
            requested.add(new Requested(
                    Permission.of(direction, protocol, from, to, null, query.required(pair + ".GroupId")),
                    query.string(pair + ".Description").orElse(null)));
        }
        if (requested.isEmpty()) {
            throw Ec2Exception.badRequest(
                    "MissingParameter", prefix + "IpRanges or " + prefix + "Groups must name at least one peer");
        }
        return requested;
    }

    /** EC2 sends -1 for "all ports" with protocol -1 and for any ICMP type or code. */
    private static Integer port(Ec2Query query, String name) {
        return query.integer(name).orElse(null);
    }

    /** EC2 also takes the IANA protocol numbers of tcp, udp and icmp. */
    static String protocol(String text) {
        return switch (text) {
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            case "all" -> "-1";
            default -> text;
        };
    }

    /** {@code <ipPermissions>} or {@code <ipPermissionsEgress>}: one item per stored rule. */
    static void write(Ec2Xml xml, String element, String ownerId, List<SecurityGroupRule> rules) {
        xml.open(element);
        for (SecurityGroupRule rule : rules) {
            Permission permission = rule.permission();
            xml.open("item")
                    .field("ipProtocol", permission.protocol().apiName())
                    .field("fromPort", permission.fromPort())
                    .field("toPort", permission.toPort())
                    .open("groups");
            if (permission.referencedGroupId() != null) {
                xml.open("item")
                        .field("userId", ownerId)
                        .field("groupId", permission.referencedGroupId())
                        .field("description", rule.description())
                        .close();
            }
            xml.close().open("ipRanges");
            if (permission.cidr() != null) {
                xml.open("item")
                        .field("cidrIp", permission.cidr().toString())
                        .field("description", rule.description())
                        .close();
            }
            xml.close().open("ipv6Ranges").close().open("prefixListIds").close().close();
        }
        xml.close();
    }
}
