package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.elasticip.ElasticIpChanged;
import io.vpclab.controlplane.flowlog.FlowLogChanged;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.internethost.InternetHostChanged;
import io.vpclab.controlplane.natgateway.NatGatewayChanged;
import io.vpclab.controlplane.networkacl.NetworkAclChanged;
import io.vpclab.controlplane.peering.PeeringChanged;
import io.vpclab.controlplane.routetable.RouteTableChanged;
import io.vpclab.controlplane.securitygroup.InstanceSecurityGroupsChanged;
import io.vpclab.controlplane.securitygroup.SecurityGroupChanged;
import io.vpclab.controlplane.subnet.SubnetChanged;
import io.vpclab.controlplane.vpc.VpcChanged;
import io.vpclab.controlplane.vpn.VpnChanged;
import io.vpclab.controlplane.whitelist.WhitelistChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns the features' change events into compilation work, after their transaction commits (so
 * the compiler reads what was committed, and a rolled-back request pushes nothing). Each event
 * names what it touched: the VPCs to reload, or the host whose VTEP (and the internet hosts on
 * it) came or went.
 */
@Component
class StoreChangeListener {

    private final NetworkCompilation compilation;
    private final StoreNetworkReader reader;

    StoreChangeListener(NetworkCompilation compilation, StoreNetworkReader reader) {
        this.compilation = compilation;
        this.reader = reader;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(VpcChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(SubnetChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(InstanceChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(PeeringChanged event) {
        compilation.submit(StoreChange.peering(event.requesterVpcId(), event.accepterVpcId()));
    }

    /** A route table, its routes or a subnet's association changed: the VPC's hosts recompile. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(RouteTableChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /** A flow log configuration came or went: the VPC's hosts learn which ports log their flows. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(FlowLogChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /** A host registered or left (its underlay is fixed at registration). */
    @TransactionalEventListener(fallbackExecution = true)
    void on(HostChanged event) {
        compilation.submit(StoreChange.host(event.hostId()));
    }

    /** A NAT gateway was created, placed, changed or deleted: its VPC's hosts and the provider segment follow. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(NatGatewayChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /**
     * An elastic IP's association or policy changed: reload the VPC it is in and the one it left,
     * so the instance's host gets (or loses) its 1:1 NAT and every provider-segment host its binding.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(ElasticIpChanged event) {
        if (event.vpcId() != null) {
            compilation.submit(StoreChange.vpc(event.vpcId()));
        }
        if (event.previousVpcId() != null && !event.previousVpcId().equals(event.vpcId())) {
            compilation.submit(StoreChange.vpc(event.previousVpcId()));
        }
    }

    /**
     * An internet host came or went: a host change of its VTEP host makes the compilation re-read
     * the public network and recompile every host on the provider segment.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(InternetHostChanged event) {
        compilation.submit(StoreChange.host(event.hostId()));
    }

    /** A security group or its rules changed: its VPC's hosts and those of its peers (whose rules may name it). */
    @TransactionalEventListener(fallbackExecution = true)
    void on(SecurityGroupChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(InstanceSecurityGroupsChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /** A network ACL, its entries or a subnet's association changed: its VPC's hosts enforce it. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(NetworkAclChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /** A VPN gateway or connection changed: the VPC's routes to on premises and the gateway's host follow. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(VpnChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    /**
     * A whitelist's rules changed: reload the VPCs whose elastic IPs use it, so their hosts get the
     * new rules (as one whitelist upsert in the table delta). A whitelist in use cannot be deleted,
     * so only rule changes matter here.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(WhitelistChanged event) {
        for (String vpcId : reader.vpcIdsUsingWhitelist(event.whitelistId())) {
            compilation.submit(StoreChange.vpc(vpcId));
        }
    }
}
