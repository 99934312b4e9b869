/**
 * Hosts (VTEPs): registration by the admin or an agent holding the bootstrap token, each host
 * with its own token and the instance kinds it can run. One row per lab machine; the southbound
 * updates status, generations and convergence through {@link io.vpclab.controlplane.host.HostService#update}.
 */
package io.vpclab.controlplane.host;
