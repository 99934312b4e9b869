package io.vpclab.controlplane.southbound;

import io.vpclab.controlplane.internethost.InternetHostChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * An internet host came or went: a host change of its VTEP host makes the compilation re-read the
 * public network and recompile every host on the provider segment.
 */
@Component
class InternetHostEvents {

    private final NetworkCompilation compilation;

    InternetHostEvents(NetworkCompilation compilation) {
        this.compilation = compilation;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(InternetHostChanged event) {
        compilation.submit(StoreChange.host(event.hostId()));
    }
}
