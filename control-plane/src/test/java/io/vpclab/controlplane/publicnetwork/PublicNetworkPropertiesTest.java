package io.vpclab.controlplane.publicnetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vpclab.controlplane.compiler.HostNode;
import io.vpclab.controlplane.compiler.InternetHostNode;
import io.vpclab.controlplane.compiler.PublicNetwork;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublicNetworkPropertiesTest {

    static PublicNetworkProperties with(PublicNetworkProperties.InternetHost... hosts) {
        return new PublicNetworkProperties(null, null, null, null, List.of(hosts));
    }

    @Test
    void defaultsAreTheDocumentationRangesAndInternetHostsArePlacedOnRegisteredHostsOnly() {
        PublicNetworkProperties properties = with(
                new PublicNetworkProperties.InternetHost("web", "198.51.100.10", "demo-1", null),
                new PublicNetworkProperties.InternetHost("dns", "198.51.100.53", "not-yet", "simulated"));

        PublicNetwork network =
                properties.resolve(Map.of("h-1", new HostNode("h-1", "demo-1", "127.0.0.1", 4789, 1500)));

        assertThat(network.publicCidr()).isEqualTo("198.51.100.0/24");
        assertThat(network.eipPool()).isEqualTo("203.0.113.0/24");
        assertThat(network.vni()).isEqualTo(PublicNetwork.DEFAULT.vni());
        assertThat(network.internetHosts())
                .containsExactly(new InternetHostNode(
                        "inet-web", "web", "h-1", "simulated", "198.51.100.10", "06:00:c6:33:64:0a"));
    }

    @Test
    void badSettingsStopTheServerNamingTheProperty() {
        assertThatThrownBy(() -> with(new PublicNetworkProperties.InternetHost("web", "192.0.2.10", "demo-1", null)))
                .hasMessageContaining("vpclab.public.internet-hosts[0].ip 192.0.2.10 is outside vpclab.public.cidr");
        assertThatThrownBy(() -> with(new PublicNetworkProperties.InternetHost("web", "198.51.100.1", "demo-1", null)))
                .hasMessageContaining("already used on the public network");
        assertThatThrownBy(() -> with(new PublicNetworkProperties.InternetHost("Web!", "198.51.100.9", "demo-1", null)))
                .hasMessageContaining("vpclab.public.internet-hosts[0].name");
        assertThatThrownBy(() -> with(new PublicNetworkProperties.InternetHost("web", "198.51.100.9", null, null)))
                .hasMessageContaining(".host is required");
        assertThatThrownBy(() -> with(new PublicNetworkProperties.InternetHost("web", "198.51.100.9", "demo-1", "tap")))
                .hasMessageContaining(".kind must be simulated or netns");
        assertThatThrownBy(
                        () -> with(new PublicNetworkProperties.InternetHost("web", "198.51.100.010", "demo-1", null)))
                .hasMessageContaining("vpclab.public.internet-hosts[0].ip");
        assertThatThrownBy(() -> new PublicNetworkProperties(null, "198.51.100.0/024", null, null, null))
                .hasMessageContaining("vpclab.public.cidr");
        assertThatThrownBy(() -> new PublicNetworkProperties(null, null, "198.51.100.01", null, null))
                .hasMessageContaining("vpclab.public.gateway");
        assertThatThrownBy(() -> new PublicNetworkProperties(null, null, null, " 203.0.113.0/24", null))
                .hasMessageContaining("vpclab.public.eip-pool");
        assertThatThrownBy(() -> new PublicNetworkProperties(0, null, null, null, null))
                .hasMessageContaining("vpclab.public.vni must be 1..16777215");
    }
}
