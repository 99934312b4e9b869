package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.eip.EipChanged;
import io.vpclab.controlplane.natgateway.NatGatewayChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * An elastic IP's association or policy changed: reload the VPC it is in and the one it left, so
 * the instance's host gets (or loses) its 1:1 NAT and every provider-segment host its binding.
 * Likewise for a NAT gateway and its VPC.
 */
@Component
class ElasticIpEvents {

    private final NetworkCompilation compilation;

    ElasticIpEvents(NetworkCompilation compilation) {
        this.compilation = compilation;
    }

    /** A NAT gateway was created, placed, changed or deleted: its VPC's hosts and the provider segment follow. */
    @TransactionalEventListener(fallbackExecution = true)
    void on(NatGatewayChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(EipChanged event) {
        if (event.vpcId() != null) {
            compilation.submit(StoreChange.vpc(event.vpcId()));
        }
        if (event.previousVpcId() != null && !event.previousVpcId().equals(event.vpcId())) {
            compilation.submit(StoreChange.vpc(event.previousVpcId()));
        }
    }
}
