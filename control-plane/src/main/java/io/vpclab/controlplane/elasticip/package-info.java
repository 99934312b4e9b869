/**
 * Elastic IPs: public addresses from the provider pool ({@code vpclab.public.eip-pool}, by default
 * the documentation range 203.0.113.0/24), each associated 1:1 with an instance or a NAT gateway,
 * with an ingress policy (DENY_ALL, ALLOW_ALL or WHITELIST). One row per allocated address; the
 * pool row serialises allocation, unique keys on address, instance and NAT gateway back the 1:1
 * rules. An instance with an EIP leaves through it, bypassing its subnet's NAT gateway: that is a
 * property of the instance, not a route of its subnet.
 */
package io.vpclab.controlplane.elasticip;
