/**
 * Elastic IPs: public addresses from the provider pool ({@code vpclab.public.eip-pool}, by default
 * the documentation range 203.0.113.0/24), each associated 1:1 with an instance or a NAT gateway,
 * with an ingress policy (DENY_ALL, ALLOW_ALL or WHITELIST). One row per allocated address; the
 * pool row serialises allocation, unique keys on address, instance and NAT gateway back the 1:1
 * rules. Subnets show an internet-gateway route per instance with an EIP (it bypasses the NAT).
 */
package io.vpclab.controlplane.elasticip;
