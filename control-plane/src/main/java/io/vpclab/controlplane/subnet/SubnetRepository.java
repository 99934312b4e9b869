package io.vpclab.controlplane.subnet;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface SubnetRepository extends JpaRepository<Subnet, String> {

    boolean existsBySegmentationAndSegmentId(String segmentation, int segmentId);

    long countBySegmentation(String segmentation);

    long countByVpcId(String vpcId);

    boolean existsByVpcId(String vpcId);

    /** Subnets of the VPC whose range intersects [first, last]: an index range scan on (vpc_id, first_address). */
    @Query("select s from Subnet s where s.vpcId = :vpcId and s.firstAddress <= :last and s.lastAddress >= :first")
    List<Subnet> overlapping(String vpcId, long first, long last, Limit limit);

    @Query("select s from Subnet s where (:tenantId is null or s.tenantId = :tenantId)"
            + " and (:vpcId is null or s.vpcId = :vpcId) and s.id > :afterId order by s.id")
    List<Subnet> page(String tenantId, String vpcId, String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from Subnet s where s.id = :id")
    Optional<Subnet> lockById(String id);
}
