package io.vpclab.controlplane.securitygroup;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One group an instance carries (an instance has 1..5 such rows). */
@Entity
@Table(name = "instance_security_group")
public class InstanceSecurityGroup {

    @Id
    private String id;

    @Column(name = "instance_id", nullable = false)
    private String instanceId;

    @Column(name = "group_id", nullable = false)
    private String groupId;

    protected InstanceSecurityGroup() {}

    InstanceSecurityGroup(String id, String instanceId, String groupId) {
        this.id = id;
        this.instanceId = instanceId;
        this.groupId = groupId;
    }

    public String instanceId() {
        return instanceId;
    }

    public String groupId() {
        return groupId;
    }
}
