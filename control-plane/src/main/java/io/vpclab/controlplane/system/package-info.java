/**
 * Cross-cutting pieces every feature uses: the Caller of a request and its bearer-token filter,
 * problem+json errors ({@link io.vpclab.controlplane.system.ApiException} and one advice), AWS-like
 * IDs, keyset pagination, IPv4 CIDR values, settings and request/error metrics.
 */
package io.vpclab.controlplane.system;
