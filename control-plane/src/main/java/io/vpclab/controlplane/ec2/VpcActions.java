package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.vpc.VpcCidrBlock;
import io.vpclab.controlplane.vpc.VpcService;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/** CreateVpc, DescribeVpcs and DeleteVpc, on {@link VpcService} as the REST controller uses it. */
@Component
class VpcActions implements Ec2Action.Group {

    private static final Map<String, Function<VpcService.VpcView, String>> FILTERS = Map.of(
            "vpc-id", VpcService.VpcView::id,
            "cidr", v -> v.vpc().cidrBlock(),
            "cidr-block-association.cidr-block", v -> v.vpc().cidrBlock(),
            "owner-id", VpcService.VpcView::tenantId,
            "state", v -> "available",
            "is-default", v -> "false");

    private final VpcService vpcs;
    private final Tags tags;

    VpcActions(VpcService vpcs, Tags tags) {
        this.vpcs = vpcs;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateVpc", this::create,
                "DescribeVpcs", this::describe,
                "DeleteVpc", this::delete,
                "AssociateVpcCidrBlock", this::associateCidrBlock,
                "DisassociateVpcCidrBlock", this::disassociateCidrBlock);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        VpcService.VpcView vpc = vpcs.create(caller, query.required("CidrBlock"), Tags.name(query), null);
        tags.tagNew(vpc.tenantId(), vpc.id(), query);
        write(response.open("vpc"), vpc).close();
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("VpcId");
        Predicate<VpcService.VpcView> matches = tags.filter(
                query.filters(), FILTERS, v -> v.vpc().id(), v -> v.vpc().name());
        PageRequest.Page<VpcService.VpcView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> vpcs.list(caller, null, request),
                        matches,
                        VpcService.VpcView::id,
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> vpcs.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("vpcSet");
        for (VpcService.VpcView vpc : page.items()) {
            write(response.open("item"), vpc).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private void associateCidrBlock(Caller caller, Ec2Query query, Ec2Xml response) {
        if (query.bool("AmazonProvidedIpv6CidrBlock").orElse(false)) {
            throw Ec2Exception.badRequest("InvalidParameterValue", "VPC Lab VPCs are IPv4 only");
        }
        String cidr = query.required("CidrBlock");
        VpcService.VpcView vpc = vpcs.associateCidrBlock(caller, query.required("VpcId"), cidr);
        VpcCidrBlock added = vpc.blocks().stream()
                .filter(block -> block.cidrBlock().equals(cidr))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the associated block " + cidr + " is not listed"));
        response.field("vpcId", vpc.id());
        cidrBlockAssociation(response.open("cidrBlockAssociation"), added, "associated")
                .close();
    }

    private void disassociateCidrBlock(Caller caller, Ec2Query query, Ec2Xml response) {
        String associationId = query.required("AssociationId");
        VpcService.VpcView vpc = Ec2Pages.first(
                        request -> vpcs.list(caller, null, request),
                        view -> view.blocks().stream()
                                .anyMatch(block -> block.id().equals(associationId)),
                        VpcService.VpcView::id)
                .orElseThrow(() -> new Ec2Exception(
                        400,
                        "InvalidVpcCidrBlockAssociationID.NotFound",
                        "association " + associationId + " does not exist"));
        VpcCidrBlock removed = vpc.blocks().stream()
                .filter(block -> block.id().equals(associationId))
                .findFirst()
                .orElseThrow();
        vpcs.disassociateCidrBlock(caller, vpc.id(), associationId);
        response.field("vpcId", vpc.id());
        cidrBlockAssociation(response.open("cidrBlockAssociation"), removed, "disassociated")
                .close();
    }

    private static Ec2Xml cidrBlockAssociation(Ec2Xml xml, VpcCidrBlock block, String state) {
        return xml.field("associationId", block.id())
                .field("cidrBlock", block.cidrBlock())
                .open("cidrBlockState")
                .field("state", state)
                .close();
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        vpcs.delete(caller, query.required("VpcId"));
        response.field("return", true);
    }

    private Ec2Xml write(Ec2Xml xml, VpcService.VpcView view) {
        xml.field("vpcId", view.id())
                .field("ownerId", view.tenantId())
                .field("state", "available")
                .field("cidrBlock", view.vpc().cidrBlock())
                .open("cidrBlockAssociationSet");
        for (VpcCidrBlock block : view.blocks()) {
            xml.open("item")
                    .field("cidrBlock", block.cidrBlock())
                    .field("associationId", block.id())
                    .open("cidrBlockState")
                    .field("state", "associated")
                    .close()
                    .close();
        }
        xml.close()
                .open("ipv6CidrBlockAssociationSet")
                .close()
                .field("dhcpOptionsId", "default")
                .field("instanceTenancy", "default")
                .field("isDefault", false);
        return tags.write(xml, view.vpc().id(), view.vpc().name());
    }
}
