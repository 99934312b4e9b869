package io.vpclab.controlplane.networkacl;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface NetworkAclEntryRepository extends JpaRepository<NetworkAclEntry, String> {

    List<NetworkAclEntry> findByAclIdOrderByEgressAscRuleNumberAsc(String aclId);

    void deleteByAclId(String aclId);
}
