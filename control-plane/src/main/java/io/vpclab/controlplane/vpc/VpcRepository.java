package io.vpclab.controlplane.vpc;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface VpcRepository extends JpaRepository<Vpc, String> {

    long countByTenantId(String tenantId);

    boolean existsByTenantId(String tenantId);

    @Query("select v from Vpc v where (:tenantId is null or v.tenantId = :tenantId) and v.id > :afterId order by v.id")
    List<Vpc> page(String tenantId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select v from Vpc v where v.id = :id")
    Optional<Vpc> lockById(String id);
}
