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

    /**
     * The subnet of the VPC that starts last at or below {@code last}: one step down the (vpc_id,
     * first_address) index, where a scan for every range intersecting [first, last] read all the
     * VPC's subnets below it (the VLAN lesson's 4094 /28s made each create read them all). A
     * VPC's subnets never overlap, so it is the only one that can reach up to {@code first}.
     */
    @Query("select s from Subnet s where s.vpcId = :vpcId and s.firstAddress <= :last"
            + " order by s.vpcId desc, s.firstAddress desc")
    List<Subnet> startingAtOrBelow(String vpcId, long last, Limit limit);

    /** A subnet of the VPC whose range intersects [first, last], if any. */
    default Optional<Subnet> overlapping(String vpcId, long first, long last) {
        return startingAtOrBelow(vpcId, last, Limit.of(1)).stream()
                .filter(subnet -> subnet.cidr().last() >= first)
                .findFirst();
    }

    @Query("select s from Subnet s where (:tenantId is null or s.tenantId = :tenantId)"
            + " and (:vpcId is null or s.vpcId = :vpcId) and s.id > :afterId order by s.id")
    List<Subnet> page(String tenantId, String vpcId, String afterId, Limit limit);

    @Query("select s.id from Subnet s where s.tenantId = :tenantId order by s.id")
    List<String> idsOfTenant(String tenantId);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from Subnet s where s.id = :id")
    Optional<Subnet> lockById(String id);
}
