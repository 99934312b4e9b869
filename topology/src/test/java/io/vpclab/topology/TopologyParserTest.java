package io.vpclab.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vpclab.client.document.DocumentProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyParserTest {

    static final Path SAMPLES = Path.of("..", "topology-samples");

    static Stream<Path> sampleFiles() throws Exception {
        try (Stream<Path> dirs = Files.list(SAMPLES)) {
            List<Path> files = dirs.map(d -> d.resolve("topology.yaml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(4);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleFiles")
    void everySampleIsValidAndHasExpectations(Path file) throws Exception {
        Topology topology = TopologyParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());

        assertThat(topology.name()).isEqualTo(file.getParent().getFileName().toString());
        assertThat(topology.expect().size()
                        + topology.steps().stream()
                                .mapToInt(s -> s.expect().size())
                                .sum())
                .isPositive();
        assertThat(Files.isRegularFile(file.resolveSibling("README.md")))
                .as(file.resolveSibling("README.md") + " exists")
                .isTrue();
    }

    @Test
    void readsNestedResourcesAndSteps() throws Exception {
        Topology topology = TopologyParser.parse("""
                name: t
                tenants:
                  - name: a
                    whitelists: [{ name: out, rules: [{ protocol: tcp, cidrBlock: 198.51.100.0/24, fromPort: 443 }] }]
                    vpcs:
                      - name: v
                        cidrBlock: 10.9.0.0/16
                        subnets:
                          - { name: pub, cidrBlock: 10.9.0.0/24 }
                          - name: priv
                            cidrBlock: 10.9.1.0/24
                            instances: [{ name: i1, host: h1, privateIpAddress: 10.9.1.10, eip: { ingressPolicy: ALLOW_ALL } }]
                        natGateways: [{ name: nat, subnet: pub, subnets: [priv], egressPolicy: WHITELIST, whitelist: out }]
                expect: [{ from: i1, to: eip:nat, probe: ping, outcome: reachable }]
                steps: [{ name: s, move: [{ instance: i1, host: h2 }] }]
                """, "t.yaml");

        Topology.VpcDecl vpc = topology.tenants().get(0).vpcs().get(0);
        assertThat(vpc.subnets()).extracting(Topology.SubnetDecl::name).containsExactly("pub", "priv");
        assertThat(vpc.natGateways().get(0).subnets()).containsExactly("priv");
        assertThat(vpc.subnets().get(1).instances().get(0).eip().ingressPolicy())
                .isEqualTo("ALLOW_ALL");
        assertThat(topology.tenants().get(0).whitelists().get(0).rules().get(0).fromPort())
                .isEqualTo(443);
        assertThat(topology.steps().get(0).move().get(0).host()).isEqualTo("h2");
    }

    @Test
    void yamlSyntaxErrorsNameTheirLine() {
        assertThat(problems("name: t\ntenants:\n  - name: [unclosed\n"))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isGreaterThanOrEqualTo(3);
                    assertThat(p.message()).startsWith("not valid YAML");
                });
    }

    @Test
    void schemaProblemsPointAtTheKey() {
        List<DocumentProblem> problems = problems("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlok: 10.0.0.0/16
                """);

        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.column()).isEqualTo(9);
            assertThat(p.message()).contains("cidrBlok");
        });
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("cidrBlock"));
    }

    @Test
    void wrongTypesAndEnumsAreRefusedWithTheirPlace() {
        List<DocumentProblem> problems = problems("""
                name: t
                expect:
                  - { from: a, to: b, probe: traceroute, outcome: reachable }
                """);

        assertThat(problems).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.pointer()).isEqualTo("/expect/0/probe");
        });
    }

    @Test
    void subnetOutsideItsVpcIsRefusedAtItsCidr() {
        List<DocumentProblem> problems = problems("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.1.0.0/16
                        subnets:
                          - name: s
                            cidrBlock: 10.2.1.0/24
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.message()).isEqualTo("10.2.1.0/24 is outside the VPC's 10.1.0.0/16");
        });
    }

    @Test
    void cidrRulesOfTheApiAreCheckedBeforeAnyCall() {
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.1.2.0/16
                      - name: w
                        cidrBlock: 10.0.0.0/8
                      - name: x
                        cidrBlock: 10.300.0.0/16
                      - name: y
                        cidrBlock: 010.2.0.0/16
                """))
                .containsExactly(
                        "10.1.2.0/16 has host bits set; write 10.1.0.0/16",
                        "a VPC CIDR must be /16 to /28, not /8",
                        "'10.300.0.0/16' is not an IPv4 CIDR",
                        // one spelling per block, as the API: a leading zero is octal to some parsers
                        "'010.2.0.0/16' is not an IPv4 CIDR");
    }

    @Test
    void overlappingSubnetsReservedAndDuplicateAddressesAreRefused() {
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.1.0.0/16
                        subnets:
                          - name: s1
                            cidrBlock: 10.1.0.0/24
                            instances:
                              - { name: i1, privateIpAddress: 10.1.0.1 }
                              - { name: i2, privateIpAddress: 10.1.0.10 }
                              - { name: i3, privateIpAddress: 10.1.0.10 }
                          - name: s2
                            cidrBlock: 10.1.0.128/25
                """))
                .containsExactly(
                        "10.1.0.1 is reserved in 10.1.0.0/24 (network, gateway, two more and broadcast)",
                        "10.1.0.10 is given to two instances of this VPC",
                        "10.1.0.128/25 overlaps subnet s1 (10.1.0.0/24)");
    }

    @Test
    void referencesMustResolve() {
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.1.0.0/16
                        subnets: [{ name: s, cidrBlock: 10.1.1.0/24, instances: [{ name: i1 }] }]
                        natGateways: [{ name: n, subnet: nope, egressPolicy: WHITELIST }]
                peerings:
                  - { requester: a/v, accepter: b/w }
                expect:
                  - { from: ghost, to: i1, probe: ping, outcome: reachable }
                  - { from: i1, to: eip:i1, probe: tcp, outcome: open }
                  - { from: i1, to: i1, probe: ping, port: 80, outcome: open }
                steps:
                  - { name: s, move: [{ instance: phantom, host: h }] }
                """))
                .containsExactly(
                        "no subnet named 'nope' in VPC v",
                        "egressPolicy WHITELIST needs a whitelist",
                        "no VPC 'b/w' (tenant/vpc) in this file",
                        "no instance, internet host or on-premises site host named 'ghost' in this file",
                        "'i1' is neither an instance with an eip nor a NAT gateway of this file",
                        "a tcp probe needs a port",
                        "a ping has no port",
                        "a ping is reachable or unreachable, not open",
                        "no instance named 'phantom' in this file");
    }

    @Test
    void vpnPartsAreReadAndCheckedAsTheApiWould() throws Exception {
        Topology topology = TopologyParser.parse(
                Files.readString(SAMPLES.resolve("hybrid-vpn").resolve("topology.yaml")), "hybrid-vpn");
        assertThat(topology.onPremisesSites()).singleElement().satisfies(site -> {
            assertThat(site.lanCidrBlock()).isEqualTo("192.168.40.0/24");
            assertThat(site.hosts()).extracting(Topology.SiteHostDecl::name).containsExactly("office-pc", "office-nas");
        });
        Topology.VpcDecl cloud = topology.tenants().get(0).vpcs().get(0);
        assertThat(cloud.vpnGateway().host()).isEqualTo("demo-host-2");
        assertThat(cloud.vpnConnections()).singleElement().satisfies(c -> {
            assertThat(c.customerGateway()).isEqualTo("office-router");
            assertThat(c.presharedKey()).isTrue();
        });

        assertThat(messages("""
                name: t
                onPremisesSites:
                  - name: office
                    lanCidrBlock: 192.168.40.0/24
                    hosts: [{ name: pc, ip: 192.168.41.10 }, { name: i1, ip: 192.168.40.1 }]
                tenants:
                  - name: a
                    customerGateways:
                      - { name: home, site: nowhere }
                      - { name: office, site: office }
                    vpcs:
                      - name: v
                        cidrBlock: 10.1.0.0/16
                        subnets: [{ name: s, cidrBlock: 10.1.1.0/24, instances: [{ name: i1 }] }]
                        vpnConnections:
                          - { customerGateway: office, onPremisesCidrBlocks: [10.1.200.0/24] }
                          - { customerGateway: branch, onPremisesCidrBlocks: [192.168.40.0/25] }
                expect:
                  - { from: pc, to: i1, probe: ping, outcome: reachable }
                """))
                .containsExactlyInAnyOrder(
                        "192.168.41.10 is not a host address of 192.168.40.0/24 (its first address is the site's router)",
                        "'i1' is used twice in this file (expectations name it)",
                        "192.168.40.1 is not a host address of 192.168.40.0/24 (its first address is the site's router)",
                        "no on-premises site named 'nowhere' in this file",
                        "VPN connections need the VPC's vpnGateway",
                        "10.1.200.0/24 overlaps the VPC's 10.1.0.0/16",
                        "no customer gateway named 'branch' in this tenant");
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    customerGateways: [{ name: real, ipAddress: 203.0.113.7 }]
                """))
                .as("a real machine's customer gateway needs its public key")
                .isNotEmpty();
    }

    @Test
    void routeTablesAreReadAndTheirRoutesChecked() throws Exception {
        Topology topology = TopologyParser.parse("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.2.0.0/16
                        subnets:
                          - { name: s, cidrBlock: 10.2.1.0/24, instances: [{ name: fw }] }
                          - { name: p, cidrBlock: 10.2.2.0/24 }
                        routeTables:
                          - name: rt
                            routes: [{ destination: 0.0.0.0/0, instance: fw }, { destination: 192.0.2.0/24, blackhole: true }]
                            subnets: [p]
                """, "t.yaml");
        Topology.RouteTableDecl table =
                topology.tenants().get(0).vpcs().get(0).routeTables().get(0);
        assertThat(table.subnets()).containsExactly("p");
        assertThat(table.routes())
                .containsExactly(
                        new Topology.TableRouteDecl("0.0.0.0/0", null, "fw", null),
                        new Topology.TableRouteDecl("192.0.2.0/24", null, null, true));

        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.2.0.0/16
                        subnets: [{ name: s, cidrBlock: 10.2.1.0/24 }, { name: p, cidrBlock: 10.2.2.0/24 }]
                        natGateways: [{ name: n, subnet: s, subnets: [p] }]
                        routeTables:
                          - name: rt
                            routes:
                              - { destination: 0.0.0.0/0, instance: ghost }
                              - { destination: 0.0.0.0/0, blackhole: true }
                              - { destination: 10.2.0.0/16, blackhole: true }
                              - { destination: 192.0.2.0/24 }
                              - { destination: 198.51.100.0/24, natGateway: n }
                            subnets: [p, nope]
                """))
                .containsExactly(
                        "no instance named 'ghost' in VPC v",
                        "route table rt routes 0.0.0.0/0 twice",
                        "the local route to 10.2.0.0/16 is implicit and fixed",
                        "a route needs exactly one of natGateway, instance or blackhole: true",
                        "a route to a NAT gateway must be 0.0.0.0/0",
                        "subnet p is served by a NAT gateway of this file, which gives it the gateway's table:"
                                + " route it to the gateway in this table instead",
                        "no subnet named 'nope' in VPC v");
    }

    @Test
    void securityGroupsAclsAndDecidedByAreRead() throws Exception {
        Topology topology = TopologyParser.parse("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.2.0.0/16
                        securityGroups:
                          - name: web
                            inbound: [{ name: http, protocol: tcp, fromPort: 80, toPort: 80, cidrBlock: 0.0.0.0/0 }]
                          - name: db
                            inbound: [{ name: pg, protocol: tcp, fromPort: 5432, toPort: 5432, group: web }]
                            outbound: []
                        subnets:
                          - { name: s, cidrBlock: 10.2.1.0/24, instances: [{ name: w, securityGroups: [web] }, { name: d, securityGroups: [db, default] }] }
                        networkAcls:
                          - name: acl
                            subnets: [s]
                            inbound: [{ rule: 100, action: deny, protocol: all, cidrBlock: 10.3.0.0/16 }]
                expect:
                  - { from: w, to: d, probe: tcp, port: 5432, outcome: closed, decidedBy: { securityGroup: db, rule: pg } }
                  - { from: w, to: d, probe: tcp, port: 22, outcome: filtered, decidedBy: { securityGroup: db } }
                  - { from: w, to: d, probe: ping, outcome: unreachable, decidedBy: { networkAcl: acl, rule: 100 } }
                """, "t.yaml");

        Topology.VpcDecl vpc = topology.tenants().get(0).vpcs().get(0);
        assertThat(vpc.securityGroups().get(0).outbound())
                .as("absent outbound: the new group's own all-traffic rule")
                .containsExactly(Topology.SecurityGroupDecl.ALL_OUT);
        assertThat(vpc.securityGroups().get(1).outbound())
                .as("written out, exactly the list")
                .isEmpty();
        assertThat(vpc.securityGroups().get(1).inbound().get(0).group()).isEqualTo("web");
        assertThat(vpc.subnets().get(0).instances().get(1).securityGroups()).containsExactly("db", "default");
        assertThat(vpc.networkAcls().get(0).inbound().get(0).rule()).isEqualTo(100);
        assertThat(topology.expect().get(0).decidedBy().rule()).isEqualTo("pg");
        assertThat(topology.expect().get(2).decidedBy().rule())
                .as("a number reads as its text")
                .isEqualTo("100");
        assertThat(topology.expect().get(0).describe()).endsWith("decided by security group db rule pg");
    }

    @Test
    void securityGroupAndAclProblemsAreAllReportedInOnePass() {
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - name: v
                        cidrBlock: 10.2.0.0/16
                        securityGroups:
                          - name: web
                            inbound:
                              - { name: r, protocol: tcp, fromPort: 80, toPort: 80, cidrBlock: 0.0.0.0/0 }
                              - { name: r, protocol: tcp, fromPort: 90, toPort: 80, cidrBlock: 0.0.0.0/0 }
                              - { protocol: tcp, cidrBlock: 10.0.0.1/8 }
                              - { protocol: icmp, fromPort: 1, toPort: 1, group: ghost }
                              - { protocol: all, cidrBlock: 10.0.0.0/8, group: web }
                              - { protocol: all, group: b/w/x }
                          - { name: web }
                          - { name: default }
                        subnets:
                          - { name: s, cidrBlock: 10.2.1.0/24, instances: [{ name: i, securityGroups: [nope] }] }
                        networkAcls:
                          - name: acl
                            subnets: [s, gone]
                            inbound:
                              - { rule: 100, action: deny, protocol: all, cidrBlock: 10.3.0.0/16 }
                              - { rule: 100, action: allow, protocol: udp, cidrBlock: 10.3.0.0/16 }
                          - { name: acl2, subnets: [s] }
                  - name: b
                    vpcs: [{ name: w, cidrBlock: 10.5.0.0/16 }]
                expect:
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { securityGroup: web } }
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { securityGroup: web, rule: nah } }
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { networkAcl: acl, rule: 100 } }
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { networkAcl: acl, rule: 7 } }
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { routeTable: rt, route: 0.0.0.0/0 } }
                  - { from: i, to: i, probe: ping, outcome: reachable, decidedBy: { securityGroup: web, networkAcl: acl } }
                """))
                .containsExactly(
                        "two rules of this group are named 'r'",
                        "fromPort 90 is above toPort 80",
                        "a tcp rule needs fromPort and toPort",
                        "10.0.0.1/8 has host bits set; write 10.0.0.0/8",
                        "ports are only for tcp and udp rules, not icmp",
                        "no security group named 'ghost' in this VPC",
                        "a rule needs exactly one of cidrBlock and group",
                        "VPC b/w is not peered with a/v in this file: its groups cannot be named",
                        "security group 'web' is declared twice (InvalidGroup.Duplicate)",
                        "'default' is the VPC's own group; it is not declared",
                        "no security group named 'nope' in VPC v",
                        "no subnet named 'gone' in VPC v",
                        "a udp rule needs fromPort and toPort",
                        "rule 100 is used twice in this direction (NetworkAclEntryAlreadyExists)",
                        "subnet s already has another network ACL (a subnet has one)",
                        "a security group without rule decides a refusal: the outcome is unreachable or filtered",
                        "security group web has no rule named 'nah'",
                        "entry 100 denies: the outcome is unreachable or filtered",
                        "network ACL acl has no entry 7",
                        "no route table 'rt' in the VPC of from",
                        "decidedBy names exactly one of securityGroup, networkAcl or routeTable");
    }

    @Test
    void overlappingPeersAndDuplicateNamesAreRefused() {
        assertThat(messages("""
                name: t
                tenants:
                  - name: a
                    vpcs:
                      - { name: v, cidrBlock: 10.1.0.0/16, subnets: [{ name: s, cidrBlock: 10.1.1.0/24, instances: [{ name: i }] }] }
                      - { name: w, cidrBlock: 10.1.0.0/16, subnets: [{ name: s, cidrBlock: 10.1.1.0/24, instances: [{ name: i }] }] }
                  - name: a
                peerings:
                  - { requester: a/v, accepter: a/w }
                """))
                .contains(
                        "instance name 'i' is used twice in this file (expectations name instances)",
                        "tenant 'a' is declared twice",
                        "the VPCs overlap (10.1.0.0/16, 10.1.0.0/16): InvalidVpcPeeringConnection.Overlap");
    }

    @Test
    void emptyDuplicateKeysAndOversizeFilesAreRefused() {
        assertThat(messages("")).containsExactly("the file is empty: a topology needs at least a name");
        assertThat(messages("name: a\nname: b\n"))
                .singleElement()
                .satisfies(m -> assertThat(m).contains("Duplicate"));
        assertThat(messages("name: " + "x".repeat(TopologyParser.MAX_CHARS)))
                .singleElement()
                .satisfies(m -> assertThat(m).contains("larger than"));
        assertThat(messages("- just\n- a list\n")).isNotEmpty();
    }

    private static List<String> messages(String text) {
        return problems(text).stream().map(DocumentProblem::message).toList();
    }

    private static List<DocumentProblem> problems(String text) {
        try {
            TopologyParser.parse(text, "test.yaml");
        } catch (InvalidTopologyException e) {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.getMessage()).startsWith("test.yaml: line ");
            return e.problems();
        }
        return fail("accepted: " + text);
    }
}
