package io.vpclab.controlplane.tenant;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface TenantRepository extends JpaRepository<Tenant, String> {

    boolean existsByName(String name);

    List<Tenant> findByIdGreaterThanOrderByIdAsc(String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select t from Tenant t where t.id = :id")
    Optional<Tenant> lockById(String id);
}
