package io.vpclab.controlplane.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.controlplane.ApiTestSupport;
import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.subnet.SubnetChanged;
import io.vpclab.controlplane.tenant.TenantChanged;
import io.vpclab.controlplane.vpc.VpcChanged;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.event.TransactionalEventListener;

/** Every committed create, update and delete announces itself; a refused request announces nothing. */
@Import(ChangeEventsTest.Recorder.class)
class ChangeEventsTest extends ApiTestSupport {

    @TestComponent
    static class Recorder {
        final List<Object> committed = new CopyOnWriteArrayList<>();

        @TransactionalEventListener
        void tenant(TenantChanged e) {
            committed.add(e);
        }

        /** Every one, unfiltered: the southbound's generations and status announce nothing. */
        @TransactionalEventListener
        void host(HostChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void vpc(VpcChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void subnet(SubnetChanged e) {
            committed.add(e);
        }

        @TransactionalEventListener
        void instance(InstanceChanged e) {
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
    void everyChangeIsPublishedAfterCommit() throws Exception {
        drain();
        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        String other = newHost().getHost().getHostId();
        assertThat(drain())
                .containsExactly(
                        new TenantChanged(tenant.tenantId(), ChangeKind.CREATED),
                        new HostChanged(host, ChangeKind.CREATED),
                        new HostChanged(other, ChangeKind.CREATED));

        String vpc = tenant.vpc("10.0.0.0/16").getVpcId();
        tenant.vpcs().associateVpcCidrBlock(vpc, new CidrBlockCreate().cidrBlock("10.1.0.0/16"));
        String subnet = tenant.subnet(vpc, "10.0.1.0/24").getSubnetId();
        assertThat(drain())
                .containsExactly(
                        new VpcChanged(vpc, tenant.tenantId(), ChangeKind.CREATED),
                        new VpcChanged(vpc, tenant.tenantId(), ChangeKind.UPDATED),
                        new SubnetChanged(subnet, vpc, tenant.tenantId(), ChangeKind.CREATED));

        String instance = tenant.instances()
                .runInstance(new InstanceCreate().subnetId(subnet).hostId(host))
                .getInstanceId();
        tenant.instances().updateInstance(instance, new InstanceUpdate().hostId(other));
        assertThat(drain())
                .containsExactly(
                        new SubnetChanged(subnet, vpc, tenant.tenantId(), ChangeKind.UPDATED),
                        new InstanceChanged(instance, vpc, subnet, host, null, tenant.tenantId(), ChangeKind.CREATED),
                        new InstanceChanged(instance, vpc, subnet, other, host, tenant.tenantId(), ChangeKind.UPDATED));

        assertRefused(409, "InvalidSubnet.Conflict", () -> tenant.subnet(vpc, "10.0.1.0/25"));
        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(vpc);
            return null;
        });
        assertRefused(
                409,
                "InvalidIPAddress.InUse",
                () -> tenant.instances()
                        .runInstance(new InstanceCreate()
                                .subnetId(subnet)
                                .hostId(host)
                                .privateIpAddress("10.0.1.4")));
        assertThat(drain()).isEmpty();

        tenant.instances().terminateInstance(instance);
        tenant.subnets().deleteSubnet(subnet);
        tenant.vpcs().deleteVpc(vpc);
        new HostsApi(admin()).deregisterHost(host);
        new TenantsApi(admin()).deleteTenant(tenant.tenantId(), null);
        assertThat(drain())
                .containsExactly(
                        new InstanceChanged(instance, vpc, subnet, other, null, tenant.tenantId(), ChangeKind.DELETED),
                        new SubnetChanged(subnet, vpc, tenant.tenantId(), ChangeKind.UPDATED),
                        new SubnetChanged(subnet, vpc, tenant.tenantId(), ChangeKind.DELETED),
                        new VpcChanged(vpc, tenant.tenantId(), ChangeKind.DELETED),
                        new HostChanged(host, ChangeKind.DELETED),
                        new TenantChanged(tenant.tenantId(), ChangeKind.DELETED));
    }
}
