package io.vpclab.controlplane.networkacl;

import io.vpclab.controlplane.securitygroup.Permission;
import io.vpclab.net.Ipv4Prefix;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One stored entry of a network ACL. */
@Entity
@Table(name = "network_acl_entry")
public class NetworkAclEntry {

    @Id
    private String id;

    @Column(name = "acl_id", nullable = false)
    private String aclId;

    @Column(nullable = false)
    private boolean egress;

    @Column(name = "rule_number", nullable = false)
    private int ruleNumber;

    @Column(nullable = false)
    private String protocol;

    @Column(nullable = false)
    private boolean allow;

    @Column(name = "cidr_block", nullable = false)
    private String cidrBlock;

    @Column(name = "from_port")
    private Integer fromPort;

    @Column(name = "to_port")
    private Integer toPort;

    protected NetworkAclEntry() {}

    NetworkAclEntry(String id, String aclId, AclEntry entry) {
        this.id = id;
        this.aclId = aclId;
        this.egress = entry.egress();
        this.ruleNumber = entry.ruleNumber();
        this.protocol = entry.match().protocol().name();
        this.allow = entry.allow();
        this.cidrBlock = entry.match().cidr().toString();
        this.fromPort = entry.match().fromPort();
        this.toPort = entry.match().toPort();
    }

    public String aclId() {
        return aclId;
    }

    public boolean egress() {
        return egress;
    }

    public int ruleNumber() {
        return ruleNumber;
    }

    public AclEntry entry() {
        return new AclEntry(
                ruleNumber,
                allow,
                new Permission(
                        egress ? Permission.Direction.EGRESS : Permission.Direction.INGRESS,
                        Permission.Protocol.valueOf(protocol),
                        fromPort,
                        toPort,
                        Ipv4Prefix.parse(cidrBlock),
                        null));
    }
}
