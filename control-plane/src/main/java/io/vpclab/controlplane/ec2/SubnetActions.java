package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.subnet.Subnet;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/** CreateSubnet, DescribeSubnets and DeleteSubnet, on {@link SubnetService} as the REST controller uses it. */
@Component
class SubnetActions implements Ec2Action.Group {

    /** One availability zone so far: every host is in it. */
    static final String ZONE_SUFFIX = "a";

    private static final Map<String, Function<Subnet, String>> FILTERS = Map.of(
            "subnet-id", Subnet::id,
            "vpc-id", Subnet::vpcId,
            "cidr-block", Subnet::cidrBlock,
            "cidr", Subnet::cidrBlock,
            "owner-id", Subnet::tenantId,
            "state", s -> "available",
            "available-ip-address-count", s -> Long.toString(s.availableAddressCount()),
            "map-public-ip-on-launch", s -> "false");

    private final SubnetService subnets;
    private final Tags tags;

    SubnetActions(SubnetService subnets, Tags tags) {
        this.subnets = subnets;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of("CreateSubnet", this::create, "DescribeSubnets", this::describe, "DeleteSubnet", this::delete);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        Subnet subnet = subnets.create(caller, query.required("VpcId"), query.required("CidrBlock"), Tags.name(query));
        tags.tagNew(subnet.tenantId(), subnet.id(), query);
        write(response.open("subnet"), subnet).close();
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("SubnetId");
        Predicate<Subnet> matches = tags.filter(query.filters(), FILTERS, Subnet::id, Subnet::name);
        PageRequest.Page<Subnet> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> subnets.list(caller, null, request),
                        matches,
                        Subnet::id,
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> subnets.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("subnetSet");
        for (Subnet subnet : page.items()) {
            write(response.open("item"), subnet).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        subnets.delete(caller, query.required("SubnetId"));
        response.field("return", true);
    }

    private Ec2Xml write(Ec2Xml xml, Subnet subnet) {
        xml.field("subnetId", subnet.id())
                .field("subnetArn", "arn:aws:ec2:vpclab:" + subnet.tenantId() + ":subnet/" + subnet.id())
                .field("state", "available")
                .field("ownerId", subnet.tenantId())
                .field("vpcId", subnet.vpcId())
                .field("cidrBlock", subnet.cidrBlock())
                .open("ipv6CidrBlockAssociationSet")
                .close()
                .field("availableIpAddressCount", subnet.availableAddressCount())
                .field("availabilityZone", "vpclab-1" + ZONE_SUFFIX)
                .field("defaultForAz", false)
                .field("mapPublicIpOnLaunch", false)
                .field("assignIpv6AddressOnCreation", false);
        return tags.write(xml, subnet.id(), subnet.name());
    }
}
