package io.vpclab.controlplane.vpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.Vpc;
import io.vpclab.client.model.VpcCidrBlockAssociation;
import io.vpclab.client.model.VpcCreate;
import io.vpclab.controlplane.ApiTestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

class VpcRulesTest extends ApiTestSupport {

    @Test
    void hostBitsAreCanonicalised() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.1.2.3/16");
        assertThat(vpc.getCidrBlock()).isEqualTo("10.1.0.0/16");
        assertThat(vpc.getTenantId()).isEqualTo(tenant.tenantId());
        assertThat(vpc.getVpcId()).matches("vpc-[0-9a-f]{17}");
        assertThat(tenant.vpcs().getVpc(vpc.getVpcId()).getCidrBlockAssociationSet())
                .extracting(VpcCidrBlockAssociation::getCidrBlock, VpcCidrBlockAssociation::getPrimary)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.1.0.0/16", true));
    }

    @Test
    void badBlocksAreRefusedAndNothingIsStored() throws Exception {
        TenantClient tenant = newTenant();
        assertRefused(400, "InvalidVpc.Range", () -> tenant.vpc("10.0.0.0/8"));
        assertRefused(400, "InvalidVpc.Range", () -> tenant.vpc("10.0.0.0/15"));
        assertRefused(400, "InvalidVpc.Range", () -> tenant.vpc("10.0.0.0/29"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.vpc("banana"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.vpc("10.0.0.0"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.vpc("10.0.0.0/33"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.vpc("300.0.0.0/16"));
        assertRefused(400, "InvalidParameterValue", () -> tenant.vpc("fd00::/64"));
        assertRefused(400, "MissingParameter", () -> tenant.vpcs().createVpc(new VpcCreate()));
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }

    @Test
    void secondaryBlocksFollowTheRules() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        String id = vpc.getVpcId();
        Vpc grown = tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.1.7.7/16"));
        assertThat(grown.getCidrBlockAssociationSet())
                .extracting(VpcCidrBlockAssociation::getCidrBlock)
                .containsExactly("10.0.0.0/16", "10.1.0.0/16");

        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.0.128.0/17")));
        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.0.0.0/16")));
        assertRefused(
                400,
                "InvalidVpc.Range",
                () -> tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("172.16.0.0/12")));
        tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.2.0.0/16"));
        tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.3.0.0/16"));
        Vpc full = tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.4.0.0/16"));
        assertThat(full.getCidrBlockAssociationSet()).hasSize(5);
        assertRefused(
                409,
                "CidrLimitExceeded",
                () -> tenant.vpcs().associateVpcCidrBlock(id, new CidrBlockCreate().cidrBlock("10.5.0.0/16")));

        String primary = full.getCidrBlockAssociationSet().get(0).getAssociationId();
        assertRefused(409, "OperationNotPermitted", () -> tenant.vpcs().disassociateVpcCidrBlock(id, primary));

        String second = full.getCidrBlockAssociationSet().get(1).getAssociationId();
        tenant.subnet(id, "10.1.3.0/24");
        assertRefused(409, "DependencyViolation", () -> tenant.vpcs().disassociateVpcCidrBlock(id, second));
        assertRefused(
                404,
                "InvalidVpcCidrBlockAssociationID.NotFound",
                () -> tenant.vpcs().disassociateVpcCidrBlock(id, "vpc-cidr-assoc-00000000000000000"));
        assertThat(tenant.vpcs().getVpc(id).getCidrBlockAssociationSet()).hasSize(5);

        String third = full.getCidrBlockAssociationSet().get(2).getAssociationId();
        Vpc shrunk = tenant.vpcs().disassociateVpcCidrBlock(id, third);
        assertThat(shrunk.getCidrBlockAssociationSet())
                .extracting(VpcCidrBlockAssociation::getCidrBlock)
                .containsExactly("10.0.0.0/16", "10.1.0.0/16", "10.3.0.0/16", "10.4.0.0/16");
    }

    @Test
    void deleteIsRefusedWhileSubnetsRemain() throws Exception {
        TenantClient tenant = newTenant();
        Vpc vpc = tenant.vpc("10.0.0.0/16");
        var subnet = tenant.subnet(vpc.getVpcId(), "10.0.1.0/24");
        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(vpc.getVpcId());
            return null;
        });
        assertThat(tenant.vpcs().getVpc(vpc.getVpcId()).getVpcId()).isEqualTo(vpc.getVpcId());
        assertThat(tenant.subnets().getSubnet(subnet.getSubnetId()).getCidrBlock())
                .isEqualTo("10.0.1.0/24");

        tenant.subnets().deleteSubnet(subnet.getSubnetId());
        tenant.vpcs().deleteVpc(vpc.getVpcId());
        assertRefused(404, "InvalidVpcID.NotFound", () -> tenant.vpcs().getVpc(vpc.getVpcId()));
    }

    @Test
    void vpcQuotaPerTenantIsEnforced() throws Exception {
        TenantClient tenant = newTenant();
        for (int i = 0; i < 100; i++) {
            tenant.vpc("10." + i + ".0.0/16");
        }
        assertRefused(409, "VpcLimitExceeded", () -> tenant.vpc("10.200.0.0/16"));
        List<Vpc> all = new java.util.ArrayList<>();
        String next = null;
        do {
            var page = tenant.vpcs().listVpcs(null, 1000, next);
            all.addAll(page.getItems());
            next = page.getNextToken();
        } while (next != null);
        assertThat(all).hasSize(100);
    }
}
