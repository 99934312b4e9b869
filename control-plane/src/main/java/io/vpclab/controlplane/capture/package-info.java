/**
 * Packet captures on demand: at an instance's port (the frames as the instance sees them) or at
 * a host's underlay (VXLAN datagrams with their outer headers and VNI). The control plane only
 * books them: it sends a {@code capture} event on the host's table stream, the agent writes pcap
 * with the data plane's capture points and uploads the file, and the control plane checks that
 * the upload is well-formed pcap before anyone can download it.
 *
 * <p>Captures and their pcaps are stored in the database, so every replica sees them and the
 * agent may report to any; every replica checks their deadlines and the row lock lets one act.
 * Growth is bounded: at most
 * {@value io.vpclab.controlplane.capture.CaptureService#ACTIVE_LIMIT} run at once, at most
 * {@value io.vpclab.controlplane.capture.CaptureService#RETAINED} are kept (the oldest finished
 * go first), and each file is at most {@value io.vpclab.controlplane.capture.CaptureService#MAX_UPLOAD_BYTES} bytes.
 */
package io.vpclab.controlplane.capture;
