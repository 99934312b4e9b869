package io.vpclab.controlplane.securitygroup;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface InstanceSecurityGroupRepository extends JpaRepository<InstanceSecurityGroup, String> {

    List<InstanceSecurityGroup> findByInstanceIdOrderByGroupId(String instanceId);

    boolean existsByGroupId(String groupId);

    void deleteByInstanceId(String instanceId);
}
