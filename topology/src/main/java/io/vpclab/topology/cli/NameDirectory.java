package io.vpclab.topology.cli;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Tenant;
import io.vpclab.client.model.Vpc;
import io.vpclab.topology.apply.Pages;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Names of resources by ID, for tables that show parents by name. Each kind is listed once, when
 * first asked for. A list the token may not read (a tenant token and the tenant list) leaves the
 * IDs shown as they are.
 */
final class NameDirectory {

    private interface Lister {
        Map<String, String> names() throws ApiException;
    }

    private final ApiClient api;
    private final Map<String, Map<String, String>> byKind = new HashMap<>();

    NameDirectory(ApiClient api) {
        this.api = api;
    }

    String tenant(String id) {
        return name(
                "tenants",
                id,
                () -> index(
                        Pages.all(
                                t -> new TenantsApi(api).listTenants(Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        Tenant::getTenantId,
                        Tenant::getName));
    }

    String vpc(String id) {
        return name(
                "vpcs",
                id,
                () -> index(
                        Pages.all(
                                t -> new VpcsApi(api).listVpcs(null, Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        Vpc::getVpcId,
                        Vpc::getName));
    }

    String subnet(String id) {
        return name(
                "subnets",
                id,
                () -> index(
                        Pages.all(
                                t -> new SubnetsApi(api).listSubnets(null, Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        Subnet::getSubnetId,
                        Subnet::getName));
    }

    String host(String id) {
        return name(
                "hosts",
                id,
                () -> index(
                        Pages.all(
                                t -> new HostsApi(api).listHosts(Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        Host::getHostId,
                        Host::getName));
    }

    String instance(String id) {
        return name(
                "instances",
                id,
                () -> index(
                        Pages.all(
                                t -> new InstancesApi(api).listInstances(null, null, null, Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        Instance::getInstanceId,
                        Instance::getName));
    }

    String natGateway(String id) {
        return name(
                "natgateways",
                id,
                () -> index(
                        Pages.all(
                                t -> new NatGatewaysApi(api).listNatGateways(null, Pages.PAGE_SIZE, t),
                                p -> p.getItems(),
                                p -> p.getNextToken()),
                        NatGateway::getNatGatewayId,
                        NatGateway::getName));
    }

    /** The name, else the ID (unnamed, or not readable with this token); null for no ID. */
    private String name(String kind, String id, Lister lister) {
        if (id == null) {
            return null;
        }
        Map<String, String> names = byKind.computeIfAbsent(kind, k -> {
            try {
                return lister.names();
            } catch (ApiException refused) {
                return Map.of();
            }
        });
        String name = names.get(id);
        return name == null || name.isEmpty() ? id : name;
    }

    private static <T> Map<String, String> index(List<T> items, Function<T, String> id, Function<T, String> name) {
        Map<String, String> names = new HashMap<>();
        for (T item : items) {
            String value = name.apply(item);
            if (value != null) {
                names.put(id.apply(item), value);
            }
        }
        return names;
    }
}
