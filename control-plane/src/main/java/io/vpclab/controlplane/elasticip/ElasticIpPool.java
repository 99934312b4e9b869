package io.vpclab.controlplane.elasticip;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The provider pool's one row: locked by every allocation and release, it counts what is held. */
@Entity
@Table(name = "eip_pool")
class ElasticIpPool {

    static final String DEFAULT = "default";

    @Id
    private String id;

    @Column(name = "held_count", nullable = false)
    private int heldCount;

    protected ElasticIpPool() {}

    int heldCount() {
        return heldCount;
    }

    void held(int delta) {
        heldCount += delta;
    }
}
