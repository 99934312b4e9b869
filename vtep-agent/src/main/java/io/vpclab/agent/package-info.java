/**
 * The VTEP agent process: the command line ({@link io.vpclab.agent.AgentMain}) and its
 * standalone modes, a point-to-point tunnel on one TAP and a static forwarding table with the
 * ports it names. Each mode holds one UDP socket and one event loop; the table mode grows by one
 * device (and one namespace for netns ports) per local port.
 */
package io.vpclab.agent;
