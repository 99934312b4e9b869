package io.vpclab.controlplane.subnet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** One address of a subnet in use by an owner (an instance, a NAT gateway). */
@Entity
@Table(name = "address_allocation")
@IdClass(AddressAllocation.Key.class)
class AddressAllocation {

    record Key(String subnetId, long address) implements Serializable {
        @SuppressWarnings("unused")
        Key() {
            this(null, 0);
        }
    }

    @Id
    @Column(name = "subnet_id")
    private String subnetId;

    @Id
    private long address;

    @Column(name = "owner_id", nullable = false)
    private String ownerId;

    protected AddressAllocation() {}

    AddressAllocation(String subnetId, long address, String ownerId) {
        this.subnetId = subnetId;
        this.address = address;
        this.ownerId = ownerId;
    }

    long address() {
        return address;
    }

    String ownerId() {
        return ownerId;
    }
}
