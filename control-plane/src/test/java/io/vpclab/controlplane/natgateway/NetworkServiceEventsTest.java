package io.vpclab.controlplane.natgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.controlplane.elasticip.ElasticIpChanged;
import io.vpclab.controlplane.peering.PeeringChanged;
import io.vpclab.controlplane.peering.PeeringStatus;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.whitelist.WhitelistChanged;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The network services announce every committed change with the IDs a compiler needs (EIPs,
 * NAT gateways, whitelists, peerings; one class for the four because a NAT gateway's changes
 * involve the other three); a refused request announces nothing.
 */
@Import(NetworkServiceEventsTest.Recorder.class)
class NetworkServiceEventsTest extends ApiTestSupport {

    @TestComponent
    static class Recorder {
        final List<Object> committed = new CopyOnWriteArrayList<>();

        @TransactionalEventListener
        void eip(ElasticIpChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void natGateway(NatGatewayChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void whitelist(WhitelistChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void peering(PeeringChanged e) {
            committed.add(e);
        }
    }

    @Autowired
    Recorder recorder;

    private List<Object> drain() {
        List<Object> events = List.copyOf(recorder.committed);
        recorder.committed.clear();
        return events;
    }

    @Test
    void everyChangeIsPublishedAfterCommitWithItsIds() throws Exception {
        TenantClient tenant = newTenant();
        String t = tenant.tenantId();
        String host = newHost().getHost().getHostId();
        String vpc = tenant.vpc("10.0.0.0/16").getVpcId();
        String publicSubnet = tenant.subnet(vpc, "10.0.0.0/24").getSubnetId();
        String privateSubnet = tenant.subnet(vpc, "10.0.1.0/24").getSubnetId();
        WhitelistsApi whitelists = new WhitelistsApi(tenant.api());
        EipsApi eips = new EipsApi(tenant.api());
        NatGatewaysApi gateways = new NatGatewaysApi(tenant.api());
        drain();

        String whitelist =
                whitelists.createWhitelist(new WhitelistCreate().name("egress")).getWhitelistId();
        assertThat(drain()).containsExactly(new WhitelistChanged(whitelist, t, ChangeKind.CREATED));
        assertRefused(
                409,
                "InvalidWhitelist.Duplicate",
                () -> whitelists.createWhitelist(new WhitelistCreate().name("egress")));
        assertThat(drain()).isEmpty();

        Eip eip = eips.allocateEip(null);
        String ip = eip.getPublicIp();
        String allocation = eip.getAllocationId();
        assertThat(drain())
                .containsExactly(new ElasticIpChanged(allocation, t, ip, null, null, null, null, ChangeKind.CREATED));

        String nat = gateways.createNatGateway(new NatGatewayCreate()
                        .subnetId(publicSubnet)
                        .allocationId(allocation)
                        .hostId(host)
                        .egressPolicy(EgressPolicy.WHITELIST)
                        .whitelistId(whitelist))
                .getNatGatewayId();
        assertThat(drain())
                .containsExactly(
                        new ElasticIpChanged(allocation, t, ip, null, nat, vpc, null, ChangeKind.UPDATED),
                        new NatGatewayChanged(
                                nat, t, vpc, publicSubnet, host, allocation, List.of(), ChangeKind.CREATED));

        gateways.associateNatGatewaySubnet(nat, new NatGatewaySubnetAssociate().subnetId(privateSubnet));
        assertThat(drain())
                .containsExactly(new NatGatewayChanged(
                        nat, t, vpc, publicSubnet, host, allocation, List.of(privateSubnet), ChangeKind.UPDATED));

        Instance instance = tenant.instances()
                .runInstance(new InstanceCreate().subnetId(privateSubnet).hostId(host));
        Eip own = eips.allocateEip(null);
        eips.associateEip(own.getAllocationId(), new EipAssociate().instanceId(instance.getInstanceId()));
        tenant.instances().terminateInstance(instance.getInstanceId());
        assertThat(drain())
                .containsExactly(
                        new ElasticIpChanged(
                                own.getAllocationId(),
                                t,
                                own.getPublicIp(),
                                null,
                                null,
                                null,
                                null,
                                ChangeKind.CREATED),
                        new ElasticIpChanged(
                                own.getAllocationId(),
                                t,
                                own.getPublicIp(),
                                instance.getInstanceId(),
                                null,
                                vpc,
                                null,
                                ChangeKind.UPDATED),
                        new ElasticIpChanged(
                                own.getAllocationId(),
                                t,
                                own.getPublicIp(),
                                null,
                                null,
                                null,
                                vpc,
                                ChangeKind.UPDATED));

        gateways.deleteNatGateway(nat);
        assertThat(drain())
                .containsExactly(
                        new ElasticIpChanged(allocation, t, ip, null, null, null, vpc, ChangeKind.UPDATED),
                        new NatGatewayChanged(
                                nat,
                                t,
                                vpc,
                                publicSubnet,
                                host,
                                allocation,
                                List.of(privateSubnet),
                                ChangeKind.DELETED));

        String peer = tenant.vpc("10.1.0.0/16").getVpcId();
        PeeringsApi peerings = new PeeringsApi(tenant.api());
        String pcx = peerings.createPeering(
                        new PeeringCreate().requesterVpcId(vpc).accepterVpcId(peer))
                .getVpcPeeringConnectionId();
        peerings.deletePeering(pcx);
        assertThat(drain())
                .containsExactly(
                        new PeeringChanged(pcx, vpc, peer, t, t, PeeringStatus.ACTIVE, ChangeKind.CREATED),
                        new PeeringChanged(pcx, vpc, peer, t, t, PeeringStatus.ACTIVE, ChangeKind.DELETED));
    }
}
