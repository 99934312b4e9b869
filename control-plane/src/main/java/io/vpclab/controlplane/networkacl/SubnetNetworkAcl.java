package io.vpclab.controlplane.networkacl;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The one network ACL of a subnet. */
@Entity
@Table(name = "subnet_network_acl")
public class SubnetNetworkAcl {

    @Id
    @Column(name = "subnet_id")
    private String subnetId;

    @Column(name = "acl_id", nullable = false)
    private String aclId;

    protected SubnetNetworkAcl() {}

    SubnetNetworkAcl(String subnetId, String aclId) {
        this.subnetId = subnetId;
        this.aclId = aclId;
    }

    public String subnetId() {
        return subnetId;
    }

    public String aclId() {
        return aclId;
    }

    void replaceWith(String nextAclId) {
        this.aclId = nextAclId;
    }
}
