package io.vpclab.controlplane.securitygroup;

import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One stored rule of a security group: its validated permission, in the order rules were added. */
@Entity
@Table(name = "security_group_rule")
public class SecurityGroupRule {

    @Id
    private String id;

    @Column(name = "group_id", nullable = false)
    private String groupId;

    @Column(nullable = false)
    private String direction;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false)
    private String protocol;

    @Column(name = "from_port")
    private Integer fromPort;

    @Column(name = "to_port")
    private Integer toPort;

    @Column(name = "cidr_block")
    private String cidrBlock;

    @Column(name = "referenced_group_id")
    private String referencedGroupId;

    @Column
    private String description;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected SecurityGroupRule() {}

    SecurityGroupRule(
            String id, String groupId, int position, Permission permission, String description, Instant createdAt) {
        this.id = id;
        this.groupId = groupId;
        this.position = position;
        this.direction = permission.direction().name();
        this.protocol = permission.protocol().name();
        this.fromPort = permission.fromPort();
        this.toPort = permission.toPort();
        this.cidrBlock = permission.cidr() == null ? null : permission.cidr().toString();
        this.referencedGroupId = permission.referencedGroupId();
        this.description = description;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String groupId() {
        return groupId;
    }

    public int position() {
        return position;
    }

    public String description() {
        return description;
    }

    public Permission permission() {
        return new Permission(
                Permission.Direction.valueOf(direction),
                Permission.Protocol.valueOf(protocol),
                fromPort,
                toPort,
                cidrBlock == null ? null : Ipv4Prefix.parse(cidrBlock),
                referencedGroupId);
    }
}
