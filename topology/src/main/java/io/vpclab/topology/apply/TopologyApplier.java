package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.api.InstancesApi;
import io.vpclab.client.model.ExpectationResult;
import io.vpclab.client.model.Host;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.HostStatus;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.InstanceUpdate;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.TopologyReport;
import io.vpclab.topology.Topology;
import io.vpclab.topology.Topology.HostDecl;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.Move;
import io.vpclab.topology.Topology.NatGatewayDecl;
import io.vpclab.topology.Topology.PeeringDecl;
import io.vpclab.topology.Topology.Step;
import io.vpclab.topology.Topology.SubnetDecl;
import io.vpclab.topology.Topology.TenantDecl;
import io.vpclab.topology.Topology.VpcDecl;
import io.vpclab.topology.Topology.WhitelistDecl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Applies a parsed topology through the REST API, in dependency order (hosts, internet hosts, tenants,
 * customer gateways, whitelists, VPCs, subnets, instances, NAT gateways, elastic IPs, VPN gateways
 * and connections, peerings), waits until every host has applied its new table, brings up the
 * simulated on-premises sites (see {@link OnPremisesSites}), runs the expectations, then each step (moves, then its
 * expectations). Resources are found by name within their parent, so applying the same file
 * again changes nothing. A refusal deletes what this apply created and throws
 * {@link ApplyFailedException}.
 */
public final class TopologyApplier {

    /** Options: the kind every instance gets instead of the file's (netns runs of the samples), and the convergence wait. */
    public record Options(InstanceKind instanceKind, Duration convergenceWait) {
        public static Options defaults() {
            return new Options(null, Duration.ofSeconds(60));
        }
    }

    private final ApiClient api;
    private final Options options;

    public TopologyApplier(ApiClient api, Options options) {
        this.api = api;
        this.options = options;
    }

    public TopologyReport apply(Topology topology) throws ApplyFailedException, InterruptedException {
        ChangeLog log = new ChangeLog();
        Applied applied = new Applied();
        topology.internetHosts().forEach(h -> applied.internetHosts.put(h.name(), h.ip()));
        HostDirectory hosts;
        try {
            hosts = HostDirectory.read(new HostsApi(api));
            registerHosts(topology, hosts, log);
            requireHosts(topology, hosts, options.instanceKind() != null);
            VpnReconciler vpn = new VpnReconciler(api, log, hosts, applied, topology);
            reconcile(topology, hosts, log, applied, vpn);
            awaitConvergence();
            vpn.bringUpSites(topology);
        } catch (Refusal refusal) {
            throw failed(refusal, log);
        } catch (ApiException e) {
            throw failed(Refusal.of(e, "applying " + topology.name()), log);
        }
        List<ExpectationResult> results = new ArrayList<>();
        ExpectationRunner runner = new ExpectationRunner(api, applied);
        ExpectationWaves waves = new ExpectationWaves(runner::run);
        try {
            results.addAll(waves.run(null, topology.expect()));
            for (Step step : topology.steps()) {
                if (move(step, hosts, applied, log)) {
                    awaitConvergence();
                    runner.forgetRoutes();
                }
                results.addAll(waves.run(step.name(), step.expect()));
            }
        } catch (ApiException e) {
            // Everything is applied; a probe the server could not run is a finding, not a reason to undo the network.
            Refusal refusal = Refusal.of(e, "probing");
            throw new ApplyFailedException(refusal.status(), refusal.code(), refusal.detail(), List.of());
        } catch (Refusal refusal) {
            throw new ApplyFailedException(refusal.status(), refusal.code(), refusal.detail(), List.of());
        }
        return new TopologyReport()
                .topology(topology.name())
                .changes(log.changes())
                .unchanged(log.unchangedCount())
                .expectations(results)
                .allMet(results.stream().allMatch(ExpectationResult::getMet));
    }

    private void registerHosts(Topology topology, HostDirectory hosts, ChangeLog log) throws ApiException {
        HostsApi hostsApi = new HostsApi(api);
        for (HostDecl decl : topology.hosts()) {
            if (hosts.has(decl.name())) {
                log.unchanged();
                continue;
            }
            Host host = hostsApi.registerHost(new HostRegistration()
                            .name(decl.name())
                            .underlayIp(decl.underlayIp())
                            .udpPort(decl.udpPort())
                            .capabilities(
                                    decl.capabilities().isEmpty()
                                            ? null
                                            : decl.capabilities().stream()
                                                    .map(InstanceKind::fromValue)
                                                    .toList()))
                    .getHost();
            String id = host.getHostId();
            log.created("host", decl.name(), id, () -> hostsApi.deregisterHost(id));
            hosts.add(host);
        }
    }

    /**
     * Every host the file names must exist before the first change, so a typo creates nothing.
     * With --instance-kind, instance pins give way to placement (see NetworkReconciler), so they
     * need not exist.
     */
    private static void requireHosts(Topology topology, HostDirectory hosts, boolean instancePinsGiveWay)
            throws Refusal {
        List<String> named = new ArrayList<>();
        for (TenantDecl tenant : topology.tenants()) {
            for (VpcDecl vpc : tenant.vpcs()) {
                if (!instancePinsGiveWay) {
                    vpc.subnets().stream()
                            .flatMap(s -> s.instances().stream())
                            .map(InstanceDecl::host)
                            .forEach(named::add);
                }
                vpc.natGateways().stream().map(NatGatewayDecl::host).forEach(named::add);
                if (vpc.vpnGateway() != null) {
                    named.add(vpc.vpnGateway().host());
                }
            }
        }
        topology.internetHosts().forEach(h -> named.add(h.host()));
        topology.steps().stream()
                .flatMap(s -> s.move().stream())
                .map(Move::host)
                .forEach(named::add);
        for (String name : named) {
            if (name != null) {
                hosts.id(name);
            }
        }
    }

    private void reconcile(Topology topology, HostDirectory hosts, ChangeLog log, Applied applied, VpnReconciler vpn)
            throws ApiException, Refusal {
        NetworkReconciler network = new NetworkReconciler(api, log, hosts, applied, options.instanceKind());
        EdgeReconciler edge = new EdgeReconciler(api, log, hosts, applied);
        RouteTableReconciler routeTables = new RouteTableReconciler(api, log, applied);
        IsolationReconciler isolation = new IsolationReconciler(api, log, applied);
        for (Topology.InternetHostDecl internetHost : topology.internetHosts()) {
            edge.internetHost(internetHost);
        }
        for (TenantDecl tenant : topology.tenants()) {
            network.tenant(tenant);
            vpn.customerGateways(tenant);
            for (WhitelistDecl whitelist : tenant.whitelists()) {
                edge.whitelist(tenant.name(), whitelist);
            }
            for (VpcDecl vpc : tenant.vpcs()) {
                network.vpc(tenant, vpc);
                String vpcPath = tenant.name() + "/" + vpc.name();
                isolation.groups(vpcPath, vpc.securityGroups());
                for (SubnetDecl subnet : vpc.subnets()) {
                    network.subnet(vpcPath, subnet);
                    for (InstanceDecl instance : subnet.instances()) {
                        boolean existed = network.instance(
                                vpcPath + "/" + subnet.name(), instance, isolation.launchGroups(vpcPath, instance));
                        if (existed) {
                            isolation.instanceGroups(vpcPath, instance);
                        }
                        applied.instanceVpcs.put(instance.name(), vpcPath);
                    }
                }
                for (NatGatewayDecl nat : vpc.natGateways()) {
                    edge.natGateway(tenant.name(), vpcPath, nat);
                }
                for (InstanceDecl instance :
                        instancesOf(vpc).filter(i -> i.eip() != null).toList()) {
                    edge.instanceEip(tenant.name(), instance);
                }
                for (Topology.RouteTableDecl table : vpc.routeTables()) {
                    routeTables.routeTable(vpcPath, table);
                }
                for (Topology.NetworkAclDecl acl : vpc.networkAcls()) {
                    isolation.networkAcl(vpcPath, acl);
                }
                vpn.vpc(tenant.name(), vpcPath, vpc);
            }
        }
        for (PeeringDecl peering : topology.peerings()) {
            edge.peering(peering);
        }
        // after the peerings: a rule may name a peered VPC's group
        for (TenantDecl tenant : topology.tenants()) {
            for (VpcDecl vpc : tenant.vpcs()) {
                for (Topology.SecurityGroupDecl group : vpc.securityGroups()) {
                    isolation.rules(tenant.name() + "/" + vpc.name(), group);
                }
            }
        }
    }

    private static Stream<InstanceDecl> instancesOf(VpcDecl vpc) {
        return vpc.subnets().stream().flatMap(s -> s.instances().stream());
    }

    private boolean move(Step step, HostDirectory hosts, Applied applied, ChangeLog log) throws ApiException, Refusal {
        boolean moved = false;
        for (Move move : step.move()) {
            Instance instance = applied.instances.get(move.instance());
            String hostId = hosts.id(move.host());
            if (hostId.equals(instance.getHostId())) {
                continue;
            }
            Instance after =
                    new InstancesApi(api).updateInstance(instance.getInstanceId(), new InstanceUpdate().hostId(hostId));
            log.changed(
                    TopologyChangeAction.MOVED,
                    "instance",
                    move.instance(),
                    instance.getInstanceId(),
                    hosts.name(instance.getHostId()) + " -> " + move.host() + ", keeps " + after.getPrivateIpAddress());
            applied.instances.put(move.instance(), after);
            moved = true;
        }
        return moved;
    }

    /** Waits until every connected host has applied the latest table compiled for it. */
    private void awaitConvergence() throws ApiException, InterruptedException, Refusal {
        long deadline = System.nanoTime() + options.convergenceWait().toNanos();
        HostsApi hostsApi = new HostsApi(api);
        while (true) {
            List<Host> lagging =
                    Pages.all(t -> hostsApi.listHosts(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken())
                            .stream()
                            .filter(h -> h.getStatus() == HostStatus.CONNECTED)
                            .filter(h -> h.getAppliedGeneration() < h.getDesiredGeneration())
                            .toList();
            if (lagging.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new Refusal(
                        504,
                        "ConvergenceTimeout",
                        "hosts " + lagging.stream().map(Host::getName).toList() + " did not apply their tables within "
                                + options.convergenceWait());
            }
            Thread.sleep(20);
        }
    }

    private static ApplyFailedException failed(Refusal refusal, ChangeLog log) {
        return new ApplyFailedException(refusal.status(), refusal.code(), refusal.detail(), log.rollback());
    }
}
