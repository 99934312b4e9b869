package io.vpclab.controlplane.tenant;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface TenantTokenRepository extends JpaRepository<TenantToken, String> {

    Optional<TenantToken> findByTokenHash(String tokenHash);

    List<TenantToken> findByTenantIdOrderByIdAsc(String tenantId);

    void deleteByTenantId(String tenantId);
}
