package io.vpclab.controlplane.routetable;

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
 * A data directory written before route tables existed: after migration V7 every VPC has its main
 * table, the subnets a NAT gateway served have the gateway's table with 0.0.0.0/0 to it, and every
 * table on either side of an active peering routes the peer's blocks to it, so stored topologies
 * behave as before, now with routes users see and can change.
 */
class RouteTablesForStoredVpcsMigrationTest {

    private static final String URL = "jdbc:h2:mem:rtb-upgrade-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private static final String TENANT = "tenant-0123456789abcdef0";
    private static final String VPC_A = "vpc-0000000000000000a";
    private static final String VPC_B = "vpc-0000000000000000b";
    private static final String PUBLIC = "subnet-000000000000000a1";
    private static final String PRIVATE = "subnet-000000000000000a2";
    private static final String NAT = "nat-0000000000000000e";
    private static final String PCX = "pcx-0000000000000000f";

    @Test
    void storedVpcsGetTheirMainTableAndTheImplicitRoutesBecomeOrdinaryOnes() throws SQLException {
        flyway("6").migrate();
        try (Connection db = DriverManager.getConnection(URL, "sa", "");
                Statement sql = db.createStatement()) {
            sql.execute("insert into tenant (id, name, created_at) values ('" + TENANT + "', 't', current_timestamp)");
            vpc(sql, VPC_A, "10.0.0.0/16", 167772160L);
            vpc(sql, VPC_B, "10.1.0.0/16", 167837696L);
            subnet(sql, PUBLIC, "10.0.0.0/24", 167772160L, 7);
            subnet(sql, PRIVATE, "10.0.1.0/24", 167772416L, 8);
            sql.execute("insert into nat_gateway (id, tenant_id, vpc_id, subnet_id, private_ip_address, egress_policy,"
                    + " tcp_idle_timeout, udp_idle_timeout, state, created_at) values ('" + NAT + "', '" + TENANT
                    + "', '" + VPC_A + "', '" + PUBLIC + "', '10.0.0.10', 'ALLOW_ALL', 350, 120, 'pending',"
                    + " current_timestamp)");
            sql.execute("insert into nat_gateway_subnet (subnet_id, nat_gateway_id, created_at) values ('" + PRIVATE
                    + "', '" + NAT + "', current_timestamp)");
            sql.execute("insert into vpc_peering (id, requester_vpc_id, requester_tenant_id, accepter_vpc_id,"
                    + " accepter_tenant_id, status, pair_key, created_at) values ('" + PCX + "', '" + VPC_A + "', '"
                    + TENANT + "', '" + VPC_B + "', '" + TENANT + "', 'active', '" + VPC_A + "/" + VPC_B
                    + "', current_timestamp)");
        }

        flyway(null).migrate();

        try (Connection db = DriverManager.getConnection(URL, "sa", "")) {
            assertThat(rows(db, "select id || ' ' || vpc_id || ' ' || is_main from route_table order by id"))
                    .containsExactly(
                            "rtb-0000000000000000a " + VPC_A + " TRUE",
                            "rtb-0000000000000000b " + VPC_B + " TRUE",
                            "rtb-0000000000000000e " + VPC_A + " FALSE");
            assertThat(rows(db, "select subnet_id || ' ' || route_table_id from subnet_route_table"))
                    .as("the public subnet keeps the main table")
                    .containsExactly(PRIVATE + " rtb-0000000000000000e");
            assertThat(rows(
                            db,
                            "select route_table_id || ' ' || destination || ' ' || target_type || ' ' || target_id"
                                    + " from route_table_route order by route_table_id, destination"))
                    .containsExactly(
                            "rtb-0000000000000000a 10.1.0.0/16 VPC_PEERING_CONNECTION " + PCX,
                            "rtb-0000000000000000b 10.0.0.0/16 VPC_PEERING_CONNECTION " + PCX,
                            "rtb-0000000000000000e 0.0.0.0/0 NAT_GATEWAY " + NAT,
                            "rtb-0000000000000000e 10.1.0.0/16 VPC_PEERING_CONNECTION " + PCX);
            assertThat(rows(db, "select id from route_table_route"))
                    .as("the key the service builds: table | destination")
                    .allMatch(id -> id.matches("rtb-[0-9a-f]{17}\\|[0-9./]+"));
        }
    }

    private static void vpc(Statement sql, String id, String cidr, long first) throws SQLException {
        sql.execute("insert into vpc (id, tenant_id, cidr_block, created_at) values ('" + id + "', '" + TENANT + "', '"
                + cidr + "', current_timestamp)");
        sql.execute("insert into vpc_cidr_block (id, vpc_id, cidr_block, first_address, last_address, is_primary,"
                + " created_at) values ('vpc-cidr-assoc-" + id.substring(4) + "', '" + id + "', '" + cidr + "', "
                + first + ", " + (first + 65535) + ", true, current_timestamp)");
    }

    private static void subnet(Statement sql, String id, String cidr, long first, int segment) throws SQLException {
        sql.execute("insert into subnet (id, tenant_id, vpc_id, cidr_block, first_address, last_address,"
                + " segmentation, segment_id, allocated_count, created_at) values ('" + id + "', '" + TENANT + "', '"
                + VPC_A + "', '" + cidr + "', " + first + ", " + (first + 255) + ", 'vxlan', " + segment
                + ", 0, current_timestamp)");
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
