/**
 * Internet hosts as a REST resource (/api/v1/internet-hosts, admin only): hosts on the simulated
 * public network, each at an address of vpclab.public.cidr on one VTEP host, kind simulated or
 * netns. They sit next to those configured in vpclab.public.internet-hosts (listed with source
 * "configuration", read-only); the southbound merges both into the public network the compiler
 * places. One row per host; a change recompiles the public network's hosts only.
 */
package io.vpclab.controlplane.internethost;
