package io.vpclab.controlplane.vpn;

import io.vpclab.controlplane.system.ApiException;
import io.vpclab.controlplane.system.Caller;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.system.Ids;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import io.vpclab.controlplane.tenant.TenantDeleting;
import io.vpclab.controlplane.tenant.TenantEmptying;
import io.vpclab.controlplane.tenant.TenantService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Customer gateways: the tenant's on-premises WireGuard peers. */
@Service
public class CustomerGatewayService {

    private final CustomerGatewayRepository gateways;
    private final VpnConnectionRepository connections;

    private final TenantService tenants;
    private final ApplicationEventPublisher events;

    CustomerGatewayService(
            CustomerGatewayRepository gateways,
            VpnConnectionRepository connections,
            TenantService tenants,
            ApplicationEventPublisher events) {
        this.tenants = tenants;
        this.events = events;
        this.gateways = gateways;
        this.connections = connections;
    }

    @Transactional
    public CustomerGateway create(
            Caller caller, String requestedTenantId, String name, String ipAddress, String publicKey) {
        String tenantId = caller.owningTenant(requestedTenantId);
        tenants.lockForUse(caller, tenantId);
        String address = WireGuardParameters.unicastAddress(ipAddress, "ipAddress");
        String key = WireGuardParameters.key(publicKey, "publicKey");
        return gateways.saveAndFlush(
                new CustomerGateway(Ids.newId(Ids.CUSTOMER_GATEWAY), tenantId, name, address, key, Times.now()));
    }

    @Transactional(readOnly = true)
    public CustomerGateway get(Caller caller, String customerGatewayId) {
        caller.requireAdminOrTenant();
        return gateways.findById(customerGatewayId)
                .filter(c -> caller.canSee(c.tenantId()))
                .orElseThrow(() -> notFound(customerGatewayId));
    }

    @Transactional(readOnly = true)
    public PageRequest.Page<CustomerGateway> list(Caller caller, PageRequest page) {
        caller.requireAdminOrTenant();
        return page.page(
                gateways.page(caller.tenantScope(), page.afterId(), Limit.of(page.fetchSize())), CustomerGateway::id);
    }

    /** Locked, so a connection being created on it and its delete are serialised. */
    @Transactional
    public void delete(Caller caller, String customerGatewayId) {
        CustomerGateway gateway = lockVisible(caller, customerGatewayId);
        // AWS answers IncorrectState for a customer gateway a VPN connection still uses.
        if (connections.existsByCustomerGatewayId(customerGatewayId)) {
            throw ApiException.conflict(
                    "IncorrectState",
                    "customer gateway " + customerGatewayId
                            + " is used by a VPN connection; delete the connection first");
        }
        gateways.delete(gateway);
        gateways.flush();
        // in no VPC's tables: announced for what else goes with it (its tags)
        events.publishEvent(new VpnChanged(null, gateway.id(), ChangeKind.DELETED));
    }

    CustomerGateway lockVisible(Caller caller, String customerGatewayId) {
        get(caller, customerGatewayId);
        return gateways.lockById(customerGatewayId).orElseThrow(() -> notFound(customerGatewayId));
    }

    @EventListener
    void refuseTenantDeleteWithCustomerGateways(TenantDeleting deleting) {
        if (gateways.existsByTenantId(deleting.tenantId())) {
            throw ApiException.dependencyViolation("tenant " + deleting.tenantId() + " still has customer gateways");
        }
    }

    static ApiException notFound(String customerGatewayId) {
        return ApiException.notFound(
                "InvalidCustomerGatewayID.NotFound", "customer gateway " + customerGatewayId + " does not exist");
    }

    @EventListener
    @Order(TenantEmptying.CUSTOMER_GATEWAYS)
    void deleteCustomerGatewaysOfEmptiedTenant(TenantEmptying emptying) {
        for (CustomerGateway gateway : gateways.page(emptying.tenantId(), "", Limit.unlimited())) {
            delete(Caller.admin(), gateway.id());
        }
    }
}
