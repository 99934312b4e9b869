package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.natgateway.NatGatewayService;
import io.vpclab.controlplane.natgateway.NatGatewayService.NatGatewayView;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * CreateNatGateway, DeleteNatGateway and DescribeNatGateways on {@link NatGatewayService}. As in
 * EC2 the gateway takes an elastic IP ({@code AllocationId}) and a public subnet; subnets send
 * through it by their route tables' routes. VPC Lab places the gateway on a host it chooses.
 */
@Component
class NatGatewayActions implements Ec2Action.Group {

    private static final Map<String, Function<NatGatewayView, String>> FILTERS = Map.of(
            "nat-gateway-id", v -> v.gateway().id(),
            "state", v -> v.gateway().state(),
            "subnet-id", v -> v.gateway().subnetId(),
            "vpc-id", v -> v.gateway().vpcId());

    private final NatGatewayService gateways;
    private final Tags tags;

    NatGatewayActions(NatGatewayService gateways, Tags tags) {
        this.gateways = gateways;
        this.tags = tags;
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "CreateNatGateway", this::create,
                "DeleteNatGateway", this::delete,
                "DescribeNatGateways", this::describe);
    }

    private void create(Caller caller, Ec2Query query, Ec2Xml response) {
        query.string("ConnectivityType").filter(type -> !type.equals("public")).ifPresent(type -> {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue",
                    "ConnectivityType " + type + " is not supported: VPC Lab has public NAT gateways");
        });
        NatGatewayView view = gateways.create(
                caller,
                new NatGatewayService.Creation(
                        query.required("SubnetId"),
                        query.required("AllocationId"),
                        Tags.name(query),
                        null,
                        null,
                        null,
                        null,
                        null));
        tags.tagNew(view.gateway().tenantId(), view.gateway().id(), query);
        write(response.open("natGateway"), view).close();
    }

    private void delete(Caller caller, Ec2Query query, Ec2Xml response) {
        String id = query.required("NatGatewayId");
        gateways.delete(caller, id);
        response.field("natGatewayId", id);
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("NatGatewayId");
        Predicate<NatGatewayView> matches = tags.filter(
                query.filters(),
                FILTERS,
                v -> v.gateway().id(),
                v -> v.gateway().name());
        PageRequest.Page<NatGatewayView> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> gateways.list(caller, null, request),
                        matches,
                        v -> v.gateway().id(),
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> gateways.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("natGatewaySet");
        for (NatGatewayView view : page.items()) {
            write(response.open("item"), view).close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private Ec2Xml write(Ec2Xml xml, NatGatewayView view) {
        xml.field("natGatewayId", view.gateway().id())
                .field("subnetId", view.gateway().subnetId())
                .field("vpcId", view.gateway().vpcId())
                .field("state", view.gateway().state())
                .field("connectivityType", "public")
                .field("createTime", view.gateway().createdAt().toString())
                .open("natGatewayAddressSet");
        if (view.eip() != null) {
            xml.open("item")
                    .field("allocationId", view.eip().id())
                    .field("publicIp", view.eip().publicIp())
                    .field("privateIp", view.gateway().privateIpAddress())
                    .field("isPrimary", true)
                    .field("status", "succeeded")
                    .close();
        }
        xml.close();
        return tags.write(xml, view.gateway().id(), view.gateway().name());
    }
}
