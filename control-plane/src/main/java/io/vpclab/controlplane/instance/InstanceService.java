package io.vpclab.controlplane.instance;

import io.vpclab.controlplane.host.Host;
import io.vpclab.controlplane.host.HostDeleting;
import io.vpclab.controlplane.host.HostService;
import io.vpclab.controlplane.subnet.SubnetDeleting;
import io.vpclab.controlplane.subnet.SubnetService;
import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Names;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.DeviceName;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Instances: placement on a host that can run their kind, an address from IPAM, a MAC unique in the segment. */
@Service
public class InstanceService {

    /** A random 46-bit MAC collides rarely; this bounds the retries in a pathological segment. */
    private static final int MAC_ATTEMPTS = 16;

    private final InstanceRepository instances;
    private final SubnetService subnets;
    private final HostService hosts;
    private final VpcService vpcs;
    private final ApplicationEventPublisher events;
    private final EntityManager entityManager;

    InstanceService(
            InstanceRepository instances,
            SubnetService subnets,
            HostService hosts,
            VpcService vpcs,
            ApplicationEventPublisher events,
            EntityManager entityManager) {
        this.entityManager = entityManager;
        this.instances = instances;
        this.subnets = subnets;
        this.hosts = hosts;
        this.vpcs = vpcs;
        this.events = events;
    }

    /** {@code securityGroupIds} null or empty: the VPC's default group. */
    public record Launch(
            String subnetId,
            String hostId,
            Instance.Kind kind,
            String name,
            String privateIpAddress,
            List<String> securityGroupIds,
            String deviceName,
            String imageId,
            String instanceType) {

        /** A launch without EC2's image and instance type (the REST API has neither). */
        public Launch(
                String subnetId,
                String hostId,
                Instance.Kind kind,
                String name,
                String privateIpAddress,
                List<String> securityGroupIds,
                String deviceName) {
            this(subnetId, hostId, kind, name, privateIpAddress, securityGroupIds, deviceName, null, null);
        }
    }

    /** The longest ImageId and InstanceType recorded (EC2's are far shorter). */
    /** The width of the name column. */
    public static final int MAX_NAME_LENGTH = 63;

    public static final int MAX_IMAGE_ID_LENGTH = 64;

    public static final int MAX_INSTANCE_TYPE_LENGTH = 32;

    @Transactional
    public Instance launch(Caller caller, Launch launch) {
        caller.requireAdminOrTenant();
        if (launch.hostId() == null || launch.hostId().isBlank()) {
            throw ApiException.badRequest("MissingParameter", "hostId is required");
        }
        Instance.Kind kind = launch.kind() == null ? Instance.Kind.SIMULATED : launch.kind();
        requirePrintable("name", launch.name(), MAX_NAME_LENGTH);
        requirePrintable("ImageId", launch.imageId(), MAX_IMAGE_ID_LENGTH);
        requirePrintable("InstanceType", launch.instanceType(), MAX_INSTANCE_TYPE_LENGTH);
        checkDeviceName(kind, launch.deviceName());
        String instanceId = Ids.newId(Ids.INSTANCE);
        // Lock order everywhere: VPC, subnet (both inside reserveAddress), then host.
        SubnetService.AddressReservation address =
                subnets.reserveAddress(caller, launch.subnetId(), launch.privateIpAddress(), instanceId);
        Host host = hosts.lockForPlacement(launch.hostId(), Host.Capability.valueOf(kind.name()));
        String deviceName = launch.deviceName() != null
                ? launch.deviceName()
                : kind == Instance.Kind.SIMULATED
                        ? null
                        : DeviceName.derivedFrom(instanceId).value();
        requireFreeDeviceName(host.id(), deviceName, instanceId);
        String mac = uniqueMac(address.subnet().id());
        Instance instance = instances.saveAndFlush(new Instance(
                instanceId,
                address.subnet().tenantId(),
                address.subnet().vpcId(),
                address.subnet().id(),
                host.id(),
                kind,
                launch.name(),
                address.ipAddress(),
                mac,
                Instant.now(),
                launch.deviceName(),
                launch.imageId(),
                launch.instanceType()));
        events.publishEvent(new InstanceLaunching(
                instance.id(),
                instance.vpcId(),
                instance.tenantId(),
                launch.securityGroupIds() == null ? List.of() : List.copyOf(launch.securityGroupIds())));
        events.publishEvent(changed(instance, null, ChangeKind.CREATED));
        return instance;
    }

    private static void requirePrintable(String name, String value, int maxLength) {
        Names.requirePrintable(name, value, maxLength);
    }

    private static void checkDeviceName(Instance.Kind kind, String deviceName) {
        if (deviceName == null) {
            return;
        }
        if (kind == Instance.Kind.SIMULATED) {
            throw ApiException.badRequest(
                    "InvalidParameterCombination",
                    "deviceName is for tap and netns instances; a simulated one has no device");
        }
        if (!DeviceName.isValid(deviceName)) {
            throw ApiException.invalidParameter("deviceName '" + deviceName + "' must be " + DeviceName.RULE);
        }
    }

    /**
     * One device of each name per host (the agent creates TAPs in its own namespace before moving
     * a netns instance's in). Called with the host locked for placement, so two launches cannot
     * both take a name.
     */
    private void requireFreeDeviceName(String hostId, String deviceName, String instanceId) {
        if (deviceName == null) {
            return;
        }
        for (Instance other : instances.findByHostId(hostId)) {
            if (!other.id().equals(instanceId) && deviceName.equals(other.deviceName())) {
                throw ApiException.conflict(
                        "InvalidDeviceName.InUse",
                        "device name " + deviceName + " is already used on host " + hostId + " by instance "
                                + other.id());
            }
        }
    }

    @Transactional(readOnly = true)
    public Instance get(Caller caller, String instanceId) {
        return instances
                .findById(instanceId)
                .filter(i -> caller.canSee(i.tenantId()))
                .orElseThrow(() -> notFound(instanceId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<Instance> list(
            Caller caller, String vpcId, String subnetId, String hostId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                instances.page(
                        caller.tenantScope(), vpcId, subnetId, hostId, page.afterId(), Limit.of(page.fetchSize())),
                Instance::id);
    }

    /** Every instance of the VPC, in id order, for the table compiler (no tenant scope: the system reads). */
    @Transactional(readOnly = true)
    public List<Instance> ofVpc(String vpcId) {
        return instances.findByVpcIdOrderById(vpcId);
    }

    /** Moves (live-migrates) and/or renames; IP and MAC stay. */
    @Transactional
    public Instance update(Caller caller, String instanceId, String newHostId, String newName) {
        Instance instance = lockFresh(caller, instanceId);
        String previousHost = instance.hostId();
        if (newHostId != null && !newHostId.equals(previousHost)) {
            Host host = hosts.lockForPlacement(
                    newHostId, Host.Capability.valueOf(instance.kind().name()));
            requireFreeDeviceName(host.id(), instance.deviceName(), instance.id());
            instance.moveTo(host.id());
        }
        if (newName != null) {
            instance.rename(newName);
        }
        instances.flush();
        events.publishEvent(changed(instance, previousHost, ChangeKind.UPDATED));
        return instance;
    }

    /** Sets or clears (null) the instance's name, which EC2 shows as its Name tag. */
    @Transactional
    public Instance rename(Caller caller, String instanceId, String newName) {
        Names.requirePrintable("name", newName, MAX_NAME_LENGTH);
        Instance instance = lockFresh(caller, instanceId);
        instance.rename(newName);
        instances.flush();
        events.publishEvent(changed(instance, instance.hostId(), ChangeKind.UPDATED));
        return instance;
    }

    @Transactional
    public void terminate(Caller caller, String instanceId) {
        Instance instance = lockFresh(caller, instanceId);
        events.publishEvent(changed(instance, null, ChangeKind.DELETED));
        instances.delete(instance);
        instances.flush();
        subnets.releaseAddress(instance.subnetId(), instance.privateIpAddress());
    }

    @EventListener
    void refuseSubnetDeleteWithInstances(SubnetDeleting deleting) {
        if (instances.existsBySubnetId(deleting.subnetId())) {
            throw ApiException.dependencyViolation("subnet " + deleting.subnetId() + " still has instances");
        }
    }

    @EventListener
    void refuseHostDeleteWithInstances(HostDeleting deleting) {
        if (instances.existsByHostId(deleting.hostId())) {
            throw ApiException.dependencyViolation(
                    "host " + deleting.hostId() + " still runs instances; terminate or move them first");
        }
    }

    /** Locks the VPC, then reloads the instance row under its own lock (no stale fields from the visibility check). */
    private Instance lockFresh(Caller caller, String instanceId) {
        Instance instance = get(caller, instanceId);
        vpcs.lockForMutation(caller, instance.vpcId());
        entityManager.refresh(instance, LockModeType.PESSIMISTIC_WRITE);
        return instance;
    }

    private String uniqueMac(String subnetId) {
        for (int attempt = 0; attempt < MAC_ATTEMPTS; attempt++) {
            String mac = MacAddresses.random();
            if (!instances.existsBySubnetIdAndMacAddress(subnetId, mac)) {
                return mac;
            }
        }
        throw new IllegalStateException("no unique MAC after " + MAC_ATTEMPTS + " attempts in subnet " + subnetId);
    }

    private static InstanceChanged changed(Instance instance, String previousHost, ChangeKind kind) {
        return new InstanceChanged(
                instance.id(),
                instance.vpcId(),
                instance.subnetId(),
                instance.hostId(),
                previousHost,
                instance.tenantId(),
                kind);
    }

    static ApiException notFound(String instanceId) {
        return ApiException.notFound("InvalidInstanceID.NotFound", "instance " + instanceId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.INSTANCES)
    void terminateInstancesOfEmptiedTenant(TenantEmptying emptying) {
        for (Instance instance : instances.page(emptying.tenantId(), null, null, null, "", Limit.unlimited())) {
            terminate(Caller.admin(), instance.id());
        }
    }
}
