/**
 * Applies a parsed topology through the REST API: resources are found by name, so applying the
 * same file twice changes nothing; a refusal halfway deletes what this apply created, so nothing
 * of a file is left half-applied; the expectations are then probed and reported.
 */
package io.vpclab.topology.apply;
