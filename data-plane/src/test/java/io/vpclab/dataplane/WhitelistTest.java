package io.vpclab.dataplane;

import static io.vpclab.dataplane.ElasticIpTest.EIP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_IP;
import static io.vpclab.dataplane.ElasticIpTest.INTERNET_MAC;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.PUBLIC_VNI;
import static io.vpclab.dataplane.ElasticIpTest.RAW_MAC;
import static io.vpclab.dataplane.ElasticIpTest.SHORT;
import static io.vpclab.dataplane.ElasticIpTest.TIMEOUT;
import static io.vpclab.dataplane.ElasticIpTest.VM_IP;
import static io.vpclab.dataplane.ElasticIpTest.VM_MAC;
import static io.vpclab.dataplane.ElasticIpTest.VPC_GATEWAY;
import static io.vpclab.dataplane.ElasticIpTest.VPC_VNI;
import static org.assertj.core.api.Assertions.assertThat;

import io.vpclab.dataplane.host.PingResult;
import io.vpclab.dataplane.host.PortState;
import io.vpclab.dataplane.host.ProbeReply;
import io.vpclab.dataplane.host.SimulatedHost;
import io.vpclab.dataplane.packet.Vxlan;
import io.vpclab.dataplane.stats.DropReason;
import io.vpclab.dataplane.stats.WhitelistSnapshot;
import io.vpclab.dataplane.table.ElasticIp;
import io.vpclab.dataplane.table.ForwardingState;
import io.vpclab.dataplane.table.IngressPolicy;
import io.vpclab.dataplane.table.LocalPort;
import io.vpclab.dataplane.table.MacEntry;
import io.vpclab.dataplane.table.Whitelist;
import io.vpclab.dataplane.table.WhitelistProtocol;
import io.vpclab.dataplane.table.WhitelistRule;
import io.vpclab.dataplane.underlay.InMemoryUnderlay;
import io.vpclab.dataplane.underlay.Underlay;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.Vni;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An elastic IP under a WHITELIST ingress policy, with real packets between two VTEPs (the
 * topology of {@link ElasticIpTest}): new inbound flows pass only when a rule admits them, the
 * rest are dropped as WHITELIST_DENIED, replies pass both ways, and rules count the flows they
 * admitted.
 */
class WhitelistTest {

    static final String WHITELIST = "wl-1";
    static final WhitelistRule SSH =
            new WhitelistRule("ssh", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.0/28"), 22, 22);
    static final WhitelistRule DNS =
            new WhitelistRule("dns", WhitelistProtocol.UDP, Ipv4Prefix.parse("198.51.100.0/24"), 53, 53);
    static final WhitelistRule PING =
            WhitelistRule.anyPort("ping", WhitelistProtocol.ICMP, Ipv4Prefix.parse("198.51.100.10/32"));
    static final WhitelistRule WEB =
            new WhitelistRule("web", WhitelistProtocol.TCP, Ipv4Prefix.parse("0.0.0.0/0"), 80, 443);

    final InMemoryUnderlay.Hub hub = new InMemoryUnderlay.Hub();
    final List<InMemoryUnderlay> underlaysA = underlaysOfA(hub, new InetSocketAddress("10.255.0.1", Vxlan.PORT));
    final Underlay underlayA = underlaysA.get(0);
    final Underlay underlayB = hub.join(new InetSocketAddress("10.255.0.2", Vxlan.PORT));
    final Vtep a = new Vtep(underlaysA, System::nanoTime, Vtep.NAT_SESSION_CAPACITY);

    /** A's underlays: one event loop here ({@code WhitelistAcrossEventLoopsTest} gives it two). */
    List<InMemoryUnderlay> underlaysOfA(InMemoryUnderlay.Hub hub, InetSocketAddress address) {
        return List.of(hub.join(address));
    }

    final Vtep b = new Vtep(underlayB);
    final SimulatedHost vm = new SimulatedHost("vm", VM_MAC, VM_IP, 24, VPC_GATEWAY, 1450);
    final SimulatedHost internet = new SimulatedHost("internet", INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY, 1450);

    void start(WhitelistRule... rules) {
        a.apply(tableOfA(1, rules));
        b.apply(ElasticIpTest.table(underlayB, "A", underlayA, IngressPolicy.WHITELIST)
                .port(LocalPort.simulated(
                        "internet", Vni.of(PUBLIC_VNI), INTERNET_MAC, INTERNET_IP, 24, PUBLIC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), VM_MAC, "A"))
                .build());
        a.attachPort("vm", vm);
        b.attachPort("internet", internet);
        vm.openTcpPort(22).openTcpPort(80).udpEcho(53).udpEcho(123);
    }

    ForwardingState tableOfA(long generation, WhitelistRule... rules) {
        return ElasticIpTest.table(underlayA, "B", underlayB, IngressPolicy.WHITELIST)
                .generation(generation)
                .port(LocalPort.simulated("vm", Vni.of(VPC_VNI), VM_MAC, VM_IP, 24, VPC_GATEWAY))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), INTERNET_MAC, "B"))
                .mac(new MacEntry(Vni.of(PUBLIC_VNI), RAW_MAC, "B"))
                .whitelist(new Whitelist(WHITELIST, List.of(rules)))
                .elasticIp(new ElasticIp(EIP, Vni.of(VPC_VNI), VM_IP, IngressPolicy.WHITELIST, WHITELIST))
                .build();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aMatchingTcpPortOpensAndAnotherIsDroppedAndCounted() throws Exception {
        start(SSH, DNS);

        PortState ssh = internet.probeTcp(EIP, 22, TIMEOUT).get(10, TimeUnit.SECONDS);
        PortState web = internet.probeTcp(EIP, 80, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(ssh).isEqualTo(PortState.OPEN);
        assertThat(web)
                .as("port 80 is open on the instance but no rule admits it")
                .isEqualTo(PortState.FILTERED);
        assertThat(a.counters().segment(PUBLIC_VNI).dropped(DropReason.WHITELIST_DENIED))
                .isEqualTo(1);
        WhitelistSnapshot counted = a.whitelistCounters().get(WHITELIST);
        assertThat(counted.hits("ssh")).as("one SYN, its RST: one flow").isEqualTo(1);
        assertThat(counted.hits("dns")).isZero();
        assertThat(counted.drops()).isEqualTo(1);
    }

    @Test
    void udpMatchesItsPortRangeAndRepliesPass() throws Exception {
        start(SSH, DNS);

        ProbeReply dns = internet.udpRequest(EIP, 53, "query".getBytes(StandardCharsets.US_ASCII), TIMEOUT)
                .get(10, TimeUnit.SECONDS);
        ProbeReply ntp = internet.udpRequest(EIP, 123, "time".getBytes(StandardCharsets.US_ASCII), SHORT)
                .get(10, TimeUnit.SECONDS);

        assertThat(dns.from()).isEqualTo(EIP);
        assertThat(new String(dns.payload(), StandardCharsets.US_ASCII)).isEqualTo("query");
        assertThat(ntp.kind()).isEqualTo(ProbeReply.Kind.TIMEOUT);
        assertThat(a.whitelistCounters().get(WHITELIST).hits("dns")).isEqualTo(1);
        assertThat(a.counters().segment(PUBLIC_VNI).dropped(DropReason.WHITELIST_DENIED))
                .isEqualTo(1);
    }

    @Test
    void aPingIsOneFlowWhoseEveryRequestPasses() throws Exception {
        start(PING);

        PingResult ping = internet.ping(EIP, 3, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(ping.received()).isEqualTo(3);
        assertThat(a.whitelistCounters().get(WHITELIST).hits("ping")).isEqualTo(1);
    }

    @Test
    void aSourceOutsideTheRulesCidrIsDenied() throws Exception {
        start(new WhitelistRule("ssh-far", WhitelistProtocol.TCP, Ipv4Prefix.parse("198.51.100.128/25"), 22, 22));

        PortState ssh = internet.probeTcp(EIP, 22, SHORT).get(10, TimeUnit.SECONDS);
        PingResult ping = internet.ping(EIP, 1, SHORT).get(10, TimeUnit.SECONDS);

        assertThat(ssh).isEqualTo(PortState.FILTERED);
        assertThat(ping.received()).isZero();
        assertThat(a.whitelistCounters().get(WHITELIST).drops()).isEqualTo(2);
        assertThat(a.counters().port("vm").packetsOut()).isZero();
    }

    @Test
    void flowsTheInstanceStartsPassWithoutAnyRule() throws Exception {
        start();
        internet.openTcpPort(443);

        PortState https = vm.probeTcp(INTERNET_IP, 443, TIMEOUT).get(10, TimeUnit.SECONDS);
        PingResult ping = vm.ping(INTERNET_IP, 2, TIMEOUT).get(10, TimeUnit.SECONDS);

        assertThat(https).isEqualTo(PortState.OPEN);
        assertThat(ping.received()).isEqualTo(2);
        assertThat(a.whitelistCounters().get(WHITELIST).drops()).isZero();
        assertThat(a.counters().host().totalDrops()).isZero();
    }

    @Test
    void aRuleAddedInANewGenerationTakesEffectAndEarlierHitsStay() throws Exception {
        start(SSH);
        assertThat(internet.probeTcp(EIP, 22, TIMEOUT).get(10, TimeUnit.SECONDS))
                .isEqualTo(PortState.OPEN);
        assertThat(internet.probeTcp(EIP, 80, SHORT).get(10, TimeUnit.SECONDS)).isEqualTo(PortState.FILTERED);

        a.apply(tableOfA(2, SSH, WEB));

        assertThat(internet.probeTcp(EIP, 80, TIMEOUT).get(10, TimeUnit.SECONDS))
                .isEqualTo(PortState.OPEN);
        WhitelistSnapshot counted = a.whitelistCounters().get(WHITELIST);
        assertThat(counted.rules())
                .extracting(WhitelistSnapshot.RuleHits::ruleId)
                .containsExactly("ssh", "web");
        assertThat(counted.hits("ssh")).isEqualTo(1);
        assertThat(counted.hits("web")).isEqualTo(1);
        assertThat(counted.drops()).isEqualTo(1);
    }
}
