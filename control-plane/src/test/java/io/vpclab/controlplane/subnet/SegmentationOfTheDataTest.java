package io.vpclab.controlplane.subnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vpclab.client.api.SubnetsApi;
import io.vpclab.client.api.TenantsApi;
import io.vpclab.client.api.VpcsApi;
import io.vpclab.client.model.Segmentation;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.SubnetCreate;
import io.vpclab.client.model.TenantCreate;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.TestServers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalyzedException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The segmentation mode belongs to the data: restarting a store that holds VXLAN subnets in VLAN
 * mode (or the other way round) handed out VLAN IDs equal to the VNIs already held, and agents
 * refused their tables as "duplicate vni". Such a start is now refused with what to do instead.
 */
class SegmentationOfTheDataTest {

    private static final String ADMIN = "--vpclab.admin-token=segmentation-admin";

    /**
     * One store through both modes (each server start costs seconds of CI, so the cases share
     * their starts): VXLAN data refuses a VLAN start and keeps its subnet; emptied, it takes VLAN
     * mode, whose first VLAN ID is 1 although VNI 1 was held before; then it refuses a VXLAN start.
     */
    @Test
    void aStartInTheOtherModeIsRefusedWhileTheDataHoldsSubnetsAndSegmentIdsNeverCollide(@TempDir Path dataDir)
            throws Exception {
        String subnetId;
        try (ConfigurableApplicationContext vxlan = TestServers.start(dataDir, ADMIN)) {
            Subnet held = subnet(vxlan, "10.4.0.0/16", "10.4.1.0/24");
            assertThat(held.getSegmentId()).isEqualTo(1);
            subnetId = held.getSubnetId();
        }

        Throwable refused = catchThrowable(() ->
                TestServers.start(dataDir, ADMIN, "--vpclab.segmentation=vlan").close());

        FailureAnalyzedException analyzed = analyzed(refused);
        assertThat(analyzed.analysis().getDescription())
                .contains("holds 1 subnet with VXLAN VNIs")
                .contains("--vpclab.segmentation=vlan");
        assertThat(analyzed.analysis().getAction())
                .contains("--vpclab.segmentation=vlan --vpclab.data-dir=" + dataDir.toAbsolutePath() + "-vlan");
        // nothing stored was touched: the data still starts in its own mode, with its subnet
        try (ConfigurableApplicationContext again = TestServers.start(dataDir, ADMIN)) {
            SubnetsApi subnets = new SubnetsApi(TestServers.client(again, "segmentation-admin"));
            Subnet kept = subnets.getSubnet(subnetId);
            assertThat(kept.getSegmentation()).isEqualTo(Segmentation.VXLAN);
            subnets.deleteSubnet(subnetId);
        }

        // data without subnets takes either mode
        try (ConfigurableApplicationContext vlan = TestServers.start(dataDir, ADMIN, "--vpclab.segmentation=vlan")) {
            Subnet first = subnet(vlan, "10.7.0.0/16", "10.7.1.0/24");
            assertThat(first.getSegmentation()).isEqualTo(Segmentation.VLAN);
            assertThat(first.getSegmentId()).isEqualTo(1);
        }

        Throwable refusedVxlan =
                catchThrowable(() -> TestServers.start(dataDir, ADMIN).close());

        assertThat(analyzed(refusedVxlan).analysis().getDescription()).contains("holds 1 subnet with VLAN IDs");
    }

    private static FailureAnalyzedException analyzed(Throwable refused) {
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            if (cause instanceof FailureAnalyzedException analyzed) {
                return analyzed;
            }
        }
        throw new AssertionError("the start was not refused with an explanation", refused);
    }

    /** A new tenant with one VPC and one subnet in it, created by the admin. */
    private static Subnet subnet(ConfigurableApplicationContext server, String vpcCidr, String subnetCidr)
            throws Exception {
        var admin = TestServers.client(server, "segmentation-admin");
        String tenantId = new TenantsApi(admin)
                .createTenant(new TenantCreate().name("seg-" + System.nanoTime()))
                .getTenantId();
        String vpcId = new VpcsApi(admin)
                .createVpc(new VpcCreate().cidrBlock(vpcCidr).tenantId(tenantId))
                .getVpcId();
        return new SubnetsApi(admin)
                .createSubnet(new SubnetCreate().vpcId(vpcId).cidrBlock(subnetCidr));
    }
}
