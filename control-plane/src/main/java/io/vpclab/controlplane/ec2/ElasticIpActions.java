package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.elasticip.ElasticIp;
import io.vpclab.controlplane.elasticip.ElasticIpService;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress and DescribeAddresses on
 * {@link ElasticIpService}. An address allocated here admits all inbound traffic, as an EC2 elastic
 * IP does: the instance's security groups decide what reaches it (the REST API's default, deny
 * all, predates security groups).
 */
@Component
class ElasticIpActions implements Ec2Action.Group {

    private static final Map<String, Function<ElasticIp, String>> FILTERS = Map.of(
            "allocation-id", ElasticIp::id,
            "association-id", ElasticIp::associationId,
            "instance-id", ElasticIp::instanceId,
            "network-border-group", e -> "vpclab",
            "private-ip-address", ElasticIp::privateIpAddress,
            "public-ip", ElasticIp::publicIp,
            "domain", e -> "vpc");

    private final ElasticIpService eips;
    private final Tags tags;

    ElasticIpActions(ElasticIpService eips, Tags tags) {
        this.eips = eips;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "AllocateAddress", this::allocate,
                "AssociateAddress", this::associate,
                "DisassociateAddress", this::disassociate,
                "ReleaseAddress", this::release,
                "DescribeAddresses", this::describe);
    }

    private void allocate(Caller caller, Ec2Query query, Ec2Xml response) {
        query.string("Domain").filter(domain -> !domain.equals("vpc")).ifPresent(domain -> {
            throw Ec2Exception.badRequest("InvalidParameterValue", "Domain must be vpc, not " + domain);
        });
        ElasticIp eip = eips.allocate(caller, null, ElasticIp.IngressPolicy.ALLOW_ALL, null);
        response.field("publicIp", eip.publicIp())
                .field("domain", "vpc")
                .field("allocationId", eip.id())
                .field("networkBorderGroup", "vpclab");
    }

    private void associate(Caller caller, Ec2Query query, Ec2Xml response) {
        String allocationId = allocationId(caller, query);
        boolean reassociate = query.bool("AllowReassociation").orElse(false);
        if (query.string("NetworkInterfaceId").isPresent()) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterCombination", "VPC Lab associates elastic IPs with instances: give InstanceId");
        }
        ElasticIp eip = eips.associateWithInstance(caller, allocationId, query.required("InstanceId"), reassociate);
        response.field("return", true).field("associationId", eip.associationId());
    }

    private void disassociate(Caller caller, Ec2Query query, Ec2Xml response) {
        String associationId = query.string("AssociationId").orElse(null);
        String allocationId =
                associationId != null ? byAssociation(caller, associationId).id() : allocationId(caller, query);
        eips.disassociate(caller, allocationId);
        response.field("return", true);
    }

    private void release(Caller caller, Ec2Query query, Ec2Xml response) {
        eips.release(caller, allocationId(caller, query));
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("AllocationId");
        List<String> publicIps = query.list("PublicIp");
        Predicate<ElasticIp> matches = tags.filter(query.filters(), FILTERS, ElasticIp::id, e -> null)
                .and(eip -> publicIps.isEmpty() || publicIps.contains(eip.publicIp()));
        PageRequest.Page<ElasticIp> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> eips.list(caller, null, request),
                        matches,
                        ElasticIp::id,
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> eips.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("addressesSet");
        for (ElasticIp eip : page.items()) {
            response.open("item")
                    .field("publicIp", eip.publicIp())
                    .field("allocationId", eip.id())
                    .field("domain", "vpc")
                    .field("instanceId", eip.instanceId())
                    .field("associationId", eip.associationId())
                    .field("privateIpAddress", eip.privateIpAddress())
                    .field("networkBorderGroup", "vpclab");
            tags.write(response, eip.id(), null).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    /** AllocationId, or the address of an EC2-Classic style PublicIp parameter. */
    private String allocationId(Caller caller, Ec2Query query) {
        return query.string("AllocationId").orElseGet(() -> {
            String publicIp = query.required("PublicIp");
            return Ec2Pages.first(
                            request -> eips.list(caller, null, request),
                            eip -> eip.publicIp().equals(publicIp),
                            ElasticIp::id)
                    .map(ElasticIp::id)
                    .orElseThrow(() -> new Ec2Exception(
                            400, "InvalidAddress.NotFound", "address " + publicIp + " is not allocated"));
        });
    }

    private ElasticIp byAssociation(Caller caller, String associationId) {
        return Ec2Pages.first(
                        request -> eips.list(caller, null, request),
                        eip -> associationId.equals(eip.associationId()),
                        ElasticIp::id)
                .orElseThrow(() -> new Ec2Exception(
                        400, "InvalidAssociationID.NotFound", "association " + associationId + " does not exist"));
    }
}
