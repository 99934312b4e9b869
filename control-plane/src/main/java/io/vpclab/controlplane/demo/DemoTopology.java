package io.vpclab.controlplane.demo;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InternetHost;
import io.vpclab.client.model.InternetHostCreate;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCreate;
import java.util.ArrayList;
import java.util.List;

/**
 * Two tenants with the same 10.0.0.0/16, spread over the demo's hosts, built through the REST
 * API. 10.0.1.10 is used by both tenants; the other addresses by one only, so the matrix shows
 * both kinds of isolation: a shared address answers from the tenant's own instance, and another
 * tenant's address does not answer at all. Finds what an earlier run created instead of failing.
 */
final class DemoTopology {

    /** One instance of the demo: tenant, subnet (web or db), name, address, host index (0-based). */
    record Member(String tenant, String subnet, String name, String ip, int host) {}

    static final String VPC_CIDR = "10.0.0.0/16";
    static final List<Member> MEMBERS = List.of(
            new Member("acme", "web", "acme-web-1", "10.0.1.10", 0),
            new Member("acme", "web", "acme-web-2", "10.0.1.11", 1),
            new Member("acme", "db", "acme-db-1", "10.0.2.10", 2),
            new Member("globex", "web", "globex-web-1", "10.0.1.10", 1),
            new Member("globex", "web", "globex-web-2", "10.0.1.12", 2),
            new Member("globex", "db", "globex-db-1", "10.0.2.20", 0));

    /** Internet hosts the demo puts on the public network (name, address, host index), so samples need nothing else. */
    record InternetMember(String name, String ip, int host) {}

    static final List<InternetMember> INTERNET =
            List.of(new InternetMember("web", "198.51.100.10", 0), new InternetMember("dns", "198.51.100.53", 1));

    private final ApiClient admin;

    DemoTopology(ApiClient admin) {
        this.admin = admin;
    }

    /** Creates (or finds) everything; returns the instances in {@link #MEMBERS} order. */
    List<Instance> apply(List<String> hostIds) throws ApiException {
        List<Instance> instances = new ArrayList<>();
        for (Member member : MEMBERS) {
            Tenant tenant = tenant(member.tenant());
            Vpc vpc = vpc(tenant, member.tenant() + "-vpc");
            Subnet subnet = subnet(
                    vpc,
                    member.tenant() + "-" + member.subnet(),
                    "web".equals(member.subnet()) ? "10.0.1.0/24" : "10.0.2.0/24");
            instances.add(instance(subnet, member, hostIds.get(member.host() % hostIds.size())));
        }
        return instances;
    }

    /** Creates the demo's internet hosts unless hosts of those names exist (configured or from an earlier run). */
    void internetHosts(List<String> hostIds) throws ApiException {
        InternetHostsApi api = new InternetHostsApi(admin);
        List<InternetHost> existing = api.listInternetHosts(1000, null).getItems();
        for (InternetMember member : INTERNET) {
            if (existing.stream().noneMatch(h -> h.getName().equals(member.name()))) {
                api.createInternetHost(new InternetHostCreate()
                        .name(member.name())
                        .ip(member.ip())
                        .hostId(hostIds.get(member.host() % hostIds.size())));
            }
        }
    }

    private Tenant tenant(String name) throws ApiException {
        for (Tenant tenant : new TenantsApi(admin).listTenants(1000, null).getItems()) {
            if (name.equals(tenant.getName())) {
                return tenant;
            }
        }
        return new TenantsApi(admin).createTenant(new TenantCreate().name(name));
    }

    private Vpc vpc(Tenant tenant, String name) throws ApiException {
        for (Vpc vpc :
                new VpcsApi(admin).listVpcs(tenant.getTenantId(), 1000, null).getItems()) {
            if (name.equals(vpc.getName())) {
                return vpc;
            }
        }
        return new VpcsApi(admin)
                .createVpc(new VpcCreate().cidrBlock(VPC_CIDR).name(name).tenantId(tenant.getTenantId()));
    }

    private Subnet subnet(Vpc vpc, String name, String cidr) throws ApiException {
        for (Subnet subnet :
                new SubnetsApi(admin).listSubnets(vpc.getVpcId(), 1000, null).getItems()) {
            if (name.equals(subnet.getName())) {
                return subnet;
            }
        }
        return new SubnetsApi(admin)
                .createSubnet(
                        new SubnetCreate().vpcId(vpc.getVpcId()).cidrBlock(cidr).name(name));
    }

    private Instance instance(Subnet subnet, Member member, String hostId) throws ApiException {
        for (Instance instance : new InstancesApi(admin)
                .listInstances(subnet.getVpcId(), subnet.getSubnetId(), null, 1000, null)
                .getItems()) {
            if (member.name().equals(instance.getName())) {
                return instance;
            }
        }
        return new InstancesApi(admin)
                .runInstance(new InstanceCreate()
                        .subnetId(subnet.getSubnetId())
                        .hostId(hostId)
                        .kind(InstanceKind.SIMULATED)
                        .name(member.name())
                        .privateIpAddress(member.ip()));
    }
}
