package io.vpclab.controlplane.whitelist;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored rule of a whitelist: its validated match and its hit counter. */
@Entity
@Table(name = "whitelist_rule")
public class WhitelistRule {

    @Id
    private String id;

    @Column(name = "whitelist_id", nullable = false)
    private String whitelistId;

    /** Order of addition within the whitelist (rules are shown, and may be matched, in this order). */
    @Column(nullable = false)
    private int position;

    @Column(nullable = false)
    private String protocol;

    @Column(name = "cidr_block", nullable = false)
    private String cidrBlock;

    @Column(name = "from_port")
    private Integer fromPort;

    @Column(name = "to_port")
    private Integer toPort;

    @Column(name = "hit_count", nullable = false)
    private long hitCount;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected WhitelistRule() {}

    WhitelistRule(String id, String whitelistId, int position, RuleMatch match, Instant createdAt) {
        this.id = id;
        this.whitelistId = whitelistId;
        this.position = position;
        this.protocol = match.protocol().name();
        this.cidrBlock = match.cidr().toString();
        this.fromPort = match.fromPort();
        this.toPort = match.toPort();
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String whitelistId() {
        return whitelistId;
    }

    public RuleMatch match() {
        return RuleMatch.stored(RuleMatch.Protocol.valueOf(protocol), cidrBlock, fromPort, toPort);
    }

    public int position() {
        return position;
    }

    public long hitCount() {
        return hitCount;
    }

    void addHits(long hits) {
        hitCount += hits;
    }
}
