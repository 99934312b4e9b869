package io.vpclab.controlplane.whitelist;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface WhitelistRepository extends JpaRepository<Whitelist, String> {

    boolean existsByTenantIdAndName(String tenantId, String name);

    boolean existsByTenantId(String tenantId);

    @Query(
            "select w from Whitelist w where (:tenantId is null or w.tenantId = :tenantId) and w.id > :afterId order by w.id")
    List<Whitelist> page(String tenantId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select w from Whitelist w where w.id = :id")
    Optional<Whitelist> lockById(String id);
}
