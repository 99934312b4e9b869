/**
 * Flow logs: configurations per VPC, subnet or instance (stored), and the version 2 records the
 * agents report for the ports they cover (not stored in the database). Records are held per
 * configuration in a ring of at most {@code vpclab.flow-logs.records-per-flow-log} entries: a full
 * ring drops its oldest record and counts it; with {@code vpclab.flow-logs.directory} set they are
 * also appended to a file per configuration that rolls over at {@code vpclab.flow-logs.file-max-bytes}
 * (the current file plus one rolled one, so disk use is at most twice that per configuration).
 * A port's host learns that it is covered from the {@code flowLog} field of its table port.
 */
package io.vpclab.controlplane.flowlog;
