package io.vpclab.controlplane.securitygroup;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface InstanceSecurityGroupRepository extends JpaRepository<InstanceSecurityGroup, String> {

    List<InstanceSecurityGroup> findByInstanceIdOrderByGroupId(String instanceId);

    boolean existsByGroupId(String groupId);

    List<InstanceSecurityGroup> findByGroupIdInOrderByInstanceId(Collection<String> groupIds);

    void deleteByInstanceId(String instanceId);
}
