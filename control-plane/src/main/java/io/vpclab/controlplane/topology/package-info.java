/**
 * POST /api/v1/topology-applications: a topology file (YAML or JSON, the format of
 * topology-samples/README.md) is parsed and checked by the topology module, then applied through
 * this server's own REST API with the caller's token, exactly as {@code bin/vpclab apply} does
 * from outside. So a file can do no more than its caller may, and the endpoint and the CLI give the
 * same report. Nothing is stored here: the report is computed per request.
 */
package io.vpclab.controlplane.topology;
