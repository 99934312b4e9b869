package io.vpclab.controlplane.vpc;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface VpcCidrBlockRepository extends JpaRepository<VpcCidrBlock, String> {

    List<VpcCidrBlock> findByVpcIdOrderByPrimaryDescCreatedAtAscIdAsc(String vpcId);

    void deleteByVpcId(String vpcId);
}
