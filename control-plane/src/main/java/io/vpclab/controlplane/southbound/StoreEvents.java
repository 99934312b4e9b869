package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.host.HostChanged;
import io.vpclab.controlplane.instance.InstanceChanged;
import io.vpclab.controlplane.peering.PeeringChanged;
import io.vpclab.controlplane.subnet.SubnetChanged;
import io.vpclab.controlplane.system.ChangeKind;
import io.vpclab.controlplane.vpc.VpcChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Turns the features' change events into compilation work, after their transaction commits
 * (so the compiler reads what was committed, and a rolled-back request pushes nothing).
 */
@Component
class StoreEvents {

    private final NetworkCompilation compilation;

    StoreEvents(NetworkCompilation compilation) {
        this.compilation = compilation;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(VpcChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(SubnetChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(InstanceChanged event) {
        compilation.submit(StoreChange.vpc(event.vpcId()));
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(PeeringChanged event) {
        compilation.submit(StoreChange.peering(event.requesterVpcId(), event.accepterVpcId()));
    }

    /**
     * A host's underlay is fixed at registration, so only registration and removal change tables;
     * UPDATED is the southbound's own status bookkeeping (acks, generations, connection).
     */
    @TransactionalEventListener(fallbackExecution = true)
    void on(HostChanged event) {
        if (event.kind() != ChangeKind.UPDATED) {
            compilation.submit(StoreChange.host(event.hostId()));
        }
    }
}
