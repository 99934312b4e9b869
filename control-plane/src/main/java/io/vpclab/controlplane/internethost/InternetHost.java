package io.vpclab.controlplane.internethost;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An internet host created through the API. */
@Entity
@Table(name = "internet_host")
public class InternetHost {

    @Id
    private String id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String ip;

    @Column(name = "host_id", nullable = false)
    private String hostId;

    @Column(nullable = false)
    private String kind;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected InternetHost() {}

    InternetHost(String id, String name, String ip, String hostId, String kind, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.ip = ip;
        this.hostId = hostId;
        this.kind = kind;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String ip() {
        return ip;
    }

    public String hostId() {
        return hostId;
    }

    public String kind() {
        return kind;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
