// Lesson 2, header anatomy: a frame built byte by byte with an 802.1Q tag and inside VXLAN, then a real VXLAN datagram captured on the wire.
import { create, getCapture, ping, stopCapture, capturePcap } from '../api.js';
import { el, showError, clearError } from '../dom.js';
import { waitFor } from '../poller.js';
import { VLAN_ID_LIMIT, VXLAN_OVERHEAD, DOT1Q_OVERHEAD, setupButton, pickPair } from './shared.js';

export function anatomyLesson(world) {
  const out = el('div', { id: 'anatomy' });
  const captured = el('div', { id: 'anatomy-wire', role: 'status', 'aria-live': 'polite' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-anatomy', 'aria-labelledby': 'lesson-anatomy-title' },
    el('h3', { id: 'lesson-anatomy-title' }, 'Header anatomy: 4 bytes of tag vs 50 bytes of tunnel'),
    el(
      'p',
      {},
      `The same inner frame (an ICMP echo between two instances of the current topology, or example addresses)
      as it crosses a VLAN trunk and as it crosses the underlay inside VXLAN. Every byte is built here from the
      contract's formats: Ethernet, 802.1Q, IPv4, UDP port 4789, the 8-byte VXLAN header with its 24-bit VNI.`,
    ),
    setupButton('anatomy-setup'),
    ' ',
    el('button', { type: 'button', id: 'anatomy-render', onclick: () => render() }, 'Rebuild from the topology'),
    out,
    el(
      'p',
      {},
      `Then see the real thing: capture the source host's underlay while one instance pings another on a different
      host, and the first VXLAN datagram of the capture is labelled byte by byte (admin token; the pcap stays in Diagnostics).`,
    ),
    el(
      'button',
      {
        type: 'button',
        id: 'anatomy-capture',
        onclick: async () => {
          captured.dataset.done = 'false';
          try {
            captured.replaceChildren(...(await captureAnatomy(world(), captured)));
            clearError();
          } catch (e) {
            captured.textContent = `Could not capture: ${e.message}`;
            showError(e);
          }
          captured.dataset.done = 'true';
        },
      },
      'Capture one on the wire',
    ),
    captured,
  );
  function render() {
    const w = world();
    out.replaceChildren(...anatomy(w));
  }
  return { node, render };
}

/** The records of a classic pcap file (either byte order), as byte arrays. */
export function pcapRecords(buffer) {
  const view = new DataView(buffer);
  const little = [0xa1b2c3d4, 0xa1b23c4d].includes(view.getUint32(0, true));
  if (!little && ![0xa1b2c3d4, 0xa1b23c4d].includes(view.getUint32(0, false))) throw new Error('not a pcap file');
  const records = [];
  for (let at = 24; at + 16 <= buffer.byteLength; ) {
    const length = view.getUint32(at + 8, little);
    if (at + 16 + length > buffer.byteLength) break;
    records.push(new Uint8Array(buffer, at + 16, length));
    at += 16 + length;
  }
  return records;
}

/** Labels a captured VXLAN datagram carrying an ICMP echo request, or null when the record is something else. */
function vxlanEchoFields(f) {
  const bytes = (from, to) => [...f.slice(from, to)];
  if (f.length < 14 + 20 + 8 + 8 + 14 + 20 + 8 || f[12] !== 8 || f[13] !== 0 || f[23] !== 17) return null;
  const udp = 14 + (f[14] & 15) * 4;
  const vxlan = udp + 8;
  const inner = vxlan + 8;
  const innerIp = inner + 14;
  if ((f[vxlan] & 8) === 0 || f[inner + 12] !== 8 || f[inner + 13] !== 0 || f[innerIp + 9] !== 1) return null;
  const icmp = innerIp + (f[innerIp] & 15) * 4;
  if (f[icmp] !== 8) return null;
  const ip = (at) => [...f.slice(at, at + 4)].join('.');
  const vni = (f[vxlan + 4] << 16) | (f[vxlan + 5] << 8) | f[vxlan + 6];
  const port = (at) => (f[at] << 8) | f[at + 1];
  return {
    vni,
    length: f.length,
    innerLength: f.length - inner,
    fields: [
      { name: 'outer dst MAC (synthesized)', bytes: bytes(0, 6), outer: true },
      { name: 'outer src MAC (synthesized)', bytes: bytes(6, 12), outer: true },
      { name: 'EtherType IPv4', bytes: bytes(12, 14), outer: true },
      { name: `outer IPv4 ${ip(26)} -> ${ip(30)}`, bytes: bytes(14, udp), outer: true },
      { name: 'UDP src port', bytes: bytes(udp, udp + 2), outer: true },
      { name: `UDP dst ${port(udp + 2)}`, bytes: bytes(udp + 2, udp + 4), outer: true },
      { name: 'UDP length', bytes: bytes(udp + 4, udp + 6), outer: true },
      { name: 'UDP checksum', bytes: bytes(udp + 6, udp + 8), outer: true },
      { name: 'VXLAN flags (I)', bytes: bytes(vxlan, vxlan + 4), vxlan: true },
      { name: `VNI ${vni} (24 bit)`, bytes: bytes(vxlan + 4, vxlan + 7), vxlan: true },
      { name: 'reserved', bytes: bytes(vxlan + 7, vxlan + 8), vxlan: true },
      { name: 'dst MAC', bytes: bytes(inner, inner + 6), inner: true },
      { name: 'src MAC', bytes: bytes(inner + 6, inner + 12), inner: true },
      { name: 'EtherType IPv4', bytes: bytes(inner + 12, inner + 14), inner: true },
      { name: `IPv4 ${ip(innerIp + 12)} -> ${ip(innerIp + 16)}`, bytes: bytes(innerIp, icmp), inner: true },
      { name: 'ICMP echo request', bytes: bytes(icmp, icmp + 8), inner: true },
      { name: 'ping payload', bytes: bytes(icmp + 8, f.length), inner: true },
    ],
  };
}

async function captureAnatomy(w, status) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const [a, b] = pickPair(w.instances.filter((i) => i.subnetId && i.hostId));
  if (!a || !b || a.hostId === b.hostId)
    return [
      el('p', {}, 'Two instances of one subnet on different hosts are needed: set up the sample topology first.'),
    ];
  const host = w.hosts.find((h) => h.hostId === a.hostId) || { name: a.hostId };
  status.textContent = `Capturing the underlay of ${host.name} while ${a.name || a.instanceId} pings ${b.privateIpAddress} ...`;
  const capture = await create('captures', { hostId: a.hostId, maxPackets: 50, maxSeconds: 30 });
  await waitFor(async () => (await getCapture(capture.captureId)).status !== 'starting', { every: 200, tries: 50 });
  await ping(a.instanceId, { target: b.privateIpAddress, count: 2, timeoutMillis: 1000 });
  const stopped = await stopCapture(capture.captureId);
  if (stopped.status !== 'stopped')
    throw new Error(`capture ${capture.captureId} is ${stopped.status}${stopped.error ? ': ' + stopped.error : ''}`);
  const { blob } = await capturePcap(capture.captureId);
  const datagram = pcapRecords(await blob.arrayBuffer())
    .map(vxlanEchoFields)
    .find(Boolean);
  if (!datagram)
    return [
      el(
        'p',
        {},
        `Capture ${capture.captureId} (${stopped.packets} packets) holds no VXLAN echo request: the ping may not have crossed hosts.`,
      ),
    ];
  const row = el(
    'div',
    { class: 'bytes' },
    datagram.fields.map((f) =>
      el(
        'span',
        {
          class: 'field' + (f.outer ? ' outer' : '') + (f.vxlan ? ' vxlan' : '') + (f.inner ? ' inner' : ''),
        },
        el('span', { class: 'name' }, `${f.name} (${f.bytes.length})`),
        f.bytes.map(hex).join(' '),
      ),
    ),
  );
  return [
    el(
      'p',
      { id: 'anatomy-captured', 'data-vni': datagram.vni, 'data-overhead': datagram.length - datagram.innerLength },
      `Captured at the underlay of ${host.name} (capture ${capture.captureId}, ${stopped.packets} packets): a ${datagram.length}-byte datagram ` +
        `carrying a ${datagram.innerLength}-byte frame, so ${datagram.length - datagram.innerLength} bytes of tunnel, VNI ${datagram.vni}. ` +
        'The capture point writes the outer Ethernet header itself (the agent sends through a UDP socket).',
    ),
    row,
  ];
}

const hex = (b) => b.toString(16).padStart(2, '0');
const macBytes = (mac) => mac.split(':').map((h) => parseInt(h, 16));
const ipBytes = (ip) => ip.split('.').map(Number);
const u16 = (v) => [(v >> 8) & 255, v & 255];

function ipv4Header(src, dst, protocol, payloadLength) {
  const h = [0x45, 0, ...u16(20 + payloadLength), 0, 0, 0x40, 0, 64, protocol, 0, 0, ...ipBytes(src), ...ipBytes(dst)];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const checksum = ~sum & 0xffff;
  h[10] = checksum >> 8;
  h[11] = checksum & 255;
  return h;
}

function anatomy(w) {
  const instances = w ? w.instances : [];
  const [a, b] = pickPair(instances);
  const subnet = w && a ? w.subnets.find((s) => s.subnetId === a.subnetId) : null;
  const hostA = w && a ? w.hosts.find((h) => h.hostId === a.hostId) : null;
  const hostB = w && b ? w.hosts.find((h) => h.hostId === b.hostId) : null;
  const segment = subnet ? subnet.segmentId : 4097;
  const vlanId = Math.min(segment, VLAN_ID_LIMIT);
  const underlayMtu = hostA ? hostA.underlayMtu : 1500;
  const srcMac = a ? a.macAddress : '02:00:0a:00:01:04';
  const dstMac = b ? b.macAddress : '02:00:0a:00:01:05';
  const srcIp = a ? a.privateIpAddress : '10.0.1.4';
  const dstIp = b ? b.privateIpAddress : '10.0.1.5';
  const icmp = [8, 0, 0xf7, 0xfe, 0, 1, 0, 0]; // echo request, id 1, seq 0 (checksum precomputed)
  const ip = ipv4Header(srcIp, dstIp, 1, icmp.length);
  const inner = [
    { name: 'dst MAC', bytes: macBytes(dstMac) },
    { name: 'src MAC', bytes: macBytes(srcMac) },
    { name: 'EtherType IPv4', bytes: [0x08, 0x00] },
    { name: 'IPv4 header', bytes: ip },
    { name: 'ICMP echo', bytes: icmp },
  ];
  const innerLength = inner.reduce((n, f) => n + f.bytes.length, 0);
  const tci = vlanId & 0x0fff; // PCP 0, DEI 0, 12-bit VLAN ID
  const tagged = [
    inner[0],
    inner[1],
    { name: 'TPID 0x8100', bytes: [0x81, 0x00], tag: true },
    { name: `TCI: VLAN ${vlanId}`, bytes: u16(tci), tag: true },
    ...inner.slice(2),
  ];
  const underA = hostA ? hostA.underlayIp : '192.168.77.1';
  const underB = hostB ? hostB.underlayIp : '192.168.77.2';
  const udpLength = 8 + 8 + innerLength;
  const vxlan = [
    { name: 'outer dst MAC', bytes: [2, 0, 0, 0, 0, 2], outer: true },
    { name: 'outer src MAC', bytes: [2, 0, 0, 0, 0, 1], outer: true },
    { name: 'EtherType IPv4', bytes: [8, 0], outer: true },
    { name: `outer IPv4 ${underA} -> ${underB}`, bytes: ipv4Header(underA, underB, 17, udpLength), outer: true },
    { name: 'UDP src port (flow hash)', bytes: u16(49152 + (segment % 16384)), outer: true },
    { name: 'UDP dst 4789', bytes: u16(4789), outer: true },
    { name: 'UDP length', bytes: u16(udpLength), outer: true },
    { name: 'UDP checksum 0', bytes: [0, 0], outer: true },
    { name: 'VXLAN flags (I)', bytes: [0x08, 0, 0, 0], vxlan: true },
    {
      name: `VNI ${segment} (24 bit)`,
      bytes: [(segment >> 16) & 255, (segment >> 8) & 255, segment & 255],
      vxlan: true,
    },
    { name: 'reserved', bytes: [0], vxlan: true },
    ...inner.map((f) => ({ ...f, inner: true })),
  ];
  const total = (fields) => fields.reduce((n, f) => n + f.bytes.length, 0);
  const row = (fields) =>
    el(
      'div',
      { class: 'bytes' },
      fields.map((f) =>
        el(
          'span',
          {
            class:
              'field' +
              (f.tag ? ' tag' : '') +
              (f.outer ? ' outer' : '') +
              (f.vxlan ? ' vxlan' : '') +
              (f.inner ? ' inner' : ''),
          },
          el('span', { class: 'name' }, `${f.name} (${f.bytes.length})`),
          f.bytes.map(hex).join(' '),
        ),
      ),
    );
  return [
    el(
      'p',
      {},
      a
        ? `Inner frame: ${a.name || a.instanceId} (${srcIp}) pings ${b.name || b.instanceId} (${dstIp}), segment ${segment}.`
        : 'No two instances yet: example addresses are shown. Set up a sample topology to use real ones.',
    ),
    el('h4', {}, `802.1Q-tagged: ${total(tagged)} bytes, overhead ${total(tagged) - innerLength}`),
    row(tagged),
    el('h4', {}, `VXLAN-encapsulated: ${total(vxlan)} bytes, overhead ${total(vxlan) - innerLength}`),
    row(vxlan),
    el(
      'table',
      { id: 'anatomy-summary', 'aria-label': 'Overhead and MTU' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['', '802.1Q VLAN', 'VXLAN'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, 'overhead bytes'),
          el('td', {}, DOT1Q_OVERHEAD),
          el('td', { id: 'anatomy-vxlan-overhead' }, VXLAN_OVERHEAD),
        ),
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, 'segment ID bits'),
          el('td', {}, '12 (1..4094)'),
          el('td', {}, '24 (1..16,777,215)'),
        ),
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, `instance MTU on a ${underlayMtu}-byte underlay`),
          el('td', {}, `${underlayMtu} (the tag rides in the frame, switches allow 1504)`),
          el('td', { id: 'anatomy-inner-mtu' }, `${underlayMtu - VXLAN_OVERHEAD}`),
        ),
      ),
    ),
  ];
}
