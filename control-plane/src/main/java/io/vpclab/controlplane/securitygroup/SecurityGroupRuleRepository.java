package io.vpclab.controlplane.securitygroup;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface SecurityGroupRuleRepository extends JpaRepository<SecurityGroupRule, String> {

    List<SecurityGroupRule> findByGroupIdOrderByPosition(String groupId);

    /** Rules of other groups that name {@code referencedGroupId} as their peer. */
    boolean existsByReferencedGroupIdAndGroupIdNotIn(String referencedGroupId, Collection<String> groupIds);

    void deleteByGroupId(String groupId);
}
