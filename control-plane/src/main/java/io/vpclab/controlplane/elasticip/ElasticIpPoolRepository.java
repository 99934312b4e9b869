package io.vpclab.controlplane.elasticip;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface ElasticIpPoolRepository extends JpaRepository<ElasticIpPool, String> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from ElasticIpPool p where p.id = :id")
    Optional<ElasticIpPool> lockById(String id);
}
