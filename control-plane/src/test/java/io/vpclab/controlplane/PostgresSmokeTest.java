package io.vpclab.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.client.model.CidrBlockCreate;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceCreate;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.Subnet;
import io.vpclab.client.model.Vpc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole resource flow, refusals included, with the {@code postgres} profile. */
@ActiveProfiles("postgres")
class PostgresSmokeTest extends ApiTestSupport {

    private static final String SCHEMA = "vpclab_it_smoke";

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void freshSchema() throws Exception {
        PostgresSupport.requireServerAndRecreate(SCHEMA);
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry, SCHEMA);
        // as if the database or role turned synchronous commit off: answered writes must still be stored
        registry.add(
                "spring.datasource.url",
                () -> PostgresSupport.urlWithSchema(SCHEMA) + "&options=-c%20synchronous_commit%3Doff");
    }

    @Test
    void theStoreIsPostgresAndEveryResourceWorks() throws Exception {
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
        assertThat(jdbc.queryForObject("select current_schema()", String.class)).isEqualTo(SCHEMA);
        assertThat(jdbc.queryForObject("show synchronous_commit", String.class)).isEqualTo("on");

        TenantClient tenant = newTenant();
        String host = newHost().getHost().getHostId();
        String other = newHost().getHost().getHostId();
        Vpc vpc = tenant.vpc("10.7.7.7/16");
        assertThat(vpc.getCidrBlock()).isEqualTo("10.7.0.0/16");
        tenant.vpcs().associateVpcCidrBlock(vpc.getVpcId(), new CidrBlockCreate().cidrBlock("10.8.0.0/16"));
        Subnet subnet = tenant.subnet(vpc.getVpcId(), "10.8.1.0/28");
        Instance instance = tenant.instances()
                .runInstance(new InstanceCreate().subnetId(subnet.getSubnetId()).hostId(host));
        assertThat(instance.getPrivateIpAddress()).isEqualTo("10.8.1.4");
        Instance moved =
                tenant.instances().updateInstance(instance.getInstanceId(), new InstanceUpdate().hostId(other));
        assertThat(moved.getMacAddress()).isEqualTo(instance.getMacAddress());

        assertRefused(
                409,
                "InvalidSubnet.Conflict",
                () -> tenant.subnet(vpc.getVpcId(), "10.8.1.0/29".replace("/29", "/28")));
        assertRefused(400, "InvalidVpc.Range", () -> tenant.vpc("10.0.0.0/12"));
        assertRefused(409, "DependencyViolation", () -> {
            tenant.vpcs().deleteVpc(vpc.getVpcId());
            return null;
        });
        assertRefused(
                409,
                "InvalidIPAddress.InUse",
                () -> tenant.instances()
                        .runInstance(new InstanceCreate()
                                .subnetId(subnet.getSubnetId())
                                .hostId(host)
                                .privateIpAddress("10.8.1.4")));
        assertRefused(404, "InvalidVpcID.NotFound", () -> newTenant().vpcs().getVpc(vpc.getVpcId()));

        tenant.instances().terminateInstance(instance.getInstanceId());
        tenant.subnets().deleteSubnet(subnet.getSubnetId());
        tenant.vpcs().deleteVpc(vpc.getVpcId());
        assertThat(tenant.vpcs().listVpcs(null, null, null).getItems()).isEmpty();
    }
}
