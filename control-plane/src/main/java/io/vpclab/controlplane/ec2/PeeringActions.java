package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.peering.PeeringService;
import io.vpclab.controlplane.peering.PeeringService.PeeringView;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.net.Ipv4Prefix;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * CreateVpcPeeringConnection, AcceptVpcPeeringConnection, RejectVpcPeeringConnection,
 * DeleteVpcPeeringConnection and DescribeVpcPeeringConnections on {@link PeeringService}. The
 * accepter VPC may belong to another tenant ({@code PeerOwnerId} is implied by the VPC);
 * {@code PeerRegion} is refused, as VPC Lab has one region.
 */
@Component
class PeeringActions implements Ec2Action.Group {

    private static final Map<String, Function<PeeringView, String>> FILTERS = Map.of(
            "vpc-peering-connection-id", v -> v.peering().id(),
            "status-code", v -> v.peering().status().value(),
            "requester-vpc-info.vpc-id", v -> v.peering().requesterVpcId(),
            "requester-vpc-info.owner-id", v -> v.peering().requesterTenantId(),
            "accepter-vpc-info.vpc-id", v -> v.peering().accepterVpcId(),
            "accepter-vpc-info.owner-id", v -> v.peering().accepterTenantId());

    private final PeeringService peerings;
    private final Tags tags;

    PeeringActions(PeeringService peerings, Tags tags) {
        this.peerings = peerings;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateVpcPeeringConnection", this::create,
                "AcceptVpcPeeringConnection", this::accept,
                "RejectVpcPeeringConnection", this::reject,
                "DeleteVpcPeeringConnection", this::delete,
                "DescribeVpcPeeringConnections", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        if (query.string("PeerRegion").isPresent()) {
            throw Ec2Exception.badRequest("InvalidParameterValue", "VPC Lab has one region: leave PeerRegion out");
        }
        PeeringView view = peerings.request(caller, query.required("VpcId"), query.required("PeerVpcId"));
        write(response.open("vpcPeeringConnection"), view).close();
    }

    private void accept(Caller caller, Ec2Query query, Ec2Xml response) {
        PeeringView view = peerings.accept(caller, query.required("VpcPeeringConnectionId"));
        write(response.open("vpcPeeringConnection"), view).close();
    }

    private void reject(Caller caller, Ec2Query query, Ec2Xml response) {
        peerings.reject(caller, query.required("VpcPeeringConnectionId"));
        response.field("return", true);
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        peerings.delete(caller, query.required("VpcPeeringConnectionId"));
        response.field("return", true);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("VpcPeeringConnectionId");
        Predicate<PeeringView> matches =
                tags.filter(query.filters(), FILTERS, v -> v.peering().id(), v -> null);
        PageRequest.Page<PeeringView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> peerings.list(caller, null, request),
                        matches,
                        v -> v.peering().id(),
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> peerings.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("vpcPeeringConnectionSet");
        for (PeeringView view : page.items()) {
            write(response.open("item"), view).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private Ec2Xml write(Ec2Xml xml, PeeringView view) {
        xml.field("vpcPeeringConnectionId", view.peering().id());
        vpcInfo(
                        xml.open("requesterVpcInfo"),
                        view.peering().requesterVpcId(),
                        view.peering().requesterTenantId(),
                        view.requesterBlocks())
                .close();
        vpcInfo(
                        xml.open("accepterVpcInfo"),
                        view.peering().accepterVpcId(),
                        view.peering().accepterTenantId(),
                        view.accepterBlocks())
                .close();
        String status = view.peering().status().value();
        xml.open("status")
                .field("code", status)
                .field(
                        "message",
                        switch (view.peering().status()) {
                            case ACTIVE -> "Active";
                            case PENDING_ACCEPTANCE ->
                                "Pending Acceptance by " + view.peering().accepterTenantId();
                            case REJECTED -> "Rejected";
                        })
                .close();
        return tags.write(xml, view.peering().id(), null);
    }

    private static Ec2Xml vpcInfo(Ec2Xml xml, String vpcId, String ownerId, List<Ipv4Prefix> blocks) {
        xml.field("vpcId", vpcId)
                .field("ownerId", ownerId)
                .field("region", "vpclab")
                .field("cidrBlock", blocks.isEmpty() ? null : blocks.get(0).toString())
                .open("cidrBlockSet");
        for (Ipv4Prefix block : blocks) {
            xml.open("item").field("cidrBlock", block.toString()).close();
        }
        return xml.close();
    }
}
