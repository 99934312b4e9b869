/**
 * Topology files: a whole lab (hosts, tenants, VPCs, subnets, instances, NAT gateways, elastic
 * IPs, peerings) and the reachability it must show, in one YAML or JSON document. The parser
 * checks the schema and every reference and answers each problem with its line, column and JSON
 * pointer, so a file is refused before anything reaches a server.
 */
package io.vpclab.topology;
