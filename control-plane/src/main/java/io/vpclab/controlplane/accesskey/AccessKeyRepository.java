package io.vpclab.controlplane.accesskey;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface AccessKeyRepository extends JpaRepository<AccessKey, String> {

    List<AccessKey> findByTenantIdOrderByIdAsc(String tenantId);

    void deleteByTenantId(String tenantId);
}
