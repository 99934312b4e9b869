package io.vpclab.controlplane.host;

import io.vpclab.api.HostsApi;
import io.vpclab.api.model.HostList;
import io.vpclab.api.model.HostRegistration;
import io.vpclab.api.model.HostStatus;
import io.vpclab.api.model.InstanceKind;
import io.vpclab.api.model.RegisteredHost;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class HostController implements HostsApi {

    private final HostService hosts;

    HostController(HostService hosts) {
        this.hosts = hosts;
    }

    @Override
    public ResponseEntity<RegisteredHost> registerHost(HostRegistration body) {
        Set<Host.Capability> capabilities = EnumSet.noneOf(Host.Capability.class);
        if (body.getCapabilities() != null) {
            body.getCapabilities().forEach(kind -> capabilities.add(capability(kind)));
        }
        HostService.RegisteredHost registered = hosts.register(
                Callers.current(),
                new HostService.Registration(
                        body.getName(), body.getUnderlayIp(), body.getUdpPort(), body.getUnderlayMtu(), capabilities));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new RegisteredHost(toDto(registered.host()), registered.secret()));
    }

    @Override
    public ResponseEntity<HostList> listHosts(Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.Host> page = hosts.list(
                        Callers.current(), PageRequest.of(maxResults, nextToken))
                .map(HostController::toDto);
        return ResponseEntity.ok(new HostList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Host> getHost(String hostId) {
        return ResponseEntity.ok(toDto(hosts.get(Callers.current(), hostId)));
    }

    @Override
    public ResponseEntity<Void> deregisterHost(String hostId) {
        hosts.deregister(Callers.current(), hostId);
        return ResponseEntity.noContent().build();
    }

    static Host.Capability capability(InstanceKind kind) {
        return Host.Capability.valueOf(kind.name());
    }

    static io.vpclab.api.model.Host toDto(Host host) {
        return new io.vpclab.api.model.Host(
                        host.id(),
                        host.name(),
                        host.underlayIp(),
                        host.udpPort(),
                        host.underlayMtu(),
                        host.capabilities().stream()
                                .map(c -> InstanceKind.valueOf(c.name()))
                                .toList(),
                        HostStatus.valueOf(host.status().name()),
                        host.desiredGeneration(),
                        host.appliedGeneration(),
                        Times.utc(host.createdAt()))
                .lastSeen(Times.utc(host.lastSeen()))
                .convergenceMillis(host.convergenceMillis());
    }
}
