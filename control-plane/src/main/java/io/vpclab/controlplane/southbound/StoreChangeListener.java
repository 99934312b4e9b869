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
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns the features' change events into compilation work, after their transaction commits (so
 * the compiler reads what was committed, and a rolled-back request pushes nothing). Each event
 * names what it touched: the VPCs to reload, or the host whose VTEP (and the internet hosts on
 * it) came or went. {@link #changesOf} is the one mapping: the replicas' change feed writes the
 * same changes for the other replicas.
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
    void on(Object event) {
        changesOf(event).forEach(compilation::submit);
    }

    /** What {@code event} touched, as far as forwarding goes; empty for events that change no table. */
    List<StoreChange> changesOf(Object event) {
        // a route table, its routes or a subnet's association; a flow log configuration; a NAT gateway
        // created, placed, changed or deleted; a security group or its rules (peers' rules may name
        // it); a network ACL; a VPN gateway or connection: the VPC's hosts recompile
        if (event instanceof VpcChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof SubnetChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof InstanceChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof PeeringChanged e) {
            return List.of(StoreChange.peering(e.requesterVpcId(), e.accepterVpcId()));
        } else if (event instanceof RouteTableChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof FlowLogChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof NatGatewayChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof SecurityGroupChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof InstanceSecurityGroupsChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof NetworkAclChanged e) {
            return List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof VpnChanged e) {
            // a detached VPN gateway and its connections are in no VPC's tables
            return e.vpcId() == null ? List.of() : List.of(StoreChange.vpc(e.vpcId()));
        } else if (event instanceof HostChanged e) {
            // a host registered or left (its underlay is fixed at registration)
            return List.of(StoreChange.host(e.hostId()));
        } else if (event instanceof InternetHostChanged e) {
            // a host change of its VTEP host re-reads the public network
            return List.of(StoreChange.host(e.hostId()));
        } else if (event instanceof ElasticIpChanged e) {
            return elasticIp(e);
        } else if (event instanceof WhitelistChanged e) {
            // a whitelist in use cannot be deleted, so only its rules matter: the VPCs whose elastic IPs use it
            return reader.vpcIdsUsingWhitelist(e.whitelistId()).stream()
                    .map(StoreChange::vpc)
                    .toList();
        }
        return List.of();
    }

    /**
     * An elastic IP's association or policy: the VPC it is in and the one it left, so the
     * instance's host gets (or loses) its 1:1 NAT and every provider-segment host its binding.
     */
    private static List<StoreChange> elasticIp(ElasticIpChanged event) {
        List<StoreChange> changes = new java.util.ArrayList<>();
        if (event.vpcId() != null) {
            changes.add(StoreChange.vpc(event.vpcId()));
        }
        if (event.previousVpcId() != null && !event.previousVpcId().equals(event.vpcId())) {
            changes.add(StoreChange.vpc(event.previousVpcId()));
        }
        return changes;
    }
}
