package io.vpclab.controlplane.capture;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface CaptureRepository extends JpaRepository<Capture, String> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select c from Capture c where c.id = :id")
    Optional<Capture> lockById(String id);

    long countByStatusIn(Collection<String> statuses);

    List<Capture> findAllByOrderByStartedAtDesc();

    /** Finished captures, oldest first: the ones retention forgets. */
    List<Capture> findByStatusInOrderByStartedAtAsc(Collection<String> statuses);

    /** Active captures started before {@code before}: candidates for a deadline. */
    List<Capture> findByStatusInAndStartedAtBefore(Collection<String> statuses, Instant before);
}
