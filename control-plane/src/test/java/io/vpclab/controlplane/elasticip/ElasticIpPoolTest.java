package io.vpclab.controlplane.elasticip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.internethost.PublicAddressing;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.tenant.TenantService;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.controlplane.whitelist.WhitelistService;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A configured pool of two usable addresses (a /30 without network and broadcast). A store slice:
 * the EIP service over its own repositories, the other features it asks mocked.
 */
@DataJpaTest
@Import({ElasticIpService.class, ElasticIpPoolTest.SlashThirtyPool.class})
class ElasticIpPoolTest {

    private static final String TENANT = "tenant-00000000000000001";
    private static final Caller CALLER = Caller.tenant(TENANT);

    @TestConfiguration(proxyBeanMethods = false)
    static class SlashThirtyPool {
        @Bean
        PublicAddressing publicNetwork() {
            return new PublicAddressing() {
                @Override
                public String publicCidr() {
                    return "198.51.100.0/24";
                }

                @Override
                public String gatewayIp() {
                    return "198.51.100.1";
                }

                @Override
                public String eipPool() {
                    return "198.51.100.8/30";
                }

                @Override
                public List<ConfiguredHost> configuredHosts() {
                    return List.of();
                }
            };
        }
    }

    @MockitoBean
    InstanceService instances;

    @MockitoBean
    NatGatewayTargets natGateways;

    @MockitoBean
    VpcService vpcs;

    @MockitoBean
    WhitelistService whitelists;

    @MockitoBean
    TenantService tenants;

    @Autowired
    ElasticIpService eips;

    @Autowired
    JdbcTemplate jdbc;

    private ElasticIp allocate() {
        return eips.allocate(CALLER, null, null, null);
    }

    @Test
    void anEmptyPoolRefusesAndAReleasedAddressComesBack() {
        jdbc.update("insert into tenant (id, name, created_at) values (?, 'pool', current_timestamp)", TENANT);
        ElasticIp first = allocate();
        ElasticIp second = allocate();
        assertThat(first.publicIp()).isEqualTo("198.51.100.9");
        assertThat(second.publicIp()).isEqualTo("198.51.100.10");

        ApiException refused = catchThrowableOfType(ApiException.class, this::allocate);
        assertThat(refused.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(refused.code()).isEqualTo("AddressLimitExceeded");
        assertThat(eips.list(CALLER, null, PageRequest.of(null, null)).items())
                .extracting(ElasticIp::id)
                .containsExactlyInAnyOrder(first.id(), second.id());

        eips.release(CALLER, first.id());
        assertThat(allocate().publicIp()).isEqualTo("198.51.100.9");
        eips.release(CALLER, second.id());
    }
}
