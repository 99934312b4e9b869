package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.CustomerGatewaysApi;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.NetworkAclsApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.SecurityGroupsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.api.VpnConnectionsApi;
import io.vpclab.client.api.VpnGatewaysApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.CustomerGateway;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayState;
import io.vpclab.client.model.NetworkAcl;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringStatus;
import io.vpclab.client.model.SecurityGroup;
import io.vpclab.client.model.SecurityGroupRule;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.TopologyChange;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpnConnection;
import io.vpclab.client.model.VpnGateway;
import io.vpclab.client.model.Whitelist;
import io.vpclab.topology.Topology;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.NatGatewayDecl;
import io.vpclab.topology.Topology.PeeringDecl;
import io.vpclab.topology.Topology.SubnetDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import io.vpclab.topology.Topology.WhitelistDecl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes what a topology file declares, in the reverse of the order {@link TopologyApplier}
 * creates it (security group rules, peerings, VPN connections and gateways, elastic IPs, NAT
 * gateways, instances, subnets, network ACLs, security groups, VPCs, whitelists, customer gateways,
 * tenants; then the file's on-premises sites this process runs stop),
 * each found by name within its parent as the apply finds it; hosts and internet hosts, which the
 * lab shares, are left and listed. Only what
 * the file names is touched, with plain deletes: a VPC or tenant that still holds something the
 * file does not declare is refused by the server and kept, with the reason. What is not there is
 * nothing to do, so a second run deletes nothing.
 */
public final class TopologyDestroyer {

    /**
     * What went (newest first), what stayed with why, and the shared lab resources the file names
     * that destroy leaves alone (hosts and internet hosts).
     */
    public record Result(List<TopologyChange> deleted, List<String> kept, List<String> left) {}

    private interface Delete {
        void run() throws ApiException;
    }

    private final TenantsApi tenants;
    private final VpcsApi vpcs;
    private final SubnetsApi subnets;
    private final InstancesApi instances;
    private final EipsApi eips;
    private final NatGatewaysApi natGateways;
    private final PeeringsApi peerings;
    private final WhitelistsApi whitelists;
    private final SecurityGroupsApi groups;
    private final NetworkAclsApi acls;
    private final CustomerGatewaysApi customerGateways;
    private final VpnGatewaysApi vpnGateways;
    private final VpnConnectionsApi vpnConnections;
    private final String server;
    private final List<TopologyChange> deleted = new ArrayList<>();
    private final List<String> kept = new ArrayList<>();

    public TopologyDestroyer(ApiClient api) {
        this.tenants = new TenantsApi(api);
        this.vpcs = new VpcsApi(api);
        this.subnets = new SubnetsApi(api);
        this.instances = new InstancesApi(api);
        this.eips = new EipsApi(api);
        this.natGateways = new NatGatewaysApi(api);
        this.peerings = new PeeringsApi(api);
        this.whitelists = new WhitelistsApi(api);
        this.groups = new SecurityGroupsApi(api);
        this.acls = new NetworkAclsApi(api);
        this.customerGateways = new CustomerGatewaysApi(api);
        this.vpnGateways = new VpnGatewaysApi(api);
        this.vpnConnections = new VpnConnectionsApi(api);
        this.server = api.getBaseUri();
    }

    public Result destroy(Topology topology) throws ApiException {
        Map<String, String> tenantIds = tenantIds(topology);
        Map<String, String> vpcIds = vpcIds(topology, tenantIds);
        // a group still named by another group's rule (of this VPC or a peer's) cannot go: rules first
        Map<String, List<SecurityGroup>> groupsByVpc = new HashMap<>();
        for (TenantDecl tenant : topology.tenants()) {
            for (VpcDecl vpc : tenant.vpcs()) {
                String path = tenant.name() + "/" + vpc.name();
                String vpcId = vpcIds.get(path);
                if (vpcId != null && !vpc.securityGroups().isEmpty()) {
                    groupsByVpc.put(path, declaredGroups(vpcId, vpc));
                    revokeRules(path, groupsByVpc.get(path));
                }
            }
        }
        for (PeeringDecl peering : reversed(topology.peerings())) {
            peering(peering, vpcIds);
        }
        for (TenantDecl tenant : reversed(topology.tenants())) {
            String tenantId = tenantIds.get(tenant.name());
            if (tenantId == null) {
                continue;
            }
            for (VpcDecl vpc : reversed(tenant.vpcs())) {
                String path = tenant.name() + "/" + vpc.name();
                String vpcId = vpcIds.get(path);
                if (vpcId != null) {
                    vpn(path, vpcId, vpc);
                    vpc(path, vpcId, vpc, groupsByVpc.getOrDefault(path, List.of()));
                }
            }
            customerGateways(tenant, tenantId);
            for (WhitelistDecl whitelist : reversed(tenant.whitelists())) {
                whitelist(tenant.name(), tenantId, whitelist);
            }
            delete("tenant", tenant.name(), tenantId, () -> tenants.deleteTenant(tenantId, false));
        }
        // Hosts and internet hosts are the lab's, not the file's: the apply finds them by name as often as
        // it makes them (the demo's web and dns, agents' hosts), and other files and agents use them.
        topology.onPremisesSites().forEach(site -> OnPremisesSites.stop(server, site.name()));
        List<String> left = new ArrayList<>();
        topology.internetHosts().forEach(h -> left.add("internetHost " + h.name()));
        topology.hosts().forEach(h -> left.add("host " + h.name()));
        return new Result(List.copyOf(deleted), List.copyOf(kept), List.copyOf(left));
    }

    private void vpc(String path, String vpcId, VpcDecl decl, List<SecurityGroup> declaredGroups) throws ApiException {
        List<Subnet> inVpc = Pages.all(
                t -> subnets.listSubnets(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Map<String, String> subnetIds = new HashMap<>();
        inVpc.stream().filter(s -> s.getName() != null).forEach(s -> subnetIds.put(s.getName(), s.getSubnetId()));
        List<Instance> ofVpc = Pages.all(
                t -> instances.listInstances(vpcId, null, null, Pages.PAGE_SIZE, t),
                p -> p.getItems(),
                p -> p.getNextToken());
        List<Eip> allEips =
                Pages.all(t -> eips.listEips(null, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (SubnetDecl subnet : reversed(decl.subnets())) {
            for (InstanceDecl instance : reversed(subnet.instances())) {
                if (instance.eip() != null) {
                    instanceEip(instance, declared(ofVpc, subnetIds.get(subnet.name()), instance.name()), allEips);
                }
            }
        }
        for (NatGatewayDecl nat : reversed(decl.natGateways())) {
            natGateway(path, vpcId, nat);
        }
        Map<String, String> aclIds = declaredAcls(vpcId, decl, subnetIds);
        for (SubnetDecl subnet : reversed(decl.subnets())) {
            String subnetId = subnetIds.get(subnet.name());
            if (subnetId == null) {
                continue;
            }
            for (InstanceDecl instance : reversed(subnet.instances())) {
                Instance found = declared(ofVpc, subnetId, instance.name());
                if (found != null) {
                    String id = found.getInstanceId();
                    delete("instance", instance.name(), id, () -> instances.terminateInstance(id));
                }
            }
            delete("subnet", path + "/" + subnet.name(), subnetId, () -> subnets.deleteSubnet(subnetId));
        }
        for (Map.Entry<String, String> acl : aclIds.entrySet()) {
            String id = acl.getValue();
            delete("networkAcl", path + "/" + acl.getKey(), id, () -> acls.deleteNetworkAcl(id));
        }
        for (SecurityGroup group : declaredGroups) {
            String id = group.getGroupId();
            delete("securityGroup", path + "/" + group.getGroupName(), id, () -> groups.deleteSecurityGroup(id));
        }
        delete("vpc", path, vpcId, () -> vpcs.deleteVpc(vpcId));
    }

    /** The VPC's VPN connections, then its VPN gateway, when the file declares one. */
    private void vpn(String path, String vpcId, VpcDecl decl) throws ApiException {
        if (decl.vpnGateway() == null) {
            return;
        }
        for (VpnConnection connection : Pages.all(
                t -> vpnConnections.listVpnConnections(vpcId, Pages.PAGE_SIZE, t),
                p -> p.getItems(),
                p -> p.getNextToken())) {
            String id = connection.getVpnConnectionId();
            delete(
                    "vpnConnection",
                    path + " <-> " + connection.getCustomerGatewayId(),
                    id,
                    () -> vpnConnections.deleteVpnConnection(id));
        }
        for (VpnGateway gateway :
                vpnGateways.listVpnGateways(vpcId, Pages.PAGE_SIZE, null).getItems()) {
            String id = gateway.getVpnGatewayId();
            // an attached gateway is not deleted (AWS's order): detach it first
            delete("vpnGateway", path + "/" + gateway.getName(), id, () -> {
                vpnGateways.detachVpnGateway(id);
                vpnGateways.deleteVpnGateway(id);
            });
        }
    }

    /** The tenant's customer gateways the file declares, by name. */
    private void customerGateways(TenantDecl tenant, String tenantId) throws ApiException {
        if (tenant.customerGateways().isEmpty()) {
            return;
        }
        Set<String> names = new java.util.HashSet<>();
        tenant.customerGateways().forEach(g -> names.add(g.name()));
        for (CustomerGateway gateway : Pages.all(
                t -> customerGateways.listCustomerGateways(Pages.PAGE_SIZE, t),
                p -> p.getItems(),
                p -> p.getNextToken())) {
            if (tenantId.equals(gateway.getTenantId()) && names.contains(gateway.getName())) {
                String id = gateway.getCustomerGatewayId();
                delete(
                        "customerGateway",
                        tenant.name() + "/" + gateway.getName(),
                        id,
                        () -> customerGateways.deleteCustomerGateway(id));
            }
        }
    }

    /** The VPC's groups the file declares, as they are now. */
    private List<SecurityGroup> declaredGroups(String vpcId, VpcDecl decl) throws ApiException {
        Set<String> names = new java.util.HashSet<>();
        decl.securityGroups().forEach(g -> names.add(g.name()));
        return Pages.all(
                        t -> groups.listSecurityGroups(vpcId, Pages.PAGE_SIZE, t),
                        p -> p.getItems(),
                        p -> p.getNextToken())
                .stream()
                .filter(g -> !Boolean.TRUE.equals(g.getIsDefault()) && names.contains(g.getGroupName()))
                .toList();
    }

    private void revokeRules(String path, List<SecurityGroup> declared) throws ApiException {
        for (SecurityGroup group : declared) {
            List<SecurityGroupRule> rules = new ArrayList<>(group.getIngressRules());
            rules.addAll(group.getEgressRules());
            for (SecurityGroupRule rule : rules) {
                String groupId = group.getGroupId();
                String ruleId = rule.getSecurityGroupRuleId();
                delete(
                        "securityGroupRule",
                        path + "/" + group.getGroupName() + " " + ruleId,
                        ruleId,
                        () -> groups.revokeSecurityGroupRule(groupId, ruleId));
            }
        }
    }

    /**
     * The custom ACLs the file declares, found (the API keeps no ACL names) as the custom ACL
     * associated with one of their subnets, while those subnets still exist.
     */
    private Map<String, String> declaredAcls(String vpcId, VpcDecl decl, Map<String, String> subnetIds)
            throws ApiException {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        if (decl.networkAcls().isEmpty()) {
            return found;
        }
        List<NetworkAcl> all = Pages.all(
                t -> acls.listNetworkAcls(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (Topology.NetworkAclDecl acl : reversed(decl.networkAcls())) {
            List<String> ids = acl.subnets().stream()
                    .map(subnetIds::get)
                    .filter(java.util.Objects::nonNull)
                    .toList();
            all.stream()
                    .filter(a -> !Boolean.TRUE.equals(a.getIsDefault()))
                    .filter(a -> a.getSubnetIds().stream().anyMatch(ids::contains))
                    .findFirst()
                    .ifPresent(a -> found.put(acl.name(), a.getNetworkAclId()));
        }
        return found;
    }

    private void instanceEip(InstanceDecl decl, Instance instance, List<Eip> allEips) throws ApiException {
        if (instance == null) {
            return;
        }
        for (Eip eip : allEips) {
            if (instance.getInstanceId().equals(eip.getInstanceId())) {
                String id = eip.getAllocationId();
                delete("eip", "eip of instance " + decl.name(), id, () -> {
                    eips.disassociateEip(id);
                    eips.releaseEip(id);
                });
            }
        }
    }

    private void natGateway(String vpcPath, String vpcId, NatGatewayDecl decl) throws ApiException {
        List<NatGateway> all = Pages.all(
                t -> natGateways.listNatGateways(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (NatGateway gateway : all) {
            if (decl.name().equals(gateway.getName())
                    && gateway.getState() != NatGatewayState.DELETED
                    && gateway.getState() != NatGatewayState.DELETING) {
                String id = gateway.getNatGatewayId();
                String path = vpcPath + "/" + decl.name();
                if (delete("natGateway", path, id, () -> natGateways.deleteNatGateway(id))
                        && gateway.getAllocationId() != null) {
                    // the apply allocated the gateway's address for it: it goes too
                    String allocationId = gateway.getAllocationId();
                    delete("eip", "eip of NAT gateway " + path, allocationId, () -> eips.releaseEip(allocationId));
                }
            }
        }
    }

    private void peering(PeeringDecl decl, Map<String, String> vpcIds) throws ApiException {
        String requester = vpcIds.get(decl.requester());
        String accepter = vpcIds.get(decl.accepter());
        if (requester == null || accepter == null) {
            return;
        }
        List<Peering> all = Pages.all(
                t -> peerings.listPeerings(requester, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (Peering peering : all) {
            if (peering.getStatus() != PeeringStatus.DELETED
                    && Set.of(peering.getRequesterVpcId(), peering.getAccepterVpcId())
                            .equals(Set.of(requester, accepter))) {
                String id = peering.getVpcPeeringConnectionId();
                delete("peering", decl.requester() + " <-> " + decl.accepter(), id, () -> peerings.deletePeering(id));
            }
        }
    }

    private void whitelist(String tenant, String tenantId, WhitelistDecl decl) throws ApiException {
        List<Whitelist> all =
                Pages.all(t -> whitelists.listWhitelists(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (Whitelist whitelist : all) {
            if (tenantId.equals(whitelist.getTenantId()) && decl.name().equals(whitelist.getName())) {
                String id = whitelist.getWhitelistId();
                delete("whitelist", tenant + "/" + decl.name(), id, () -> whitelists.deleteWhitelist(id));
            }
        }
    }

    /**
     * Deletes one resource: true when it went (or was already gone); a 409 keeps it and notes the
     * server's reason (it holds something the file does not declare). Anything else is thrown.
     */
    private boolean delete(String kind, String name, String id, Delete delete) throws ApiException {
        try {
            delete.run();
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return true;
            }
            if (e.getCode() != 409) {
                throw e;
            }
            Refusal refusal = Refusal.of(e, "deleting " + kind + " " + name);
            kept.add(kind + " " + name + " (" + id + "): " + refusal.code() + ": " + refusal.detail());
            return false;
        }
        deleted.add(new TopologyChange()
                .action(TopologyChangeAction.DELETED)
                .kind(kind)
                .name(name)
                .id(id));
        return true;
    }

    private Map<String, String> tenantIds(Topology topology) throws ApiException {
        Map<String, String> ids = new HashMap<>();
        List<Tenant> all =
                Pages.all(t -> tenants.listTenants(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        for (TenantDecl decl : topology.tenants()) {
            all.stream()
                    .filter(t -> decl.name().equals(t.getName()))
                    .findFirst()
                    .ifPresent(t -> ids.put(decl.name(), t.getTenantId()));
        }
        return ids;
    }

    /** "tenant/vpc" -> ID, for the file's VPCs that exist. */
    private Map<String, String> vpcIds(Topology topology, Map<String, String> tenantIds) throws ApiException {
        Map<String, String> ids = new HashMap<>();
        for (TenantDecl tenant : topology.tenants()) {
            String tenantId = tenantIds.get(tenant.name());
            if (tenantId == null) {
                continue;
            }
            List<Vpc> all = Pages.all(
                    t -> vpcs.listVpcs(tenantId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
            for (VpcDecl decl : tenant.vpcs()) {
                all.stream()
                        .filter(v -> decl.name().equals(v.getName()))
                        .findFirst()
                        .ifPresent(v -> ids.put(tenant.name() + "/" + decl.name(), v.getVpcId()));
            }
        }
        return ids;
    }

    private static Instance declared(List<Instance> ofVpc, String subnetId, String name) {
        if (subnetId == null) {
            return null;
        }
        return ofVpc.stream()
                .filter(i -> subnetId.equals(i.getSubnetId()) && name.equals(i.getName()))
                .findFirst()
                .orElse(null);
    }

    private static <T> List<T> reversed(List<T> items) {
        List<T> copy = new ArrayList<>(items);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
