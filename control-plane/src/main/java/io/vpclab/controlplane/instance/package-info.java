/**
 * Instances (ports): one row per port, with its subnet, host, private IP (from the subnet's IPAM)
 * and a locally administered MAC unique in its segment. Moving changes only the host.
 */
package io.vpclab.controlplane.instance;
