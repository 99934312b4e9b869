package io.vpclab.controlplane.vpn;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface CustomerGatewayRepository extends JpaRepository<CustomerGateway, String> {

    @Query("select c from CustomerGateway c where (:tenantId is null or c.tenantId = :tenantId)"
            + " and c.id > :afterId order by c.id")
    List<CustomerGateway> page(String tenantId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from CustomerGateway c where c.id = :id")
    Optional<CustomerGateway> lockById(String id);

    boolean existsByTenantId(String tenantId);
}
