package io.vpclab.controlplane.vpn;

import io.vpclab.api.CustomerGatewaysApi;
import io.vpclab.api.model.CustomerGatewayCreate;
import io.vpclab.api.model.CustomerGatewayList;
import io.vpclab.controlplane.system.Callers;
import io.vpclab.controlplane.system.PageRequest;
import io.vpclab.controlplane.system.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CustomerGatewayController implements CustomerGatewaysApi {

    private final CustomerGatewayService gateways;

    CustomerGatewayController(CustomerGatewayService gateways) {
        this.gateways = gateways;
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.CustomerGateway> createCustomerGateway(CustomerGatewayCreate body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(toDto(gateways.create(
                        Callers.current(),
                        body.getTenantId(),
                        body.getName(),
                        body.getIpAddress(),
                        body.getPublicKey())));
    }

    @Override
    public ResponseEntity<CustomerGatewayList> listCustomerGateways(Integer maxResults, String nextToken) {
        PageRequest.Page<io.vpclab.api.model.CustomerGateway> page = gateways.list(
                        Callers.current(), PageRequest.of(maxResults, nextToken))
                .map(CustomerGatewayController::toDto);
        return ResponseEntity.ok(new CustomerGatewayList(page.items()).nextToken(page.nextToken()));
    }

    @Override
    public ResponseEntity<io.vpclab.api.model.CustomerGateway> getCustomerGateway(String customerGatewayId) {
        return ResponseEntity.ok(toDto(gateways.get(Callers.current(), customerGatewayId)));
    }

    @Override
    public ResponseEntity<Void> deleteCustomerGateway(String customerGatewayId) {
        gateways.delete(Callers.current(), customerGatewayId);
        return ResponseEntity.noContent().build();
    }

    private static io.vpclab.api.model.CustomerGateway toDto(CustomerGateway gateway) {
        return new io.vpclab.api.model.CustomerGateway(
                        gateway.id(),
                        gateway.tenantId(),
                        gateway.ipAddress(),
                        gateway.publicKey(),
                        Times.utc(gateway.createdAt()))
                .name(gateway.name());
    }
}
