package io.vpclab.controlplane.host;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Tokens;
import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.net.Ipv4Prefix;
import io.vpclab.net.VxlanSpec;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Hosts (VTEPs): registration with a host token, placement checks, and the southbound's status updates. */
@Service
public class HostService {

    public static final int DEFAULT_UDP_PORT = VxlanSpec.UDP_PORT;
    public static final int DEFAULT_UNDERLAY_MTU = 1500;

    private final HostRepository hosts;
    private final ApplicationEventPublisher events;
    private final VpcLabProperties properties;

    HostService(HostRepository hosts, ApplicationEventPublisher events, VpcLabProperties properties) {
        this.hosts = hosts;
        this.events = events;
        this.properties = properties;
    }

    public record Registration(
            String name, String underlayIp, Integer udpPort, Integer underlayMtu, Set<Host.Capability> capabilities) {}

    public record RegisteredHost(Host host, String secret) {}

    @Transactional
    public RegisteredHost register(Caller caller, Registration registration) {
        if (!caller.isAdmin() && caller.kind() != Caller.Kind.BOOTSTRAP) {
            throw ApiException.forbidden("hosts are registered with the admin token or the bootstrap token");
        }
        long underlay = Ipv4Parameters.address(registration.underlayIp(), "underlayIp");
        if (hosts.existsByName(registration.name())) {
            throw ApiException.conflict(
                    "InvalidHost.Duplicate", "a host named '" + registration.name() + "' is already registered");
        }
        if (hosts.count() >= properties.quota().hosts()) {
            throw ApiException.conflict(
                    "HostLimitExceeded", "at most " + properties.quota().hosts() + " hosts");
        }
        Set<Host.Capability> capabilities = registration.capabilities() == null
                        || registration.capabilities().isEmpty()
                ? EnumSet.of(Host.Capability.SIMULATED)
                : registration.capabilities();
        String secret = Tokens.newSecret("vpclab_host");
        Host host = hosts.saveAndFlush(new Host(
                Ids.newId(Ids.HOST),
                registration.name(),
                Ipv4Prefix.formatAddress(underlay),
                registration.udpPort() == null ? DEFAULT_UDP_PORT : registration.udpPort(),
                registration.underlayMtu() == null ? DEFAULT_UNDERLAY_MTU : registration.underlayMtu(),
                capabilities,
                Tokens.sha256(secret),
                Instant.now()));
        events.publishEvent(new HostChanged(host.id(), ChangeKind.CREATED));
        return new RegisteredHost(host, secret);
    }

    /** Every token may read hosts (a tenant needs host IDs to place instances); a host sees itself. */
    @Transactional(readOnly = true)
    public Host get(Caller caller, String hostId) {
        if (caller.isHost() && !caller.id().equals(hostId)) {
            throw notFound(hostId);
        }
        return hosts.findById(hostId).orElseThrow(() -> notFound(hostId));
    }

    /** A host's southbound (table, acks, counters) is for its own token or the admin's; anyone else sees 404. */
    @Transactional(readOnly = true)
    public Host requireSelfOrAdmin(Caller caller, String hostId) {
        if (!caller.isAdmin() && !(caller.isHost() && caller.id().equals(hostId))) {
            throw notFound(hostId);
        }
        return hosts.findById(hostId).orElseThrow(() -> notFound(hostId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<Host> list(Caller caller, PageRequest page) {
        if (caller.isHost()) {
            Host self = get(caller, caller.id());
            return new PageRequest.Page<>(
                    page.afterId().compareTo(self.id()) < 0 ? java.util.List.of(self) : java.util.List.of(), null);
        }
        return page.page(hosts.findByIdGreaterThanOrderByIdAsc(page.afterId(), Limit.of(page.fetchSize())), Host::id);
    }

    /**
     * Locks the host for placing something on it (an instance, a NAT gateway) and checks it can run
     * that kind; unknown host -> 404 InvalidHost.NotFound, missing capability -> 409.
     */
    @Transactional
    public Host lockForPlacement(String hostId, Host.Capability kind) {
        Host host = hosts.lockById(hostId).orElseThrow(() -> notFound(hostId));
        if (kind != null && !host.canRun(kind)) {
            throw ApiException.conflict(
                    "InvalidHost.Capability",
                    "host " + host.name() + " (" + hostId + ") cannot run "
                            + kind.name().toLowerCase() + " instances; it runs "
                            + host.capabilities().toString().toLowerCase());
        }
        return host;
    }

    @Transactional
    public void deregister(Caller caller, String hostId) {
        caller.requireAdmin();
        hosts.lockById(hostId).orElseThrow(() -> notFound(hostId));
        events.publishEvent(new HostDeleting(hostId));
        hosts.deleteById(hostId);
        hosts.flush();
        events.publishEvent(new HostChanged(hostId, ChangeKind.DELETED));
    }

    /*
     * The southbound's bookkeeping below changes no table, so it announces nothing: a HostChanged
     * would make the compiler re-read the host for every ack.
     */

    /** A table of {@code generation} was compiled for the host (a lower one than recorded is ignored). */
    @Transactional
    public void recordDesiredGeneration(String hostId, long generation) {
        lock(hostId).raiseDesiredGeneration(generation);
    }

    /**
     * The host's agent applied {@code generation} at {@code when}; {@code convergenceMillis} is the
     * time from the API commit when this ack completed a change, else the last one recorded stays.
     */
    @Transactional
    public void recordAcknowledged(String hostId, long generation, OptionalLong convergenceMillis, Instant when) {
        Host host = lock(hostId);
        host.acknowledge(
                generation,
                convergenceMillis.isPresent() ? Long.valueOf(convergenceMillis.getAsLong()) : host.convergenceMillis(),
                when);
    }

    /** The host's agent opened (or lost its last) table stream at {@code when}. */
    @Transactional
    public void recordSeen(String hostId, Host.Status status, Instant when) {
        lock(hostId).markSeen(status, when);
    }

    /** The host's agent opened a table stream on replica {@code replicaId} at {@code when}. */
    @Transactional
    public void recordConnected(String hostId, String replicaId, Instant when) {
        lock(hostId).connectedTo(replicaId, when);
    }

    /** Replica {@code replicaId} lost the host's last table stream at {@code when}. */
    @Transactional
    public void recordDisconnected(String hostId, String replicaId, Instant when) {
        lock(hostId).disconnectedFrom(replicaId, when);
    }

    private Host lock(String hostId) {
        return hosts.lockById(hostId).orElseThrow(() -> notFound(hostId));
    }

    /**
     * For the southbound, before this server answers anything: no agent follows a stream of a
     * server that has just started, whatever the store says the previous run saw.
     *
     * @return how many hosts were shown connected
     */
    @Transactional
    public int markAllDisconnected() {
        return hosts.markAllDisconnected();
    }

    @Transactional(readOnly = true)
    Optional<String> hostOfToken(String tokenSha256) {
        return hosts.findByTokenHash(tokenSha256).map(Host::id);
    }

    static ApiException notFound(String hostId) {
        return ApiException.notFound("InvalidHost.NotFound", "host " + hostId + " is not registered");
    }
}
