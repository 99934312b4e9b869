package io.vpclab.controlplane.internethost;

import io.vpclab.api.InternetHostsApi;
import io.vpclab.api.model.InternetHostCreate;
import io.vpclab.api.model.InternetHostKind;
import io.vpclab.api.model.InternetHostList;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class InternetHostController implements InternetHostsApi {

    private final InternetHostService internetHosts;

    InternetHostController(InternetHostService internetHosts) {
        this.internetHosts = internetHosts;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.InternetHost> createInternetHost(InternetHostCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(internetHosts.create(
                        Callers.current(),
                        body.getName(),
                        body.getIp(),
                        body.getHostId(),
                        body.getHostName(),
                        body.getKind() == null ? null : body.getKind().getValue())));
    }

    @Override
    public ResponseEntity<InternetHostList> listInternetHosts(Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.InternetHost> page = internetHosts
                .list(Callers.current(), PageRequest.of(maxResults, nextToken))
                .map(InternetHostController::toDto);
        return ResponseEntity.ok(new InternetHostList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.InternetHost> getInternetHost(String internetHostId) {
        return ResponseEntity.ok(toDto(internetHosts.get(Callers.current(), internetHostId)));
    }

    @Override
    public ResponseEntity<Void> deleteInternetHost(String internetHostId) {
        internetHosts.delete(Callers.current(), internetHostId);
        return ResponseEntity.noContent().build();
    }

    private static io.vpclab.api.model.InternetHost toDto(InternetHostService.InternetHostView view) {
        return new io.vpclab.api.model.InternetHost()
                .internetHostId(view.id())
                .name(view.name())
                .ip(view.ip())
                .hostId(view.hostId())
                .hostName(view.hostName())
                .kind(InternetHostKind.fromValue(view.kind()))
                .source(
                        view.configured()
                                ? io.vpclab.api.model.InternetHost.SourceEnum.CONFIGURATION
                                : io.vpclab.api.model.InternetHost.SourceEnum.API)
                .createdAt(view.createdAt() == null ? null : Times.utc(view.createdAt()));
    }
}
