package io.vpclab.controlplane.elasticip;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface ElasticIpRepository extends JpaRepository<ElasticIp, String> {

    @Query("select e from ElasticIp e where (:tenantId is null or e.tenantId = :tenantId)"
            + " and (:vpcId is null or e.vpcId = :vpcId) and e.id > :afterId order by e.id")
    List<ElasticIp> page(String tenantId, String vpcId, String afterId, Limit limit);

    /** Held addresses of the pool range in order, to find the lowest gap (the pool is at most a few thousand). */
    @Query("select e.address from ElasticIp e where e.address between :first and :last order by e.address")
    List<Long> addressesBetween(long first, long last);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select e from ElasticIp e where e.id = :id")
    Optional<ElasticIp> lockById(String id);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select e from ElasticIp e where e.instanceId = :instanceId")
    Optional<ElasticIp> lockByInstanceId(String instanceId);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select e from ElasticIp e where e.natGatewayId = :natGatewayId")
    Optional<ElasticIp> lockByNatGatewayId(String natGatewayId);

    Optional<ElasticIp> findByNatGatewayId(String natGatewayId);

    Optional<ElasticIp> findByInstanceId(String instanceId);

    List<ElasticIp> findByInstanceIdIn(java.util.Collection<String> instanceIds);

    List<ElasticIp> findBySubnetIdAndInstanceIdIsNotNullOrderById(String subnetId);

    boolean existsByWhitelistId(String whitelistId);

    boolean existsByTenantId(String tenantId);
}
