package io.vpclab.controlplane.eip;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface EipPoolRepository extends JpaRepository<EipPool, String> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from EipPool p where p.id = :id")
    Optional<EipPool> lockById(String id);
}
