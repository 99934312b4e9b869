package io.vpclab.controlplane.internethost;

import io.vpclab.controlplane.system.ChangeKind;

/**
 * An internet host was created or deleted on the VTEP host {@code hostId}; the southbound
 * recompiles the public network. Listen with {@code @TransactionalEventListener}.
 */
public record InternetHostChanged(String internetHostId, String hostId, ChangeKind kind) {}
