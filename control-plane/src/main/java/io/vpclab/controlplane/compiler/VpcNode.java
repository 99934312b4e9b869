package io.vpclab.controlplane.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;

/**
 * A VPC with its subnets, instances, their elastic IPs, its NAT gateways (placed, with an
 * elastic IP), its security groups (with their members), its network ACLs (with their subnets) and its
 * VPN gateway (placed) and its flow log configurations: the unit the store reloads after a change.
 */
public record VpcNode(
        String id,
        String tenantId,
        List<SubnetNode> subnets,
        List<InstanceNode> instances,
        List<ElasticIpNode> elasticIps,
        List<NatGatewayNode> natGateways,
        List<SecurityGroupNode> securityGroups,
        List<NetworkAclNode> networkAcls,
        List<VpnGatewayNode> vpnGateways,
        List<FlowLogNode> flowLogs,
        boolean arpSuppression) {

    public VpcNode {
        Objects.requireNonNull(id, "id");
        subnets = List.copyOf(subnets);
        instances = List.copyOf(instances);
        elasticIps = List.copyOf(elasticIps);
        natGateways = List.copyOf(natGateways);
        securityGroups = List.copyOf(securityGroups);
        networkAcls = List.copyOf(networkAcls);
        vpnGateways = List.copyOf(vpnGateways);
        flowLogs = List.copyOf(flowLogs);
    }

    public VpcNode(
            String id,
            String tenantId,
            List<SubnetNode> subnets,
            List<InstanceNode> instances,
            List<ElasticIpNode> elasticIps,
            List<NatGatewayNode> natGateways,
            List<SecurityGroupNode> securityGroups,
            List<NetworkAclNode> networkAcls,
            List<VpnGatewayNode> vpnGateways) {
        this(
                id,
                tenantId,
                subnets,
                instances,
                elasticIps,
                natGateways,
                securityGroups,
                networkAcls,
                vpnGateways,
                List.of(),
                true);
    }

    public VpcNode(
            String id,
            String tenantId,
            List<SubnetNode> subnets,
            List<InstanceNode> instances,
            List<ElasticIpNode> elasticIps,
            List<NatGatewayNode> natGateways,
            List<SecurityGroupNode> securityGroups,
            List<NetworkAclNode> networkAcls,
            List<VpnGatewayNode> vpnGateways,
            boolean arpSuppression) {
        this(
                id,
                tenantId,
                subnets,
                instances,
                elasticIps,
                natGateways,
                securityGroups,
                networkAcls,
                vpnGateways,
                List.of(),
                arpSuppression);
    }

    /**
     * The flow-log interval of an instance's port: the shortest of the configurations covering
     * it (its own, its subnet's, its VPC's), or null when none does.
     */
    public Integer flowLogIntervalOf(InstanceNode instance) {
        Integer shortest = null;
        for (FlowLogNode flowLog : flowLogs) {
            String resource = flowLog.resourceId();
            if (resource.equals(id) || resource.equals(instance.subnetId()) || resource.equals(instance.id())) {
                shortest = shortest == null ? flowLog.intervalSeconds() : Math.min(shortest, flowLog.intervalSeconds());
            }
        }
        return shortest;
    }

    public VpcNode(
            String id,
            String tenantId,
            List<SubnetNode> subnets,
            List<InstanceNode> instances,
            List<ElasticIpNode> elasticIps,
            List<NatGatewayNode> natGateways,
            List<SecurityGroupNode> securityGroups) {
        this(id, tenantId, subnets, instances, elasticIps, natGateways, securityGroups, List.of(), List.of());
    }

    public VpcNode(
            String id,
            String tenantId,
            List<SubnetNode> subnets,
            List<InstanceNode> instances,
            List<ElasticIpNode> elasticIps,
            List<NatGatewayNode> natGateways) {
        this(id, tenantId, subnets, instances, elasticIps, natGateways, List.of(), List.of(), List.of());
    }

    public VpcNode(
            String id,
            String tenantId,
            List<SubnetNode> subnets,
            List<InstanceNode> instances,
            List<ElasticIpNode> elasticIps) {
        this(id, tenantId, subnets, instances, elasticIps, List.of(), List.of(), List.of(), List.of());
    }

    public VpcNode(String id, String tenantId, List<SubnetNode> subnets, List<InstanceNode> instances) {
        this(id, tenantId, subnets, instances, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Every port of the VPC: its instances, then its NAT gateways' private sides, then its VPN gateways' sides. */
    public List<InstanceNode> ports() {
        if (natGateways.isEmpty() && vpnGateways.isEmpty()) {
            return instances;
        }
        List<InstanceNode> all = new java.util.ArrayList<>(instances);
        natGateways.forEach(nat -> all.add(nat.port()));
        vpnGateways.forEach(vpn -> all.add(vpn.port()));
        return all;
    }

    /**
     * The distributed router's MAC: derived from the VPC id so every host and every restart
     * agree without storing it. Locally administered unicast (02:...), like instance MACs.
     */
    public String routerMac() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(("router:" + id).getBytes(StandardCharsets.UTF_8));
            return String.format("02:%02x:%02x:%02x:%02x:%02x", digest[0], digest[1], digest[2], digest[3], digest[4]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
