package io.vpclab.topology.apply;

import io.vpclab.client.ApiClient;
import io.vpclab.client.ApiException;
import io.vpclab.client.api.EipsApi;
import io.vpclab.client.api.InternetHostsApi;
import io.vpclab.client.api.NatGatewaysApi;
import io.vpclab.client.api.PeeringsApi;
import io.vpclab.client.api.WhitelistsApi;
import io.vpclab.client.model.EgressPolicy;
import io.vpclab.client.model.Eip;
import io.vpclab.client.model.EipAllocate;
import io.vpclab.client.model.EipAssociate;
import io.vpclab.client.model.EipUpdate;
import io.vpclab.client.model.IngressPolicy;
import io.vpclab.client.model.Instance;
import io.vpclab.client.model.InternetHost;
import io.vpclab.client.model.InternetHostCreate;
import io.vpclab.client.model.InternetHostKind;
import io.vpclab.client.model.NatGateway;
import io.vpclab.client.model.NatGatewayCreate;
import io.vpclab.client.model.NatGatewayState;
import io.vpclab.client.model.NatGatewaySubnetAssociate;
import io.vpclab.client.model.NatGatewayUpdate;
import io.vpclab.client.model.Peering;
import io.vpclab.client.model.PeeringCreate;
import io.vpclab.client.model.PeeringStatus;
import io.vpclab.client.model.TopologyChangeAction;
import io.vpclab.client.model.Whitelist;
import io.vpclab.client.model.WhitelistCreate;
import io.vpclab.client.model.WhitelistProtocol;
import io.vpclab.client.model.WhitelistRule;
import io.vpclab.client.model.WhitelistRuleCreate;
import io.vpclab.topology.Topology.EipDecl;
import io.vpclab.topology.Topology.InstanceDecl;
import io.vpclab.topology.Topology.InternetHostDecl;
import io.vpclab.topology.Topology.NatGatewayDecl;
import io.vpclab.topology.Topology.PeeringDecl;
import io.vpclab.topology.Topology.RuleDecl;
import io.vpclab.topology.Topology.WhitelistDecl;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whitelists, elastic IPs, NAT gateways and peerings. These may change in place, so an existing
 * one is brought to what the file says (rules added and removed, policies and timeouts set,
 * subnet associations added and removed) and the report lists each such update.
 */
final class EdgeReconciler {

    private final WhitelistsApi whitelists;
    private final EipsApi eips;
    private final NatGatewaysApi natGateways;
    private final PeeringsApi peerings;
    private final InternetHostsApi internetHosts;
    private final ChangeLog log;
    private final HostDirectory hosts;
    private final Applied applied;

    EdgeReconciler(ApiClient api, ChangeLog log, HostDirectory hosts, Applied applied) {
        this.whitelists = new WhitelistsApi(api);
        this.eips = new EipsApi(api);
        this.natGateways = new NatGatewaysApi(api);
        this.peerings = new PeeringsApi(api);
        this.internetHosts = new InternetHostsApi(api);
        this.log = log;
        this.hosts = hosts;
        this.applied = applied;
    }

    /** Found by name (configured or created earlier): it must have the file's address; else created on its host. */
    void internetHost(InternetHostDecl decl) throws ApiException, Refusal {
        List<InternetHost> all = Pages.all(
                t -> internetHosts.listInternetHosts(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        InternetHost host = all.stream()
                .filter(h -> decl.name().equals(h.getName()))
                .findFirst()
                .orElse(null);
        if (host == null) {
            host = internetHosts.createInternetHost(new InternetHostCreate()
                    .name(decl.name())
                    .ip(decl.ip())
                    .hostId(hosts.id(decl.host()))
                    .kind(decl.kind() == null ? null : InternetHostKind.fromValue(decl.kind())));
            String id = host.getInternetHostId();
            log.created("internetHost", decl.name(), id, () -> internetHosts.deleteInternetHost(id));
        } else if (!decl.ip().equals(host.getIp())) {
            throw Refusal.conflict("internet host " + decl.name() + " exists (" + host.getInternetHostId() + ") at "
                    + host.getIp() + ", the file says " + decl.ip());
        } else {
            log.unchanged();
        }
        applied.internetHosts.put(decl.name(), host.getIp());
    }

    void whitelist(String tenant, WhitelistDecl decl) throws ApiException {
        String tenantId = applied.tenantIds.get(tenant);
        String path = tenant + "/" + decl.name();
        List<Whitelist> all =
                Pages.all(t -> whitelists.listWhitelists(Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Whitelist whitelist = all.stream()
                .filter(w -> tenantId.equals(w.getTenantId()) && decl.name().equals(w.getName()))
                .findFirst()
                .orElse(null);
        if (whitelist == null) {
            whitelist = whitelists.createWhitelist(new WhitelistCreate()
                    .name(decl.name())
                    .tenantId(tenantId)
                    .rules(decl.rules().stream().map(EdgeReconciler::ruleCreate).toList()));
            String id = whitelist.getWhitelistId();
            log.created("whitelist", path, id, () -> whitelists.deleteWhitelist(id));
        } else {
            syncRules(whitelist, decl, path);
        }
        applied.whitelistIds.put(path, whitelist.getWhitelistId());
    }

    private void syncRules(Whitelist whitelist, WhitelistDecl decl, String path) throws ApiException {
        Set<RuleKey> wanted = new HashSet<>();
        decl.rules().forEach(r -> wanted.add(RuleKey.of(r.protocol(), r.cidrBlock(), r.fromPort(), r.toPort())));
        List<String> changes = new ArrayList<>();
        Set<RuleKey> present = new HashSet<>();
        for (WhitelistRule rule : whitelist.getRules()) {
            RuleKey key = RuleKey.of(
                    rule.getProtocol().getValue(), rule.getCidrBlock(), rule.getFromPort(), rule.getToPort());
            if (wanted.contains(key)) {
                present.add(key);
            } else {
                whitelists.removeWhitelistRule(whitelist.getWhitelistId(), rule.getRuleId());
                changes.add("removed " + key);
            }
        }
        for (RuleDecl rule : decl.rules()) {
            RuleKey key = RuleKey.of(rule.protocol(), rule.cidrBlock(), rule.fromPort(), rule.toPort());
            if (present.add(key)) {
                whitelists.addWhitelistRule(whitelist.getWhitelistId(), ruleCreate(rule));
                changes.add("added " + key);
            }
        }
        if (changes.isEmpty()) {
            log.unchanged();
        } else {
            log.changed(
                    TopologyChangeAction.UPDATED,
                    "whitelist",
                    path,
                    whitelist.getWhitelistId(),
                    String.join("; ", changes));
        }
    }

    /** A rule as the API normalises it: both ports absent = every port, one alone = that port. */
    private record RuleKey(String protocol, String cidr, Integer from, Integer to) {
        static RuleKey of(String protocol, String cidr, Integer from, Integer to) {
            boolean ports = protocol.equals("tcp") || protocol.equals("udp");
            if (!ports) {
                return new RuleKey(protocol, cidr, null, null);
            }
            if (from == null && to == null) {
                return new RuleKey(protocol, cidr, 0, 65535);
            }
            return new RuleKey(protocol, cidr, from == null ? to : from, to == null ? from : to);
        }

        @Override
        public String toString() {
            return protocol + " " + cidr + (from == null ? "" : " " + from + "-" + to);
        }
    }

    private static WhitelistRuleCreate ruleCreate(RuleDecl rule) {
        return new WhitelistRuleCreate()
                .protocol(WhitelistProtocol.fromValue(rule.protocol()))
                .cidrBlock(rule.cidrBlock())
                .fromPort(rule.fromPort())
                .toPort(rule.toPort());
    }

    void natGateway(String tenant, String vpcPath, NatGatewayDecl decl) throws ApiException, Refusal {
        String vpcId = applied.vpcIds.get(vpcPath);
        String path = vpcPath + "/" + decl.name();
        String subnetId = applied.subnetIds.get(vpcPath + "/" + decl.subnet());
        EgressPolicy policy =
                decl.egressPolicy() == null ? EgressPolicy.ALLOW_ALL : EgressPolicy.fromValue(decl.egressPolicy());
        String whitelistId =
                decl.whitelist() == null ? null : applied.whitelistIds.get(tenant + "/" + decl.whitelist());
        List<NatGateway> all = Pages.all(
                t -> natGateways.listNatGateways(vpcId, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        NatGateway gateway = all.stream()
                .filter(g -> decl.name().equals(g.getName()) && live(g.getState()))
                .findFirst()
                .orElse(null);
        if (gateway == null) {
            Eip eip = allocate(tenant, decl.eip(), "eip of NAT gateway " + path);
            gateway = natGateways.createNatGateway(new NatGatewayCreate()
                    .subnetId(subnetId)
                    .allocationId(eip.getAllocationId())
                    .name(decl.name())
                    .hostId(decl.host() == null ? null : hosts.id(decl.host()))
                    .egressPolicy(policy)
                    .whitelistId(whitelistId)
                    .idleTimeoutSeconds(decl.idleTimeoutSeconds())
                    .udpIdleTimeoutSeconds(decl.udpIdleTimeoutSeconds()));
            String id = gateway.getNatGatewayId();
            log.created("natGateway", path, id, () -> natGateways.deleteNatGateway(id));
        } else {
            if (!subnetId.equals(gateway.getSubnetId())) {
                throw Refusal.conflict("NAT gateway " + path + " exists (" + gateway.getNatGatewayId() + ") in subnet "
                        + gateway.getSubnetId() + ", the file puts it in " + decl.subnet());
            }
            gateway = updateNatGateway(gateway, decl, policy, whitelistId, path);
        }
        syncAssociations(gateway, decl, vpcPath, path);
        applied.natGatewayIds.put(decl.name(), gateway.getNatGatewayId());
        applied.publicIps.put(decl.name(), gateway.getPublicIp());
        applied.allocationIds.put(decl.name(), gateway.getAllocationId());
        if (decl.eip() != null) {
            syncEipPolicy(eips.getEip(gateway.getAllocationId()), tenant, decl.eip(), "eip of NAT gateway " + path);
        }
    }

    private static boolean live(NatGatewayState state) {
        return state != NatGatewayState.DELETED && state != NatGatewayState.DELETING && state != NatGatewayState.FAILED;
    }

    private NatGateway updateNatGateway(
            NatGateway gateway, NatGatewayDecl decl, EgressPolicy policy, String whitelistId, String path)
            throws ApiException {
        NatGatewayUpdate update = new NatGatewayUpdate();
        List<String> changes = new ArrayList<>();
        if (policy != gateway.getEgressPolicy() || !Objects.equals(whitelistId, gateway.getWhitelistId())) {
            update.egressPolicy(policy).whitelistId(whitelistId);
            changes.add("egress " + policy + (whitelistId == null ? "" : " " + decl.whitelist()));
        }
        if (decl.idleTimeoutSeconds() != null && !decl.idleTimeoutSeconds().equals(gateway.getIdleTimeoutSeconds())) {
            update.idleTimeoutSeconds(decl.idleTimeoutSeconds());
            changes.add("TCP idle timeout " + decl.idleTimeoutSeconds() + " s");
        }
        if (decl.udpIdleTimeoutSeconds() != null
                && !decl.udpIdleTimeoutSeconds().equals(gateway.getUdpIdleTimeoutSeconds())) {
            update.udpIdleTimeoutSeconds(decl.udpIdleTimeoutSeconds());
            changes.add("UDP idle timeout " + decl.udpIdleTimeoutSeconds() + " s");
        }
        if (changes.isEmpty()) {
            log.unchanged();
            return gateway;
        }
        NatGateway updated = natGateways.updateNatGateway(gateway.getNatGatewayId(), update);
        log.changed(
                TopologyChangeAction.UPDATED,
                "natGateway",
                path,
                gateway.getNatGatewayId(),
                String.join("; ", changes));
        return updated;
    }

    private void syncAssociations(NatGateway gateway, NatGatewayDecl decl, String vpcPath, String path)
            throws ApiException {
        Set<String> wanted = new HashSet<>();
        decl.subnets().forEach(s -> wanted.add(applied.subnetIds.get(vpcPath + "/" + s)));
        Set<String> present =
                new HashSet<>(gateway.getAssociatedSubnetIds() == null ? List.of() : gateway.getAssociatedSubnetIds());
        String id = gateway.getNatGatewayId();
        for (String subnetId : present) {
            if (!wanted.contains(subnetId)) {
                natGateways.disassociateNatGatewaySubnet(id, subnetId);
                log.changed(
                        TopologyChangeAction.UPDATED,
                        "natGateway",
                        path,
                        id,
                        "subnet " + subnetId + " no longer served");
            }
        }
        for (String subnet : decl.subnets()) {
            String subnetId = applied.subnetIds.get(vpcPath + "/" + subnet);
            if (!present.contains(subnetId)) {
                natGateways.associateNatGatewaySubnet(id, new NatGatewaySubnetAssociate().subnetId(subnetId));
                log.created(
                        "natGatewayAssociation",
                        path + " -> " + subnet,
                        subnetId,
                        () -> natGateways.disassociateNatGatewaySubnet(id, subnetId));
            }
        }
    }

    void instanceEip(String tenant, InstanceDecl decl) throws ApiException {
        Instance instance = applied.instances.get(decl.name());
        List<Eip> all =
                Pages.all(t -> eips.listEips(null, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Eip eip = all.stream()
                .filter(e -> instance.getInstanceId().equals(e.getInstanceId()))
                .findFirst()
                .orElse(null);
        String what = "eip of instance " + decl.name();
        if (eip == null) {
            Eip allocated = allocate(tenant, decl.eip(), what);
            eip = eips.associateEip(
                    allocated.getAllocationId(), new EipAssociate().instanceId(instance.getInstanceId()));
            String id = eip.getAllocationId();
            log.created("eipAssociation", what, eip.getAssociationId(), () -> eips.disassociateEip(id));
        } else {
            syncEipPolicy(eip, tenant, decl.eip(), what);
        }
        applied.publicIps.put(decl.name(), eip.getPublicIp());
        applied.allocationIds.put(decl.name(), eip.getAllocationId());
    }

    private Eip allocate(String tenant, EipDecl decl, String what) throws ApiException {
        EipAllocate allocate = new EipAllocate().tenantId(applied.tenantIds.get(tenant));
        if (decl != null && decl.ingressPolicy() != null) {
            allocate.ingressPolicy(IngressPolicy.fromValue(decl.ingressPolicy()));
        }
        if (decl != null && decl.whitelist() != null) {
            allocate.whitelistId(applied.whitelistIds.get(tenant + "/" + decl.whitelist()));
        }
        Eip eip = eips.allocateEip(allocate);
        String id = eip.getAllocationId();
        log.created("eip", what, id, () -> eips.releaseEip(id));
        return eip;
    }

    private void syncEipPolicy(Eip eip, String tenant, EipDecl decl, String what) throws ApiException {
        IngressPolicy policy =
                decl.ingressPolicy() == null ? IngressPolicy.DENY_ALL : IngressPolicy.fromValue(decl.ingressPolicy());
        String whitelistId =
                decl.whitelist() == null ? null : applied.whitelistIds.get(tenant + "/" + decl.whitelist());
        if (policy == eip.getIngressPolicy() && Objects.equals(whitelistId, eip.getWhitelistId())) {
            log.unchanged();
            return;
        }
        eips.updateEip(
                eip.getAllocationId(), new EipUpdate().ingressPolicy(policy).whitelistId(whitelistId));
        log.changed(
                TopologyChangeAction.UPDATED,
                "eip",
                what,
                eip.getAllocationId(),
                "ingress " + policy + (whitelistId == null ? "" : " " + decl.whitelist()));
    }

    void peering(PeeringDecl decl) throws ApiException {
        String requester = applied.vpcIds.get(decl.requester());
        String accepter = applied.vpcIds.get(decl.accepter());
        String name = decl.requester() + " <-> " + decl.accepter();
        List<Peering> all = Pages.all(
                t -> peerings.listPeerings(requester, Pages.PAGE_SIZE, t), p -> p.getItems(), p -> p.getNextToken());
        Peering peering = all.stream()
                .filter(p -> p.getStatus() == PeeringStatus.ACTIVE || p.getStatus() == PeeringStatus.PENDING_ACCEPTANCE)
                .filter(p -> Set.of(p.getRequesterVpcId(), p.getAccepterVpcId()).equals(Set.of(requester, accepter)))
                .findFirst()
                .orElse(null);
        if (peering == null) {
            peering = peerings.createPeering(
                    new PeeringCreate().requesterVpcId(requester).accepterVpcId(accepter));
            String id = peering.getVpcPeeringConnectionId();
            log.created("peering", name, id, () -> peerings.deletePeering(id));
        } else if (peering.getStatus() == PeeringStatus.ACTIVE) {
            log.unchanged();
        }
        if (peering.getStatus() == PeeringStatus.PENDING_ACCEPTANCE) {
            // Another tenant's VPC: the file speaks for both tenants, so the apply accepts (as the admin).
            peerings.acceptPeering(peering.getVpcPeeringConnectionId());
            log.changed(TopologyChangeAction.UPDATED, "peering", name, peering.getVpcPeeringConnectionId(), "accepted");
        }
    }
}
