package io.vpclab.controlplane.securitygroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A data directory written before security groups and network ACLs existed: after the upgrade its
 * VPCs, subnets and instances have what new ones get (the default group with its two rules and
 * membership of it, the default ACL allowing everything and the subnets' association), so that
 * launching into an old VPC works as in a new one.
 */
class DefaultsForStoredVpcsMigrationTest {

    private static final String URL = "jdbc:h2:mem:upgrade-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String SUBNET = "subnet-0123456789abcdef0";
    private static final String INSTANCE = "i-0123456789abcdef0";

    @Test
    void storedVpcsGetTheirDefaultGroupAndAclAndStoredInstancesTheirMembership() throws SQLException {
        flyway("3").migrate();
        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement()) {
            sql.execute("insert into tenant (id, name, created_at) values ('tenant-0123456789abcdef0', 't',"
                    + " current_timestamp)");
            sql.execute("insert into host (id, name, underlay_ip, udp_port, underlay_mtu, capabilities, token_hash,"
                    + " status, created_at) values ('host-0123456789abcdef0', 'h', '192.0.2.1', 4789, 1500,"
                    + " 'simulated', 'x', 'ready', current_timestamp)");
            sql.execute("insert into vpc (id, tenant_id, cidr_block, created_at) values ('" + VPC
                    + "', 'tenant-0123456789abcdef0', '10.0.0.0/16', current_timestamp)");
            sql.execute("insert into subnet (id, tenant_id, vpc_id, cidr_block, first_address, last_address,"
                    + " segmentation, segment_id, allocated_count, created_at) values ('" + SUBNET
                    + "', 'tenant-0123456789abcdef0', '" + VPC + "', '10.0.1.0/24', 167772416, 167772671, 'vxlan',"
                    + " 7, 1, current_timestamp)");
            sql.execute("insert into instance (id, tenant_id, vpc_id, subnet_id, host_id, kind, private_ip_address,"
                    + " mac_address, created_at) values ('" + INSTANCE + "', 'tenant-0123456789abcdef0', '" + VPC
                    + "', '" + SUBNET + "', 'host-0123456789abcdef0', 'simulated', '10.0.1.4', '02:00:0a:00:01:04',"
                    + " current_timestamp)");
        }

        flyway(null).migrate();

        try (Connection db = DriverManager.getConnection(URL, "sa", "")) {
            assertThat(rows(db, "select id || ' ' || name || ' ' || is_default from security_group"))
                    .containsExactly("sg-0123456789abcdef0 default TRUE");
            assertThat(rows(
                            db,
                            "select direction || ' ' || protocol || ' ' || coalesce(cidr_block, referenced_group_id)"
                                    + " from security_group_rule order by position"))
                    .containsExactly("INGRESS ALL sg-0123456789abcdef0", "EGRESS ALL 0.0.0.0/0");
            assertThat(rows(db, "select instance_id || ' ' || group_id from instance_security_group"))
                    .containsExactly(INSTANCE + " sg-0123456789abcdef0");
            assertThat(rows(db, "select id || ' ' || is_default from network_acl"))
                    .containsExactly("acl-0123456789abcdef0 TRUE");
            assertThat(rows(
                            db,
                            "select egress || ' ' || rule_number || ' ' || allow || ' ' || cidr_block"
                                    + " from network_acl_entry order by egress"))
                    .containsExactly("FALSE 100 TRUE 0.0.0.0/0", "TRUE 100 TRUE 0.0.0.0/0");
            assertThat(rows(db, "select subnet_id || ' ' || acl_id from subnet_network_acl"))
                    .containsExactly(SUBNET + " acl-0123456789abcdef0");
            // every id keeps the AWS shape the API checks: a prefix and 17 hex digits
            assertThat(rows(
                            db,
                            "select id from security_group_rule union all select id from network_acl_entry"
                                    + " union all select id from instance_security_group"))
                    .allMatch(id -> id.matches("[a-z]+-[0-9a-f]{17}"));
        }
    }

    private static Flyway flyway(String target) {
        var configuration = Flyway.configure().dataSource(URL, "sa", "").locations("classpath:db/migration");
        return (target == null ? configuration : configuration.target(target)).load();
    }

    private static List<String> rows(Connection db, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement sql = db.createStatement();
                var result = sql.executeQuery(query)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
