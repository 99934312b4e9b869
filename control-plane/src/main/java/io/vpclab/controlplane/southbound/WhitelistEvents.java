package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.whitelist.WhitelistChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * A whitelist's rules changed: reload the VPCs whose elastic IPs use it, so their hosts get the
 * new rules (as one whitelist upsert in the table delta). A whitelist in use cannot be deleted,
 * so only rule changes matter here.
 */
@Component
class WhitelistEvents {

    private final NetworkCompilation compilation;
    private final StoreNetworkReader reader;

    WhitelistEvents(NetworkCompilation compilation, StoreNetworkReader reader) {
        this.compilation = compilation;
        this.reader = reader;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(WhitelistChanged event) {
        for (String vpcId : reader.vpcIdsUsingWhitelist(event.whitelistId())) {
            compilation.submit(StoreChange.vpc(vpcId));
        }
    }
}
