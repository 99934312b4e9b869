/**
 * Network ACLs (AWS semantics): per VPC, stateless, numbered entries (1..32766) per direction,
 * evaluated lowest number first, the first match deciding allow or deny, and an implicit final
 * {@code *} deny. Each VPC gets a default ACL when it is created (rule 100 allows everything in
 * both directions) that lives and dies with the VPC; each subnet is associated with exactly one
 * ACL of its VPC, the default one when it is created. Every change holds the VPC's row lock. An
 * ACL grows by one row per entry (at most
 * {@value io.vpclab.controlplane.networkacl.NetworkAclService#MAX_ENTRIES_PER_DIRECTION} per
 * direction) and one row per associated subnet.
 */
package io.vpclab.controlplane.networkacl;
