package io.vpclab.controlplane.whitelist;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface WhitelistRuleRepository extends JpaRepository<WhitelistRule, String> {

    List<WhitelistRule> findByWhitelistIdOrderByPosition(String whitelistId);

    void deleteByWhitelistId(String whitelistId);
}
