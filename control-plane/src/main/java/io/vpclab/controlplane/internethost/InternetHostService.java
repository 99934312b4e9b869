package io.vpclab.controlplane.internethost;

import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostDeleting;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.net.Ipv4Prefix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates, lists and deletes internet hosts (admin only), checked against the configured public
 * network: an address of vpclab.public.cidr that is not its gateway, not in the EIP pool and not
 * another internet host's; a unique name; a registered VTEP host that can run the kind.
 */
@Service
public class InternetHostService {

    static final String ID_PREFIX = "ih";
    /** Configured hosts get a stable ID of the server's ID shape (so page tokens accept it): a hash of the name. */
    static final String CONFIGURED_PREFIX = "ihconf";

    private static final String NAME_PATTERN = "[a-z0-9-]{1,40}";

    /** One internet host, from the API or from configuration (createdAt null, read-only). */
    public record InternetHostView(
            String id,
            String name,
            String ip,
            String hostId,
            String hostName,
            String kind,
            boolean configured,
            Instant createdAt) {}

    private final InternetHostRepository internetHosts;
    private final HostService hosts;
    private final PublicAddressing addressing;
    private final ApplicationEventPublisher events;

    InternetHostService(
            InternetHostRepository internetHosts,
            HostService hosts,
            PublicAddressing addressing,
            ApplicationEventPublisher events) {
        this.internetHosts = internetHosts;
        this.hosts = hosts;
        this.addressing = addressing;
        this.events = events;
    }

    @Transactional
    public InternetHostView create(Caller caller, String name, String ip, String hostId, String hostName, String kind) {
        caller.requireAdmin();
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw ApiException.invalidParameter("name must be 1..40 of a-z 0-9 -: " + name);
        }
        String resolvedKind = kind == null ? "simulated" : kind;
        if (!resolvedKind.equals("simulated") && !resolvedKind.equals("netns")) {
            throw ApiException.invalidParameter("kind must be simulated or netns: " + kind);
        }
        long address = checkAddress(ip);
        Host host = vtep(hostId, hostName);
        if (resolvedKind.equals("netns") && !host.canRun(Host.Capability.NETNS)) {
            throw ApiException.conflict(
                    "InvalidHost.Capability",
                    "host " + host.name() + " (" + host.id() + ") cannot run netns internet hosts; it runs "
                            + host.capabilities().toString().toLowerCase());
        }
        String canonicalIp = Ipv4Prefix.formatAddress(address);
        if (internetHosts.existsByName(name)
                || configured().stream().anyMatch(c -> c.name().equals(name))) {
            throw ApiException.conflict("InvalidInternetHost.Duplicate", "an internet host named " + name + " exists");
        }
        if (internetHosts.existsByIp(canonicalIp) || configured().stream().anyMatch(c -> c.ip().equals(canonicalIp))) {
            throw ApiException.conflict(
                    "InvalidIPAddress.InUse", canonicalIp + " is already an internet host's address");
        }
        InternetHost created =
                new InternetHost(Ids.newId(ID_PREFIX), name, canonicalIp, host.id(), resolvedKind, Times.now());
        try {
            internetHosts.saveAndFlush(created);
        } catch (DataIntegrityViolationException concurrent) {
            throw ApiException.conflict(
                    "InvalidInternetHost.Duplicate",
                    "an internet host named " + name + " or at " + canonicalIp + " was created at the same time");
        }
        events.publishEvent(new InternetHostChanged(created.id(), host.id(), ChangeKind.CREATED));
        return view(created, host.name());
    }

    private long checkAddress(String ip) {
        long address = Ipv4Parameters.address(ip, "ip");
        Ipv4Prefix range = Ipv4Parameters.prefix(addressing.publicCidr(), "vpclab.public.cidr");
        if (!range.contains(address)) {
            throw ApiException.invalidParameter(
                    ip + " is outside the public network " + range + " (vpclab.public.cidr)");
        }
        if (address == range.first() || address == range.last()) {
            throw ApiException.invalidParameter(ip + " is the network or broadcast address of " + range);
        }
        if (Long.valueOf(address).equals(Ipv4Prefix.parseAddress(addressing.gatewayIp()))) {
            throw ApiException.invalidParameter(ip + " is the public network's gateway");
        }
        if (Ipv4Parameters.prefix(addressing.eipPool(), "vpclab.public.eip-pool")
                .contains(address)) {
            throw ApiException.invalidParameter(ip + " is inside the elastic IP pool " + addressing.eipPool());
        }
        return address;
    }

    private Host vtep(String hostId, String hostName) {
        if (hostId != null && !hostId.isBlank()) {
            return hosts.get(Caller.admin(), hostId);
        }
        if (hostName == null || hostName.isBlank()) {
            throw ApiException.badRequest(
                    "MissingParameter", "hostId or hostName is required: the VTEP host it runs on");
        }
        return hostNamed(hostName)
                .orElseThrow(() ->
                        ApiException.notFound("InvalidHost.NotFound", "no host named " + hostName + " is registered"));
    }

    private Optional<Host> hostNamed(String name) {
        String next = null;
        do {
            PageRequest.Page<Host> page =
                    hosts.list(Caller.admin(), PageRequest.of(PageRequest.LIMIT_MAX_RESULTS, next));
            Optional<Host> found =
                    page.items().stream().filter(h -> h.name().equals(name)).findFirst();
            if (found.isPresent()) {
                return found;
            }
            next = page.nextToken();
        } while (next != null);
        return Optional.empty();
    }

    /** Configured hosts first (their ids sort first), then the API's, in id order. */
    @Transactional(readOnly = true)
    public PageRequest.Page<InternetHostView> list(Caller caller, PageRequest page) {
        caller.requireAdmin();
        List<InternetHostView> fetched = all().stream()
                .filter(v -> page.afterId() == null || v.id().compareTo(page.afterId()) > 0)
                .limit(page.fetchSize())
                .toList();
        return page.page(fetched, InternetHostView::id);
    }

    @Transactional(readOnly = true)
    public InternetHostView get(Caller caller, String internetHostId) {
        caller.requireAdmin();
        return all().stream()
                .filter(v -> v.id().equals(internetHostId))
                .findFirst()
                .orElseThrow(() -> notFound(internetHostId));
    }

    /**
     * The internet host with this id, name or address, for any caller: the internet is public
     * (the analyzer and probes start from it); listing and changing stay admin only.
     */
    @Transactional(readOnly = true)
    public Optional<InternetHostView> find(String idNameOrIp) {
        return all().stream()
                .filter(v -> v.id().equals(idNameOrIp) || v.name().equals(idNameOrIp) || v.ip().equals(idNameOrIp))
                .findFirst();
    }

    @Transactional
    public void delete(Caller caller, String internetHostId) {
        caller.requireAdmin();
        if (internetHostId.startsWith(CONFIGURED_PREFIX + "-")
                && get(caller, internetHostId).configured()) {
            throw ApiException.conflict(
                    "OperationNotPermitted",
                    internetHostId + " comes from vpclab.public.internet-hosts; change the configuration to remove it");
        }
        InternetHost host = internetHosts.findById(internetHostId).orElseThrow(() -> notFound(internetHostId));
        internetHosts.delete(host);
        internetHosts.flush();
        events.publishEvent(new InternetHostChanged(host.id(), host.hostId(), ChangeKind.DELETED));
    }

    /** Every internet host created through the API, for the southbound's public network. */
    @Transactional(readOnly = true)
    public List<InternetHost> created() {
        return internetHosts.findAllByOrderByIdAsc();
    }

    @EventListener
    void refuseHostDeleteWithInternetHosts(HostDeleting deleting) {
        if (internetHosts.existsByHostId(deleting.hostId())) {
            throw ApiException.dependencyViolation("host " + deleting.hostId() + " still runs internet hosts");
        }
    }

    private List<InternetHostView> all() {
        List<InternetHostView> views = new ArrayList<>();
        for (PublicAddressing.ConfiguredHost host : configured()) {
            String vtepId = hostNamed(host.hostName()).map(Host::id).orElse(null);
            views.add(new InternetHostView(
                    configuredId(host.name()),
                    host.name(),
                    host.ip(),
                    vtepId,
                    host.hostName(),
                    host.kind() == null ? "simulated" : host.kind(),
                    true,
                    null));
        }
        for (InternetHost host : internetHosts.findAllByOrderByIdAsc()) {
            views.add(view(host, hostNameOf(host.hostId())));
        }
        views.sort(Comparator.comparing(InternetHostView::id));
        return views;
    }

    static String configuredId(String name) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return CONFIGURED_PREFIX + "-"
                    + java.util.HexFormat.of().formatHex(digest).substring(0, 17);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private String hostNameOf(String hostId) {
        try {
            return hosts.get(Caller.admin(), hostId).name();
        } catch (ApiException gone) {
            return null;
        }
    }

    private List<PublicAddressing.ConfiguredHost> configured() {
        return addressing.configuredHosts();
    }

    private static InternetHostView view(InternetHost host, String hostName) {
        return new InternetHostView(
                host.id(), host.name(), host.ip(), host.hostId(), hostName, host.kind(), false, host.createdAt());
    }

    private static ApiException notFound(String internetHostId) {
        return ApiException.notFound(
                "InvalidInternetHost.NotFound", "internet host " + internetHostId + " does not exist");
    }
}
