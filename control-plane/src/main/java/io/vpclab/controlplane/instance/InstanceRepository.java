package io.vpclab.controlplane.instance;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface InstanceRepository extends JpaRepository<Instance, String> {

    boolean existsBySubnetIdAndMacAddress(String subnetId, String macAddress);

    boolean existsBySubnetId(String subnetId);

    boolean existsByHostId(String hostId);

    List<Instance> findByHostId(String hostId);

    /** A VPC's instances, by the index on (vpc_id, id). */
    List<Instance> findByVpcIdOrderById(String vpcId);

    @Query("select i from Instance i where (:tenantId is null or i.tenantId = :tenantId)"
            + " and (:vpcId is null or i.vpcId = :vpcId) and (:subnetId is null or i.subnetId = :subnetId)"
            + " and (:hostId is null or i.hostId = :hostId) and i.id > :afterId order by i.id")
    List<Instance> page(String tenantId, String vpcId, String subnetId, String hostId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select i from Instance i where i.id = :id")
    Optional<Instance> lockById(String id);
}
