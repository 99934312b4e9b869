// Lesson: VLAN mode on the wire. What really crosses the underlay (the agents tunnel every segment in VXLAN, VLAN
// mode included), and the 802.1Q tag a trunk would carry for the same captured frame, built from the capture.
import { ping, forwardingTable } from '../api.js';
import { el } from '../dom.js';
import { VLAN_ID_LIMIT, VXLAN_OVERHEAD, DOT1Q_OVERHEAD } from './shared.js';
import { setupLessonTenant, setupAndCleanup, tryItYourself, captureAround, table, measureButton } from './kit.js';

const PREFIX = 'lesson-vlanwire';

export function vlanWireLesson() {
  let sample = null;
  const out = el('div', { id: 'vlanwire-result', role: 'status', 'aria-live': 'polite' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-vlanwire', 'aria-labelledby': 'lesson-vlanwire-title' },
    el('h3', { id: 'lesson-vlanwire-title' }, 'VLAN mode on the wire: what really crosses the underlay'),
    el(
      'p',
      {},
      `In VLAN teaching mode the control plane gives every subnet a 12-bit VLAN ID and refuses the 4095th, as a switched
      network must. The agents still carry every segment between hosts in VXLAN over UDP: the underlay has no trunk
      between them, only IP. So in either mode a capture on the underlay shows a VXLAN datagram. Below, a real one, and
      the 802.1Q-tagged frame a trunk would carry for the same inner frame, built from the captured bytes.`,
    ),
    ...setupAndCleanup('vlanwire', PREFIX, async (status) => {
      sample = await setupLessonTenant({
        prefix: PREFIX,
        cidr: '10.32.0.0/16',
        subnetCidr: '10.32.1.0/24',
        perHost: 1,
        hosts: 2,
      });
      status.textContent = `Created ${sample.tenant.name}: subnet 10.32.1.0/24, segment ${sample.subnet.segmentId} (${sample.subnet.segmentation}).`;
    }),
    ' ',
    measureButton('vlanwire-run', 'Capture and compare', out, () => sample, run),
    out,
    tryItYourself([
      'export VPCLAB_TOKEN=$(cat data/admin-token)',
      'vpclab get subnets -o json            # segmentation and segmentId (the VLAN ID in VLAN mode)',
      'curl -s -H "Authorization: Bearer $VPCLAB_TOKEN" localhost:8080/api/v1/hosts/HOST_ID/forwarding-table   # segments: vni, vlanId',
      'vpclab exec lesson-vlanwire-1 -- ping -c 2 10.32.1.5',
      '# Diagnostics screen: capture the underlay, download the pcap, then: tshark -r FILE.pcap -V -d udp.port==4789,vxlan',
    ]),
  );
  return { node };
}

const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

async function run(sample, status) {
  const [source, target] = sample.instances;
  const forwarding = await forwardingTable(source.hostId);
  const segment = (forwarding.segments || []).find((s) => s.subnetId === sample.subnet.subnetId) || {};
  status.textContent = `Capturing the underlay of the source host while ${source.name} pings ${target.privateIpAddress} ...`;
  const { capture, records } = await captureAround(source.hostId, () =>
    ping(source.instanceId, { target: target.privateIpAddress, count: 2, timeoutMillis: 1000 }),
  );
  const datagram = records.map(vxlanInner).find(Boolean);
  if (!datagram)
    return [el('p', {}, `Capture ${capture.captureId} holds no VXLAN datagram: did the ping cross hosts?`)];
  const inner = datagram.inner;
  const vlanId = segment.vlanId;
  const vid = vlanId || (datagram.vni <= VLAN_ID_LIMIT ? datagram.vni : null);
  const tci = vid === null ? null : [(vid >> 8) & 0x0f, vid & 0xff]; // PCP 0, DEI 0, 12-bit VID
  const tagged = tci
    ? [
        { name: 'dst MAC', bytes: inner.slice(0, 6) },
        { name: 'src MAC', bytes: inner.slice(6, 12) },
        { name: 'TPID 0x8100 (802.1Q)', bytes: [0x81, 0x00], tag: true },
        { name: `TCI: PCP 0, DEI 0, VID ${vid}`, bytes: tci, tag: true },
        { name: 'EtherType and payload, as captured', bytes: inner.slice(12) },
      ]
    : null;
  const mode = vlanId
    ? `This server runs in VLAN mode: the subnet's VLAN ID is ${vlanId}, and its segment still crosses the underlay as VNI ${datagram.vni}.`
    : `This server runs in VXLAN mode: the segment has no VLAN ID. ` +
      (vid === null
        ? `VNI ${datagram.vni} is above ${VLAN_ID_LIMIT}: no 802.1Q tag could carry this segment at all.`
        : `A trunk could carry VNI ${datagram.vni} only as VID ${vid}, because it happens to be at most ${VLAN_ID_LIMIT}.`);
  return [
    el(
      'p',
      {
        id: 'vlanwire-truth',
        'data-vni': datagram.vni,
        'data-vlan-id': vlanId || '',
        'data-overhead': datagram.length - inner.length,
      },
      `On the wire (capture ${capture.captureId}): a ${datagram.length}-byte UDP datagram to port ${datagram.port}, VXLAN VNI ${datagram.vni},
      carrying the ${inner.length}-byte frame: ${datagram.length - inner.length} bytes of tunnel. ${mode}`,
    ),
    table(
      'The captured outer headers',
      ['header', 'bytes', 'as captured'],
      datagram.outer.map((f) => [el('td', {}, f.name), f.bytes.length, el('td', { class: 'hex' }, hex(f.bytes))]),
      { id: 'vlanwire-outer' },
    ),
    tagged
      ? el(
          'div',
          {},
          el(
            'p',
            { id: 'vlanwire-tagged', 'data-tag': hex([0x81, 0x00, ...tci]), 'data-overhead': DOT1Q_OVERHEAD },
            `What a trunk would carry for the same frame: ${inner.length + DOT1Q_OVERHEAD} bytes, the inner frame with a
            ${DOT1Q_OVERHEAD}-byte tag after the source MAC (against ${VXLAN_OVERHEAD} bytes of VXLAN):`,
          ),
          table(
            '802.1Q-tagged frame built from the capture',
            ['field', 'bytes', 'value'],
            tagged.map((f) => [
              el('td', { class: f.tag ? 'tag' : '' }, f.name),
              f.bytes.length,
              el('td', { class: 'hex' }, hex(f.bytes.slice(0, 16)) + (f.bytes.length > 16 ? ' ...' : '')),
            ]),
            { id: 'vlanwire-tag' },
          ),
        )
      : el('p', { id: 'vlanwire-tagged', 'data-tag': '' }, 'No tag can be built: the segment ID does not fit 12 bits.'),
  ];
}

/** A captured VXLAN datagram split into its outer headers and the inner frame, or null. */
function vxlanInner(f) {
  if (f.length < 14 + 20 + 8 + 8 + 14 || f[12] !== 8 || f[13] !== 0 || f[23] !== 17) return null;
  const udp = 14 + (f[14] & 15) * 4;
  const vxlan = udp + 8;
  if ((f[vxlan] & 8) === 0) return null;
  const bytes = (from, to) => [...f.slice(from, to)];
  return {
    length: f.length,
    port: (f[udp + 2] << 8) | f[udp + 3],
    vni: (f[vxlan + 4] << 16) | (f[vxlan + 5] << 8) | f[vxlan + 6],
    outer: [
      { name: 'outer Ethernet (written by the capture point)', bytes: bytes(0, 14) },
      { name: 'outer IPv4 (agent to agent)', bytes: bytes(14, udp) },
      { name: 'UDP', bytes: bytes(udp, vxlan) },
      { name: 'VXLAN (flags, 24-bit VNI)', bytes: bytes(vxlan, vxlan + 8) },
    ],
    inner: bytes(vxlan + 8, f.length),
  };
}
