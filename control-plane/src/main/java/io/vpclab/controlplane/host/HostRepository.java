package io.vpclab.controlplane.host;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface HostRepository extends JpaRepository<Host, String> {

    boolean existsByName(String name);

    Optional<Host> findByTokenHash(String tokenHash);

    List<Host> findByIdGreaterThanOrderByIdAsc(String afterId, Limit limit);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select h from Host h where h.id = :id")
    Optional<Host> lockById(String id);

    /**
     * An ack in one statement: the row is locked only while it runs, not from a read to the
     * commit, and the agent's request makes one round trip to the database instead of two.
     */
    @Modifying
    @Query("update Host h set h.appliedGeneration = case when h.appliedGeneration < :generation"
            + " then :generation else h.appliedGeneration end, h.lastSeen = :when where h.id = :id")
    int acknowledge(String id, long generation, Instant when);

    /** {@link #acknowledge}, recording the change's commit-to-ack time as well. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query("update Host h set h.appliedGeneration = case when h.appliedGeneration < :generation"
            + " then :generation else h.appliedGeneration end, h.lastSeen = :when,"
            + " h.convergenceMillis = :millis where h.id = :id")
    int acknowledgeConverged(String id, long generation, Instant when, long millis);

    @Modifying
    @Query("update Host h set h.status = 'DISCONNECTED', h.connectedReplica = null where h.status <> 'DISCONNECTED'")
    int markAllDisconnected();
}
