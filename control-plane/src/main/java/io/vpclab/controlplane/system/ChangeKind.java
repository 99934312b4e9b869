package io.vpclab.controlplane.system;

/** What happened to a resource, carried by every {@code XChanged} event. */
public enum ChangeKind {
    CREATED,
    UPDATED,
    DELETED
}
