package io.vpclab.controlplane.host;

import jakarta.persistence.LockModeType;
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

    @Modifying
    @Query("update Host h set h.status = 'DISCONNECTED', h.connectedReplica = null where h.status <> 'DISCONNECTED'")
    int markAllDisconnected();
}
