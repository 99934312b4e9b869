package io.vpclab.controlplane.instance;

import io.vpclab.api.InstancesApi;
import io.vpclab.api.model.InstanceCreate;
import io.vpclab.api.model.InstanceKind;
import io.vpclab.api.model.InstanceList;
import io.vpclab.api.model.InstancePort;
import io.vpclab.api.model.InstanceState;
import io.vpclab.api.model.InstanceUpdate;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class InstanceController implements InstancesApi {

    private final InstanceService instances;
    private final InstancePublicIps publicIps;
    private final InstanceRollout rollout;
    private final InstanceParentNames parentNames;

    InstanceController(
            InstanceService instances,
            InstancePublicIps publicIps,
            InstanceRollout rollout,
            InstanceParentNames parentNames) {
        this.instances = instances;
        this.publicIps = publicIps;
        this.rollout = rollout;
        this.parentNames = parentNames;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Instance> runInstance(InstanceCreate body) {
        Instance.Kind kind = body.getKind() == null
                ? null
                : Instance.Kind.valueOf(body.getKind().name());
        Instance instance = instances.launch(
                Callers.current(),
                new InstanceService.Launch(
                        body.getSubnetId(),
                        body.getHostId(),
                        kind,
                        body.getName(),
                        body.getPrivateIpAddress(),
                        body.getSecurityGroupIds(),
                        body.getDeviceName()));
        // as RunInstances: a new instance is pending, its host's agent cannot have applied it yet
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(withNames(toDto(instance, null), parentNames.lookup().apply(instance))
                        .state(InstanceState.PENDING));
    }

    @Override
    public ResponseEntity<InstanceList> listInstances(
            String vpcId, String subnetId, String hostId, Integer maxResults, String nextToken) {
        PageRequest.Page<Instance> found =
                instances.list(Callers.current(), vpcId, subnetId, hostId, PageRequest.of(maxResults, nextToken));
        Map<String, String> addresses =
                publicIps.byInstanceId(found.items().stream().map(Instance::id).toList());
        Function<Instance, InstanceParentNames.Names> names = parentNames.lookup();
        PageRequest.Page<io.vpclab.api.model.Instance> page =
                found.map(i -> withState(i, addresses.get(i.id()), names));
        return ResponseEntity.ok(new InstanceList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Instance> getInstance(String instanceId) {
        return ResponseEntity.ok(withState(instances.get(Callers.current(), instanceId)));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.Instance> updateInstance(String instanceId, InstanceUpdate body) {
        return ResponseEntity.ok(
                withState(instances.update(Callers.current(), instanceId, body.getHostId(), body.getName())));
    }

    @Override
    public ResponseEntity<Void> terminateInstance(String instanceId) {
        instances.terminate(Callers.current(), instanceId);
        return ResponseEntity.noContent().build();
    }

    private io.vpclab.api.model.Instance withState(Instance instance) {
        return withState(
                instance, publicIps.byInstanceId(List.of(instance.id())).get(instance.id()), parentNames.lookup());
    }

    private io.vpclab.api.model.Instance withState(
            Instance instance, String publicIp, Function<Instance, InstanceParentNames.Names> names) {
        InstanceState state = switch (rollout.stage(instance.hostId(), instance.id())) {
            case PENDING -> InstanceState.PENDING;
            case RUNNING -> InstanceState.RUNNING;
            case UNREACHABLE -> InstanceState.UNREACHABLE;
        };
        return withNames(toDto(instance, publicIp), names.apply(instance)).state(state);
    }

    private static io.vpclab.api.model.Instance withNames(
            io.vpclab.api.model.Instance dto, InstanceParentNames.Names names) {
        return dto.tenantName(names.tenant())
                .vpcName(names.vpc())
                .subnetName(names.subnet())
                .hostName(names.host());
    }

    private static io.vpclab.api.model.Instance toDto(Instance instance, String publicIp) {
        return new io.vpclab.api.model.Instance(
                        instance.id(),
                        instance.tenantId(),
                        instance.vpcId(),
                        instance.subnetId(),
                        instance.hostId(),
                        InstanceKind.valueOf(instance.kind().name()),
                        instance.privateIpAddress(),
                        instance.macAddress(),
                        Times.utc(instance.createdAt()))
                .name(instance.name())
                .publicIp(publicIp)
                .port(new InstancePort(InstanceKind.valueOf(instance.kind().name()))
                        .deviceName(instance.deviceName())
                        .namespace(instance.namespace()));
    }
}
