/**
 * The forwarding pipeline, one file per stage, assembled by {@link io.vpclab.dataplane.pipeline.Pipeline}
 * whose class comment lists the stages in processing order.
 *
 * <p>Buffer ownership: every stage method that receives a frame owns it and must forward it
 * (ownership passes to a device or the underlay), turn it into a reply, or drop it through
 * {@link io.vpclab.dataplane.pipeline.Forwarding#drop}, which counts the reason and releases it.
 * Copies for flooding are {@code retainedDuplicate()}s, each owned by its receiver.
 *
 * <p>Each pipeline runs on one event loop; no stage locks or allocates per packet on the
 * forwarding path (error replies such as ICMP time exceeded allocate their buffer). A VTEP with
 * several loops runs one pipeline per loop: what they share ({@link
 * io.vpclab.dataplane.pipeline.SharedFlowState}: NAT sessions, tracked connections; captures)
 * takes a per-table monitor, only on the NAT and elastic IP paths.
 */
package io.vpclab.dataplane.pipeline;
