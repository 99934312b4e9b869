package io.vpclab.controlplane.ec2;

import io.vpclab.controlplane.instance.Instance;
import io.vpclab.controlplane.instance.InstanceRollout;
import io.vpclab.controlplane.instance.InstanceService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService;
import io.vpclab.controlplane.securitygroup.SecurityGroupService.SecurityGroupView;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.PageRequest;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * RunInstances, DescribeInstances and TerminateInstances on {@link InstanceService}. VPC Lab
 * places an instance on a host the caller names, as the REST API does: {@code Placement.HostId}.
 * {@code ImageId} and {@code InstanceType} are recorded and shown, not interpreted.
 */
@Component
class InstanceActions implements Ec2Action.Group {

    /** The most instances one RunInstances may start (all in one transaction). */
    static final int MAX_COUNT = 100;

    private static final Map<String, Function<Instance, String>> FILTERS = Map.of(
            "instance-id", Instance::id,
            "vpc-id", Instance::vpcId,
            "subnet-id", Instance::subnetId,
            "private-ip-address", Instance::privateIpAddress,
            "owner-id", Instance::tenantId,
            "host-id", Instance::hostId,
            "image-id", Instance::imageId,
            "instance-type", Instance::instanceType);

    private final InstanceService instances;
    private final InstanceRollout rollout;
    private final SecurityGroupService securityGroups;
    private final Tags tags;
    private final TransactionTemplate transaction;

    InstanceActions(
            InstanceService instances,
            InstanceRollout rollout,
            SecurityGroupService securityGroups,
            Tags tags,
            PlatformTransactionManager transactions) {
        this.instances = instances;
        this.rollout = rollout;
        this.securityGroups = securityGroups;
        this.tags = tags;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public Map<String, Ec2Action> actions() {
        return Map.of(
                "RunInstances", this::run,
                "DescribeInstances", this::describe,
                "TerminateInstances", this::terminate);
    }

    private void run(Caller caller, Ec2Query query, Ec2Xml response) {
        int min = query.integer("MinCount").orElseThrow(() -> missing("MinCount"));
        int max = query.integer("MaxCount").orElseThrow(() -> missing("MaxCount"));
        if (min < 1 || max < min || max > MAX_COUNT) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterValue",
                    "MinCount and MaxCount must satisfy 1 <= MinCount <= MaxCount <= " + MAX_COUNT + ", not " + min
                            + " and " + max);
        }
        String privateIp = query.string("PrivateIpAddress").orElse(null);
        if (privateIp != null && max > 1) {
            throw Ec2Exception.badRequest(
                    "InvalidParameterCombination", "PrivateIpAddress can only be given for a single instance");
        }
        InstanceService.Launch launch = new InstanceService.Launch(
                query.required("SubnetId"),
                query.required("Placement.HostId"),
                null,
                Tags.name(query),
                privateIp,
                query.list("SecurityGroupId"),
                null,
                query.string("ImageId").orElse(null),
                query.string("InstanceType").orElse(null));
        // All or nothing: one refused launch rolls back the others.
        List<Instance> launched = transaction.execute(status -> {
            List<Instance> started = new ArrayList<>();
            for (int i = 0; i < max; i++) {
                Instance instance = instances.launch(caller, launch);
                tags.tagNew(instance.tenantId(), instance.id(), query);
                started.add(instance);
            }
            return started;
        });
        List<SecurityGroupView> groups = groupsOf(caller, launched.get(0));
        writeGroups(
                        response.field("reservationId", reservationId(launched.get(0)))
                                .field("ownerId", launched.get(0).tenantId()),
                        groups)
                .open("instancesSet");
        for (Instance instance : launched) {
            writeGroups(write(response.open("item"), instance, "pending"), groups)
                    .close();
        }
        response.close();
    }

    private void describe(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("InstanceId");
        Predicate<Instance> matches = tags.filterMany(query.filters(), fields(caller), Instance::id, Instance::name);
        PageRequest.Page<Instance> page = ids.isEmpty()
                ? Ec2Pages.collect(
                        request -> instances.list(caller, null, null, null, request),
                        matches,
                        Instance::id,
                        query.maxResults(),
                        query.nextToken())
                : new PageRequest.Page<>(
                        ids.stream()
                                .map(id -> instances.get(caller, id))
                                .filter(matches)
                                .toList(),
                        null);
        response.open("reservationSet");
        for (Instance instance : page.items()) {
            List<SecurityGroupView> groups = groupsOf(caller, instance);
            writeGroups(
                            response.open("item")
                                    .field("reservationId", reservationId(instance))
                                    .field("ownerId", instance.tenantId()),
                            groups)
                    .open("instancesSet");
            writeGroups(write(response.open("item"), instance, state(instance)), groups)
                    .close();
            response.close().close();
        }
        response.close().field("nextToken", page.nextToken());
    }

    private void terminate(Caller caller, Ec2Query query, Ec2Xml response) {
        List<String> ids = query.list("InstanceId");
        if (ids.isEmpty()) {
            throw missing("InstanceId.1");
        }
        List<String> previous = transaction.execute(status -> {
            List<String> states = new ArrayList<>();
            for (String id : ids) {
                states.add(state(instances.get(caller, id)));
                instances.terminate(caller, id);
            }
            return states;
        });
        response.open("instancesSet");
        for (int i = 0; i < ids.size(); i++) {
            response.open("item")
                    .field("instanceId", ids.get(i))
                    .open("currentState")
                    .field("code", 48)
                    .field("name", "terminated")
                    .close()
                    .open("previousState")
                    .field("code", stateCode(previous.get(i)))
                    .field("name", previous.get(i))
                    .close()
                    .close();
        }
        response.close();
    }

    /**
     * Running once the host's agent has applied it, as the REST API reports; EC2 has no state for
     * an unreachable host (its status checks fail instead), so such an instance stays running.
     */
    private String state(Instance instance) {
        return rollout.stage(instance.hostId(), instance.id()) == InstanceRollout.Stage.PENDING ? "pending" : "running";
    }

    private static int stateCode(String state) {
        return "running".equals(state) ? 16 : 0;
    }

    /**
     * The filters: the instance's own fields, and its security groups by ID and name
     * ({@code instance.group-id}, {@code instance.group-name}), read only when asked for.
     */
    private Map<String, Function<Instance, List<String>>> fields(Caller caller) {
        Map<String, Function<Instance, List<String>>> fields = new HashMap<>();
        FILTERS.forEach((name, field) -> fields.put(
                name, instance -> Stream.ofNullable(field.apply(instance)).toList()));
        fields.put("instance.group-id", instance -> securityGroups.groupsOf(caller, instance.id()));
        fields.put(
                "instance.group-name",
                instance -> groupsOf(caller, instance).stream()
                        .map(group -> group.group().name())
                        .toList());
        return fields;
    }

    private static String reservationId(Instance instance) {
        return "r-" + instance.id().substring(instance.id().indexOf('-') + 1);
    }

    private Ec2Xml write(Ec2Xml xml, Instance instance, String state) {
        xml.field("instanceId", instance.id())
                .field("imageId", instance.imageId())
                .field("instanceType", instance.instanceType())
                .open("instanceState")
                .field("code", stateCode(state))
                .field("name", state)
                .close()
                .open("placement")
                .field("availabilityZone", "vpclab-1" + SubnetActions.ZONE_SUFFIX)
                .field("hostId", instance.hostId())
                .field("tenancy", "default")
                .close()
                .field("subnetId", instance.subnetId())
                .field("vpcId", instance.vpcId())
                .field("privateIpAddress", instance.privateIpAddress())
                .field("launchTime", DateTimeFormatter.ISO_INSTANT.format(instance.createdAt()));
        return tags.write(xml, instance.id(), instance.name());
    }

    private List<SecurityGroupView> groupsOf(Caller caller, Instance instance) {
        return securityGroups.groupsOf(caller, instance.id()).stream()
                .map(id -> securityGroups.get(caller, id))
                .toList();
    }

    /** {@code <groupSet>}: the instance's security groups, by ID and name. */
    private static Ec2Xml writeGroups(Ec2Xml xml, List<SecurityGroupView> groups) {
        xml.open("groupSet");
        for (SecurityGroupView group : groups) {
            xml.open("item")
                    .field("groupId", group.group().id())
                    .field("groupName", group.group().name())
                    .close();
        }
        return xml.close();
    }

    private static Ec2Exception missing(String name) {
        return Ec2Exception.badRequest("MissingParameter", "the request must contain the parameter " + name);
    }
}
