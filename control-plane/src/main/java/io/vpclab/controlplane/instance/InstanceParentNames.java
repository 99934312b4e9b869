package io.vpclab.controlplane.instance;

import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.tenant.TenantService;
import io.vpclab.controlplane.vpc.VpcService;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The names of an instance's tenant, VPC, subnet and host, for listings that read without looking
 * each ID up. The instance is already visible to the caller, so its parents are read as the admin;
 * a parent gone in a race shows no name rather than failing the listing.
 */
@Component
class InstanceParentNames {

    record Names(String tenant, String vpc, String subnet, String host) {}

    private final TenantService tenants;
    private final VpcService vpcs;
    private final SubnetService subnets;
    private final HostService hosts;

    InstanceParentNames(TenantService tenants, VpcService vpcs, SubnetService subnets, HostService hosts) {
        this.tenants = tenants;
        this.vpcs = vpcs;
        this.subnets = subnets;
        this.hosts = hosts;
    }

    /** A lookup for one response: each parent is read once however many instances share it. */
    Function<Instance, Names> lookup() {
        Map<String, String> seen = new HashMap<>();
        Caller admin = Caller.admin();
        return instance -> new Names(
                name(seen, instance.tenantId(), id -> tenants.get(admin, id).name()),
                name(seen, instance.vpcId(), id -> vpcs.get(admin, id).vpc().name()),
                name(seen, instance.subnetId(), id -> subnets.get(admin, id).name()),
                name(seen, instance.hostId(), id -> hosts.get(admin, id).name()));
    }

    private static String name(Map<String, String> seen, String id, Function<String, String> read) {
        // IDs carry their kind's prefix, so one map serves all four kinds; "" marks a parent without a name.
        String name = seen.computeIfAbsent(id, key -> {
            try {
                String found = read.apply(key);
                return found == null ? "" : found;
            } catch (RuntimeException gone) {
                return "";
            }
        });
        return name.isEmpty() ? null : name;
    }
}
