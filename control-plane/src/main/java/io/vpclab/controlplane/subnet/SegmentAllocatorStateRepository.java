package io.vpclab.controlplane.subnet;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface SegmentAllocatorStateRepository extends JpaRepository<SegmentAllocatorState, String> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from SegmentAllocatorState s where s.segmentation = :segmentation")
    Optional<SegmentAllocatorState> lock(String segmentation);
}
