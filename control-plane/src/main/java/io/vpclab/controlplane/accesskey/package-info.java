/**
 * Tenants' AWS-style access keys for the EC2 Query endpoint. The secret is kept sealed with
 * AES-GCM ({@link io.vpclab.controlplane.system.SecretSealer}) because SigV4 verification
 * needs the secret itself; a key acts as its tenant, exactly as a tenant bearer token does.
 */
package io.vpclab.controlplane.accesskey;
