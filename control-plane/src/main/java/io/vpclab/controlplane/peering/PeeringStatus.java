package io.vpclab.controlplane.peering;

/** The life of a peering, with the contract's wire names. Deleted peerings are gone, not stored. */
public enum PeeringStatus {
    PENDING_ACCEPTANCE("pending-acceptance"),
    ACTIVE("active"),
    REJECTED("rejected");

    private final String value;

    PeeringStatus(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    static PeeringStatus fromValue(String value) {
        for (PeeringStatus status : values()) {
            if (status.value.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown peering status " + value);
    }
}
