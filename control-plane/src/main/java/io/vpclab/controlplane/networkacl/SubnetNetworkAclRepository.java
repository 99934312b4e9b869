package io.vpclab.controlplane.networkacl;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface SubnetNetworkAclRepository extends JpaRepository<SubnetNetworkAcl, String> {

    List<SubnetNetworkAcl> findByAclIdOrderBySubnetId(String aclId);

    List<SubnetNetworkAcl> findByAclIdIn(Collection<String> aclIds);

    boolean existsByAclId(String aclId);
}
