package io.vpclab.controlplane.subnet;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.Ipv4Parameters;
import io.vpclab.controlplane.system.Names;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.VpcLabProperties;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.vpc.VpcCidrBlockRemoving;
import io.vpclab.controlplane.vpc.VpcDeleting;
import io.vpclab.controlplane.vpc.VpcService;
import io.vpclab.net.CidrBlockLimits;
import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Subnets, their segment IDs and IPAM. Address reservations ({@link #reserveAddress}) are what
 * instances (and NAT gateways) call: they lock the VPC, then the subnet, then take an address.
 */
@Service
public class SubnetService {

    /** The width of the name column. */
    public static final int MAX_NAME_LENGTH = 128;

    private final SubnetRepository subnets;
    private final AddressAllocationRepository addresses;
    private final SegmentIdAllocator segments;
    private final VpcService vpcs;
    private final List<RouteContributor> routeContributors;
    private final ApplicationEventPublisher events;
    private final VpcLabProperties properties;
    private final EntityManager entityManager;

    SubnetService(
            SubnetRepository subnets,
            AddressAllocationRepository addresses,
            SegmentIdAllocator segments,
            VpcService vpcs,
            List<RouteContributor> routeContributors,
            ApplicationEventPublisher events,
            VpcLabProperties properties,
            EntityManager entityManager) {
        this.entityManager = entityManager;
        this.subnets = subnets;
        this.addresses = addresses;
        this.segments = segments;
        this.vpcs = vpcs;
        this.routeContributors = routeContributors;
        this.events = events;
        this.properties = properties;
    }

    /** An address taken in a subnet, with what a port needs to configure itself. */
    public record AddressReservation(Subnet subnet, long address) {

        public String ipAddress() {
            return Ipv4Prefix.formatAddress(address);
        }
    }

    @Transactional
    public Subnet create(Caller caller, String vpcId, String cidrText, String name) {
        if (vpcId == null || vpcId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "vpcId is required");
        }
        VpcService.VpcView vpc = vpcs.lockForMutation(caller, vpcId);
        Ipv4Prefix cidr = Ipv4Parameters.prefix(cidrText, "cidrBlock");
        if (!CidrBlockLimits.allows(cidr.length())) {
            throw ApiException.badRequest(
                    "InvalidSubnet.Range",
                    "subnet " + cidr + " must be /" + CidrBlockLimits.SHORTEST_PREFIX + " to /"
                            + CidrBlockLimits.LONGEST_PREFIX);
        }
        if (vpc.cidrs().stream().noneMatch(block -> block.contains(cidr))) {
            throw ApiException.badRequest(
                    "InvalidSubnet.Range",
                    "subnet " + cidr + " is not inside any CIDR block of VPC " + vpcId + " " + vpc.cidrs());
        }
        Optional<Subnet> clash = subnets.overlapping(vpcId, cidr.first(), cidr.last());
        if (clash.isPresent()) {
            throw ApiException.conflict(
                    "InvalidSubnet.Conflict",
                    "subnet " + cidr + " overlaps " + clash.get().cidrBlock() + " ("
                            + clash.get().id() + ")");
        }
        int quota = properties.quota().subnetsPerVpc();
        if (smallestSubnetsFitting(vpc.cidrs()) > quota && subnets.countByVpcId(vpcId) >= quota) {
            throw ApiException.conflict(
                    "SubnetLimitExceeded",
                    "VPC " + vpcId + " already has " + quota + " subnets (quota vpclab.quota.subnets-per-vpc)");
        }
        SegmentIdAllocator.Segment segment = segments.allocate();
        Subnet subnet = subnets.saveAndFlush(
                new Subnet(Ids.newId(Ids.SUBNET), vpc.tenantId(), vpcId, name, cidr, segment, Instant.now()));
        events.publishEvent(new SubnetChanged(subnet.id(), vpcId, subnet.tenantId(), ChangeKind.CREATED));
        return subnet;
    }

    @Transactional(readOnly = true)
    public Subnet get(Caller caller, String subnetId) {
        return subnets.findById(subnetId)
                .filter(s -> caller.canSee(s.tenantId()))
                .orElseThrow(() -> notFound(subnetId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<Subnet> list(Caller caller, String vpcId, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                subnets.page(caller.tenantScope(), vpcId, page.afterId(), Limit.of(page.fetchSize())), Subnet::id);
    }

    /** Sets or clears (null) the subnet's name, which EC2 shows as its Name tag. */
    @Transactional
    public Subnet rename(Caller caller, String subnetId, String newName) {
        Names.requirePrintable("name", newName, MAX_NAME_LENGTH);
        Subnet subnet = lockFresh(caller, subnetId);
        subnet.rename(newName);
        subnets.flush();
        events.publishEvent(new SubnetChanged(subnetId, subnet.vpcId(), subnet.tenantId(), ChangeKind.UPDATED));
        return subnet;
    }

    @Transactional
    public void delete(Caller caller, String subnetId) {
        Subnet subnet = lockFresh(caller, subnetId);
        events.publishEvent(new SubnetDeleting(subnetId, subnet.vpcId()));
        addresses.releaseAll(subnetId);
        subnets.delete(subnet);
        subnets.flush();
        segments.release(subnet.segmentation());
        events.publishEvent(new SubnetChanged(subnetId, subnet.vpcId(), subnet.tenantId(), ChangeKind.DELETED));
    }

    /** Local routes for every VPC block, then the routes of the subnet's table and those its VPN gateway propagates. */
    @Transactional(readOnly = true)
    public List<RouteContributor.RouteEntry> effectiveRoutes(Caller caller, String subnetId) {
        Subnet subnet = get(caller, subnetId);
        List<RouteContributor.RouteEntry> routes = new ArrayList<>();
        for (Ipv4Prefix block : vpcs.get(caller, subnet.vpcId()).cidrs()) {
            routes.add(
                    new RouteContributor.RouteEntry(block.toString(), RouteContributor.Target.LOCAL, subnet.vpcId()));
        }
        routeContributors.forEach(contributor -> routes.addAll(contributor.routesFor(subnet)));
        return routes;
    }

    /** The NAT gateway the subnet's default route goes through, from the contributed routes; null if none. */
    @Transactional(readOnly = true)
    public String natGatewayOf(Subnet subnet) {
        return natGatewaysOf(List.of(subnet)).get(subnet.id());
    }

    /**
     * {@link #natGatewayOf} for a page of subnets, by subnet ID (absent: none): each contributor
     * reads a VPC's routes once, not once per subnet, so a listing costs a few queries per VPC.
     */
    @Transactional(readOnly = true)
    public Map<String, String> natGatewaysOf(List<Subnet> page) {
        Map<String, String> natGateways = new HashMap<>();
        Map<String, List<Subnet>> byVpc = new LinkedHashMap<>();
        page.forEach(subnet ->
                byVpc.computeIfAbsent(subnet.vpcId(), vpc -> new ArrayList<>()).add(subnet));
        byVpc.forEach((vpcId, subnetsOfVpc) -> {
            for (RouteContributor contributor : routeContributors) {
                contributor
                        .routesForEach(vpcId, subnetsOfVpc)
                        .forEach((subnetId, routes) -> routes.stream()
                                .filter(r -> r.target() == RouteContributor.Target.NAT_GATEWAY && r.active())
                                .findFirst()
                                .ifPresent(route -> natGateways.putIfAbsent(subnetId, route.targetId())));
            }
        });
        return natGateways;
    }

    /**
     * Takes an address of the subnet for {@code ownerId}: the requested one (a free, usable address
     * of the subnet) or the lowest free one. Locks the VPC, then the subnet row, so two requests
     * never get one address; the primary key of address_allocation backs this up.
     */
    @Transactional
    public AddressReservation reserveAddress(Caller caller, String subnetId, String requestedIp, String ownerId) {
        if (subnetId == null || subnetId.isBlank()) {
            throw ApiException.badRequest("MissingParameter", "subnetId is required");
        }
        Subnet subnet = lockFresh(caller, subnetId);
        AddressPlan plan = subnet.addressPlan();
        long address;
        if (requestedIp != null) {
            long requested = Ipv4Parameters.address(requestedIp, "privateIpAddress");
            if (!plan.contains(requested)) {
                throw ApiException.invalidParameter(
                        "privateIpAddress " + requestedIp + " is not in subnet " + subnet.cidrBlock());
            }
            if (plan.isReserved(requested)) {
                throw ApiException.invalidParameter("privateIpAddress " + requestedIp + " is reserved in subnet "
                        + subnet.cidrBlock() + " (network, gateway, the next two and broadcast are reserved)");
            }
            if (addresses.existsBySubnetIdAndAddress(subnetId, requested)) {
                throw ApiException.conflict(
                        "InvalidIPAddress.InUse",
                        "address " + requestedIp + " is already in use in subnet " + subnetId);
            }
            address = requested;
        } else {
            if (subnet.availableAddressCount() <= 0) {
                throw insufficient(subnet);
            }
            address = plan.nextFree(addresses.addresses(subnetId)).orElseThrow(() -> insufficient(subnet));
        }
        addresses.saveAndFlush(new AddressAllocation(subnetId, address, ownerId));
        subnet.addressesTaken(1);
        events.publishEvent(new SubnetChanged(subnetId, subnet.vpcId(), subnet.tenantId(), ChangeKind.UPDATED));
        return new AddressReservation(subnet, address);
    }

    /** Gives an address back; the caller holds the VPC lock (it is deleting the address's owner). */
    @Transactional
    public void releaseAddress(String subnetId, String ipAddress) {
        Long address = Ipv4Prefix.parseAddress(ipAddress);
        Subnet subnet = subnets.findById(subnetId).orElseThrow(() -> notFound(subnetId));
        entityManager.refresh(subnet, LockModeType.PESSIMISTIC_WRITE);
        if (address != null && addresses.release(subnetId, address) > 0) {
            subnet.addressesTaken(-1);
            events.publishEvent(new SubnetChanged(subnetId, subnet.vpcId(), subnet.tenantId(), ChangeKind.UPDATED));
        }
    }

    @EventListener
    void refuseVpcDeleteWithSubnets(VpcDeleting deleting) {
        if (subnets.existsByVpcId(deleting.vpcId())) {
            throw ApiException.dependencyViolation("VPC " + deleting.vpcId() + " still has subnets");
        }
    }

    @EventListener
    void refuseBlockRemovalWithSubnets(VpcCidrBlockRemoving removing) {
        Ipv4Prefix block = removing.cidrBlock();
        Optional<Subnet> inside = subnets.overlapping(removing.vpcId(), block.first(), block.last());
        if (inside.isPresent()) {
            throw ApiException.dependencyViolation("CIDR block " + block + " still holds subnet "
                    + inside.get().id() + " (" + inside.get().cidrBlock() + ")");
        }
    }

    /**
     * Locks the VPC, then the subnet row, and reloads the subnet under the lock: an entity read
     * earlier in the transaction would otherwise keep its stale counters (lost updates).
     */
    private Subnet lockFresh(Caller caller, String subnetId) {
        Subnet subnet = get(caller, subnetId);
        vpcs.lockForMutation(caller, subnet.vpcId());
        entityManager.refresh(subnet, LockModeType.PESSIMISTIC_WRITE);
        return subnet;
    }

    /**
     * How many subnets the VPC's blocks can hold at most (all of the smallest size). The new subnet fits
     * beside those held, so when this is within the quota the quota cannot be reached and the count
     * (which reads every subnet of the VPC: thousands in the VLAN lesson) is skipped: one /16 holds
     * 4,096 /28s, the default quota is 8,192.
     */
    private static long smallestSubnetsFitting(List<Ipv4Prefix> blocks) {
        return blocks.stream()
                .mapToLong(block -> 1L << Math.max(0, CidrBlockLimits.LONGEST_PREFIX - block.length()))
                .sum();
    }

    private static ApiException insufficient(Subnet subnet) {
        return ApiException.conflict(
                "InsufficientFreeAddressesInSubnet",
                "subnet " + subnet.id() + " (" + subnet.cidrBlock() + ") has no free address left ("
                        + subnet.addressPlan().usableCount() + " usable)");
    }

    static ApiException notFound(String subnetId) {
        return ApiException.notFound("InvalidSubnetID.NotFound", "subnet " + subnetId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.SUBNETS)
    void deleteSubnetsOfEmptiedTenant(TenantEmptying emptying) {
        // by ID: entities loaded up front would stay managed, and every flush of the thousands of deletes
        // would check them all again (the VLAN lesson's tenant holds 4,094 subnets)
        for (String subnetId : subnets.idsOfTenant(emptying.tenantId())) {
            delete(Caller.admin(), subnetId);
        }
    }
}
