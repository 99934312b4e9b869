/**
 * Security groups (AWS semantics): per VPC, stateful, allow-only ingress and egress rules whose
 * peer is a CIDR or another group of the same VPC or of an actively peered VPC. Each VPC gets a
 * {@code default} group when it is created (members reach each other, all egress allowed) that
 * lives and dies with the VPC; each instance carries 1..5 groups of its VPC. Every change holds
 * the VPC's row lock ({@code VpcService.lockForMutation}), so quotas, duplicate checks and
 * delete-while-referenced races are serialised. A group grows by one row per rule (at most
 * {@value io.vpclab.controlplane.securitygroup.SecurityGroupService#MAX_RULES_PER_DIRECTION} per
 * direction) and one membership row per instance.
 */
package io.vpclab.controlplane.securitygroup;
