package io.vpclab.controlplane.instance;

import java.util.List;

/**
 * Published synchronously inside the launch transaction after the instance row is stored, with the
 * security groups the request named (empty: none named). The security group feature stores the
 * instance's groups or refuses by throwing, which rolls the launch back.
 */
public record InstanceLaunching(String instanceId, String vpcId, String tenantId, List<String> securityGroupIds) {}
