/**
 * The {@code vpclab} command line (picocli): validate and apply topology files, probe and measure
 * reachability against a running control plane. Exit codes tell scripts and CI what happened
 * (met, not met, invalid file, refused) without reading the output.
 */
package io.vpclab.topology.cli;
