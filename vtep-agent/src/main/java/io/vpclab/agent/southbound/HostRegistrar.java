package io.vpclab.agent.southbound;

import io.vpclab.client.ApiException;
import io.vpclab.client.api.HostsApi;
import io.vpclab.client.model.HostRegistration;
import io.vpclab.client.model.InstanceKind;
import io.vpclab.client.model.RegisteredHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

/**
 * Registers the agent as a host once and keeps the issued host token in a state file (mode
 * 0600), so a restarted agent comes back as the same host: tokens are stored hashed on the
 * server and cannot be asked for again.
 */
public final class HostRegistrar {

    private final ControlPlaneEndpoint bootstrap;
    private final Path stateFile;

    /** @param bootstrap the control plane with the bootstrap (or admin) token */
    public HostRegistrar(ControlPlaneEndpoint bootstrap, Path stateFile) {
        this.bootstrap = bootstrap;
        this.stateFile = stateFile;
    }

    /** The identity saved by an earlier run, or a fresh registration saved now. */
    public HostIdentity identity(
            String name, String underlayIp, int udpPort, int underlayMtu, List<InstanceKind> capabilities)
            throws ApiException {
        HostIdentity saved = load();
        if (saved != null) {
            return saved;
        }
        RegisteredHost registered;
        HostsApi hosts = new HostsApi(bootstrap.apiClient());
        HostRegistration registration = new HostRegistration()
                .name(name)
                .underlayIp(underlayIp)
                .udpPort(udpPort)
                .underlayMtu(underlayMtu)
                .capabilities(capabilities);
        try {
            registered = registerOnAnyReplica(hosts, registration);
        } catch (ApiException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                throw new TokenRefusedException("the control plane at " + bootstrap.baseUri()
                        + " refused the token given to register this host (HTTP " + e.getCode() + "): --token (or"
                        + " VPCLAB_TOKEN) must be the server's bootstrap or admin token (the admin token is in the"
                        + " server's data directory, file admin-token)");
            }
            throw e;
        }
        HostIdentity identity = new HostIdentity(registered.getHost().getHostId(), registered.getToken());
        save(identity);
        return identity;
    }

    /** Tries each replica in turn while the calls fail without an answer (code 0: not reachable). */
    private RegisteredHost registerOnAnyReplica(HostsApi hosts, HostRegistration registration) throws ApiException {
        for (int attempt = 1; ; attempt++) {
            URI replica = bootstrap.baseUri();
            try {
                return hosts.registerHost(registration);
            } catch (ApiException e) {
                if (e.getCode() != 0 || attempt >= bootstrap.baseUris().size()) {
                    throw e;
                }
                bootstrap.failedOver(replica);
            }
        }
    }

    private HostIdentity load() {
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(stateFile)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read agent state " + stateFile, e);
        }
        String hostId = properties.getProperty("hostId");
        String token = properties.getProperty("token");
        if (hostId == null || token == null) {
            throw new IllegalStateException(stateFile + " lacks hostId or token; delete it to register again");
        }
        return new HostIdentity(hostId, token);
    }

    private void save(HostIdentity identity) {
        Properties properties = new Properties();
        properties.setProperty("hostId", identity.hostId());
        properties.setProperty("token", identity.token());
        try {
            Path parent = stateFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(
                    parent,
                    ".agent-state",
                    ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(temporary)) {
                properties.store(out, "VPC Lab agent identity: keep secret");
            }
            Files.move(temporary, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write agent state " + stateFile, e);
        }
    }
}
