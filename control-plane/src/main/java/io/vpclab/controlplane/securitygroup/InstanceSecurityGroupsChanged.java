package io.vpclab.controlplane.securitygroup;

import java.util.List;

/**
 * Published inside the transaction when an instance's groups are replaced (not on launch, which
 * {@code InstanceChanged} covers). Listen with {@code @TransactionalEventListener}.
 */
public record InstanceSecurityGroupsChanged(
        String instanceId, String vpcId, String tenantId, List<String> securityGroupIds) {}
