package io.vpclab.controlplane.internethost;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface InternetHostRepository extends JpaRepository<InternetHost, String> {

    boolean existsByName(String name);

    boolean existsByIp(String ip);

    boolean existsByHostId(String hostId);

    List<InternetHost> findAllByOrderByIdAsc();
}
