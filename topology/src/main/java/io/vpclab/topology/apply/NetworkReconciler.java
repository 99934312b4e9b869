package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.ArpSuppressionSetting;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.SubnetDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import java.util.List;

/**
 * Tenants, VPCs, subnets and instances: each found by name within its parent or created. A
 * resource that exists under the file's name but differs where it cannot change (a CIDR, an
 * instance's address or kind) stops the apply: the file and the network disagree, and only a
 * person can say which is right.
 */
final class NetworkReconciler {

    private final TenantsApi tenants;
    private final VpcsApi vpcs;
    private final SubnetsApi subnets;
    private final InstancesApi instances;
    private final ChangeLog log;
    private final HostDirectory hosts;
    private final Applied applied;
    private final InstanceKind kindOverride;

    NetworkReconciler(ApiClient api, ChangeLog log, HostDirectory hosts, Applied applied, InstanceKind kindOverride) {
        this.tenants = new TenantsApi(api);
        this.vpcs = new VpcsApi(api);
        this.subnets = new SubnetsApi(api);
        this.instances = new InstancesApi(api);
        this.log = log;
        this.hosts = hosts;
        this.applied = applied;
        this.kindOverride = kindOverride;
    }

    void tenant(TenantDecl decl) throws ApiException {
        List<Tenant> all =
                Pages.all(t -> tenants.listTenants(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Tenant tenant = all.stream()
                .filter(t -> decl.name().equals(t.getName()))
                .findFirst()
                .orElse(null);
        if (tenant == null) {
            tenant = tenants.createTenant(new TenantCreate().name(decl.name()));
            String id = tenant.getTenantId();
            log.created("tenant", decl.name(), id, () -> tenants.deleteTenant(id, null));
        } else {
            log.unchanged();
        }
        applied.tenantIds.put(decl.name(), tenant.getTenantId());
    }

    void vpc(TenantDecl tenant, VpcDecl decl) throws ApiException, Refusal {
        String tenantId = applied.tenantIds.get(tenant.name());
        String path = tenant.name() + "/" + decl.name();
        List<Vpc> all =
                Pages.all(t -> vpcs.listVpcs(tenantId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Vpc vpc = all.stream()
                .filter(v -> decl.name().equals(v.getName()))
                .findFirst()
                .orElse(null);
        if (vpc == null) {
            vpc = vpcs.createVpc(new VpcCreate()
                    .cidrBlock(decl.cidrBlock())
                    .name(decl.name())
                    .tenantId(tenantId)
                    .arpSuppression(decl.arpSuppression()));
            String id = vpc.getVpcId();
            log.created("vpc", path, id, () -> vpcs.deleteVpc(id));
        } else if (!decl.cidrBlock().equals(vpc.getCidrBlock())) {
            throw Refusal.conflict("VPC " + path + " exists (" + vpc.getVpcId() + ") with CIDR " + vpc.getCidrBlock()
                    + ", the file says " + decl.cidrBlock());
        } else if (decl.arpSuppression() != null && !decl.arpSuppression().equals(vpc.getArpSuppression())) {
            vpc = vpcs.setVpcArpSuppression(
                    vpc.getVpcId(), new ArpSuppressionSetting().arpSuppression(decl.arpSuppression()));
            log.changed(
                    TopologyChangeAction.UPDATED,
                    "vpc",
                    path,
                    vpc.getVpcId(),
                    "ARP suppression " + (decl.arpSuppression() ? "on" : "off"));
        } else {
            log.unchanged();
        }
        applied.vpcIds.put(path, vpc.getVpcId());
    }

    void subnet(String vpcPath, SubnetDecl decl) throws ApiException, Refusal {
        String vpcId = applied.vpcIds.get(vpcPath);
        String path = vpcPath + "/" + decl.name();
        List<Subnet> all = Pages.all(
                t -> subnets.listSubnets(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Subnet subnet = all.stream()
                .filter(s -> decl.name().equals(s.getName()))
                .findFirst()
                .orElse(null);
        if (subnet == null) {
            subnet = subnets.createSubnet(
                    new SubnetCreate().vpcId(vpcId).cidrBlock(decl.cidrBlock()).name(decl.name()));
            String id = subnet.getSubnetId();
            log.created("subnet", path, id, () -> subnets.deleteSubnet(id));
        } else if (!decl.cidrBlock().equals(subnet.getCidrBlock())) {
            throw Refusal.conflict("subnet " + path + " exists (" + subnet.getSubnetId() + ") with CIDR "
                    + subnet.getCidrBlock() + ", the file says " + decl.cidrBlock());
        } else {
            log.unchanged();
        }
        applied.subnetIds.put(path, subnet.getSubnetId());
    }

    /**
     * groupIds: the instance's security groups at launch, null for its VPC's default group.
     * Returns whether the instance existed before (its groups are then the caller's to compare).
     */
    boolean instance(String subnetPath, InstanceDecl decl, List<String> groupIds) throws ApiException, Refusal {
        String subnetId = applied.subnetIds.get(subnetPath);
        InstanceKind kind = kind(decl);
        List<Instance> all = Pages.all(
                t -> instances.listInstances(null, subnetId, null, Pages.PAGE_SIZE, t),
                p -> p.getItems(),
                p -> p.getNextToken());
        Instance instance = all.stream()
                .filter(i -> decl.name().equals(i.getName()))
                .findFirst()
                .orElse(null);
        boolean existed = instance != null;
        if (instance == null) {
            String hostId = pinned(decl, kind) ? hosts.id(decl.host()) : hosts.place(kind);
            instance = instances.runInstance(new InstanceCreate()
                    .subnetId(subnetId)
                    .hostId(hostId)
                    .kind(kind)
                    .name(decl.name())
                    .privateIpAddress(decl.privateIpAddress())
                    .securityGroupIds(groupIds));
            String id = instance.getInstanceId();
            log.created("instance", decl.name(), id, () -> instances.terminateInstance(id));
        } else if (decl.privateIpAddress() != null && !decl.privateIpAddress().equals(instance.getPrivateIpAddress())) {
            throw Refusal.conflict(
                    "instance " + decl.name() + " exists (" + instance.getInstanceId() + ") with address "
                            + instance.getPrivateIpAddress() + ", the file says " + decl.privateIpAddress());
        } else if (instance.getKind() != kind) {
            throw Refusal.conflict("instance " + decl.name() + " exists (" + instance.getInstanceId() + ") of kind "
                    + instance.getKind() + ", the file says " + kind);
        } else {
            // Where an existing instance runs is left alone: moving it is a step (live migration), not drift.
            log.unchanged();
        }
        applied.instances.put(decl.name(), instance);
        return existed;
    }

    /**
     * Whether the file's host pin holds. With --instance-kind a pin to a host that does not run that
     * kind (the samples pin to the demo's hosts, which run simulated instances only) gives way to
     * placement on the hosts that do, so every sample runs on a lab of real Linux hosts too.
     */
    private boolean pinned(InstanceDecl decl, InstanceKind kind) {
        if (decl.host() == null) {
            return false;
        }
        return kindOverride == null || hosts.runs(decl.host(), kind);
    }

    private InstanceKind kind(InstanceDecl decl) {
        if (kindOverride != null) {
            return kindOverride;
        }
        return decl.kind() == null ? InstanceKind.SIMULATED : InstanceKind.fromValue(decl.kind());
    }
}
