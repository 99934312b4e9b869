/**
 * The instance side of ports: TAP devices, network namespaces with a TAP inside, and simulated
 * hosts, created and removed with iproute2. One TAP (and for netns one namespace) per port.
 * Shared by the static table mode and the southbound.
 */
package io.vpclab.agent.port;
