// Lessons: each has a short text, a one-click setup through the API, and runs with no external network.
import { listAll, listPage, create, remove, ping, hostStats, forwardingTable, getCapture, stopCapture, capturePcap } from './api.js';
import { el, showError, clearError } from './dom.js';
import { waitFor } from './poller.js';

const VLAN_ID_LIMIT = 4094;          // 12-bit VLAN ID, 0 and 4095 reserved (IEEE 802.1Q)
const VNI_LIMIT = 16777215;          // 24-bit VXLAN Network Identifier (RFC 7348)
const VXLAN_OVERHEAD = 50;           // outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
const DOT1Q_OVERHEAD = 4;            // TPID 2 + TCI 2

export function startLessons(root) {
  let world = null;
  const vlan = vlanLesson();
  const anatomy = anatomyLesson(() => world);
  const macs = macTableLesson(() => world);
  const flood = floodLesson(() => world);
  root.append(vlan.node, anatomy.node, macs.node, flood.node);
  return { onWorld(next) { const first = !world; world = next; if (first) { anatomy.render(); } } };
}

// Tenant names must be unique: two one-click setups within one second (two lessons) must not collide.
const stamp = () => new Date().toISOString().replace(/[-:.TZ]/g, '').slice(4, 17) + '-' + Math.random().toString(36).slice(2, 5);

/** A tenant, a VPC, one subnet and one simulated instance per connected host: the sample for lessons 2-4. */
async function setupSample(status) {
  const hosts = await listAll('hosts');
  if (hosts.length === 0) throw new Error('no hosts registered: start the server with --demo, or register an agent first');
  const tenant = await create('tenants', { name: 'lesson-' + stamp() });
  const vpc = await create('vpcs', { tenantId: tenant.tenantId, name: 'lesson', cidrBlock: '10.20.0.0/16' });
  const subnet = await create('subnets', { vpcId: vpc.vpcId, name: 'lesson-a', cidrBlock: '10.20.1.0/24' });
  let n = 0;
  for (const host of hosts) {
    for (let k = 0; k < 2; k++) {
      await create('instances', { subnetId: subnet.subnetId, hostId: host.hostId, kind: 'simulated', name: `lesson-${++n}` });
    }
  }
  status.textContent = `Created tenant ${tenant.name}: VPC 10.20.0.0/16, subnet 10.20.1.0/24, ${n} instances on ${hosts.length} hosts.`;
  return subnet;
}

/** The one-click setup; {@code onCreated} gets the sample's subnet. */
function setupButton(id, onCreated = () => {}) {
  const status = el('span', { role: 'status', id: id + '-status' });
  const button = el('button', { type: 'button', id, onclick: async () => {
    try { onCreated(await setupSample(status)); clearError(); } catch (e) { showError(e); }
  } }, 'Set up a sample topology');
  return [button, ' ', status];
}

// --- 1. VLAN vs VXLAN --------------------------------------------------------------------------------

function vlanLesson() {
  const progress = el('p', { id: 'vlan-progress', class: 'progress', role: 'status', 'aria-live': 'polite' });
  const verdict = el('p', { id: 'vlan-verdict', role: 'status' });
  const node = el('section', { class: 'lesson', id: 'lesson-vlan', 'aria-labelledby': 'lesson-vlan-title' },
    el('h3', { id: 'lesson-vlan-title' }, 'VLAN vs VXLAN: 4094 segments, or 16 million'),
    el('p', {}, `An 802.1Q tag carries a 12-bit VLAN ID: 4096 values, of which 0 and 4095 are reserved, so a switched
      network has at most ${VLAN_ID_LIMIT} broadcast domains, shared by every tenant. A VXLAN header carries a 24-bit VNI:
      ${VNI_LIMIT.toLocaleString('en')} segments. VPC Lab gives every subnet one segment. Start a server in VLAN mode on
      its own data with
      `, el('code', {}, 'java -jar control-plane/target/vpclab-server.jar --vpclab.segmentation=vlan --vpclab.data-dir=./data-vlan'), `
      (sign in with the token in `, el('code', {}, './data-vlan/admin-token'), `; VLAN IDs and VNIs share the wire, so
      the mode belongs to the data and a server refuses data that holds subnets of the other mode) and this lesson
      creates /28 subnets until the control plane refuses the 4095th; in the default VXLAN mode the same button
      allocates past ${VLAN_ID_LIMIT} without a refusal.`),
    el('button', { type: 'button', id: 'vlan-run', onclick: () => runVlan(progress, verdict) }, 'Create subnets until the limit'),
    ' ', el('button', { type: 'button', id: 'vlan-clean', onclick: () => cleanVlan(progress) }, 'Clean up lesson tenants'),
    progress, verdict);
  return { node };
}

/** The n-th /28 of the lesson: 4096 fit in one /16, so every 4096 subnets the lesson opens another VPC. */
function lessonCidr(n) {
  const inVpc = n % 4096;
  return `10.${Math.floor(n / 4096)}.${inVpc >> 4}.${(inVpc & 15) * 16}/28`;
}

async function runVlan(progress, verdict) {
  verdict.textContent = '';
  verdict.dataset.result = 'running';
  try {
    const tenant = await create('tenants', { name: 'lesson-vlan-' + stamp() });
    const vpcs = [];
    const vpcFor = async index => {
      if (!vpcs[index]) {
        vpcs[index] = create('vpcs', { tenantId: tenant.tenantId, name: `lesson-vlan-${index}`, cidrBlock: `10.${index}.0.0/16` });
      }
      return vpcs[index];
    };
    const first = await create('subnets', { vpcId: (await vpcFor(0)).vpcId, cidrBlock: lessonCidr(0) });
    const mode = first.segmentation;
    const goal = mode === 'vlan' ? Infinity : VLAN_ID_LIMIT + 200;   // VXLAN: show it goes past the VLAN ceiling
    let created = 1;
    let highest = first.segmentId;
    let refusal = null;
    let next = 1;
    const started = performance.now();
    // Four requests in flight: the server serialises per VPC anyway, this hides the round trips.
    async function worker() {
      while (!refusal && next < goal && next < 4096 * 8) {
        const n = next++;
        try {
          const subnet = await create('subnets', { vpcId: (await vpcFor(Math.floor(n / 4096))).vpcId, cidrBlock: lessonCidr(n) });
          created++;
          highest = Math.max(highest, subnet.segmentId);
          if (created % 50 === 0) progress.textContent = `${mode.toUpperCase()} mode: ${created} subnets created, highest segment ID ${highest}`;
        } catch (e) {
          refusal = refusal || e;
        }
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress.textContent = `${mode.toUpperCase()} mode: ${created} subnets created in ${seconds} s, highest segment ID ${highest}.`;
    verdict.dataset.mode = mode;
    verdict.dataset.highest = String(highest);
    if (refusal) {
      verdict.dataset.result = 'refused';
      verdict.dataset.code = refusal.code || '';
      verdict.className = 'bad';
      verdict.textContent = `The next subnet was refused: ${refusal.detail} (code ${refusal.code}, HTTP ${refusal.status}).`
        + (mode === 'vlan' ? ` A 12-bit VLAN ID ends at ${VLAN_ID_LIMIT}.` : '');
    } else {
      verdict.dataset.result = 'not-refused';
      verdict.className = 'ok';
      verdict.textContent = `VXLAN mode went past ${VLAN_ID_LIMIT} segments with no refusal (VNIs go up to ${VNI_LIMIT.toLocaleString('en')}).`;
    }
  } catch (e) {
    verdict.dataset.result = 'failed';
    showError(e);
  }
}

async function cleanVlan(progress) {
  try {
    const tenants = (await listAll('tenants')).filter(t => t.name.startsWith('lesson-vlan-'));
    for (const tenant of tenants) {
      const vpcs = await listAll('vpcs', { tenantId: tenant.tenantId });
      for (const vpc of vpcs) {
        let page;
        while ((page = await listPage('subnets', { vpcId: vpc.vpcId })).items.length > 0) {
          await Promise.all(page.items.map(s => remove('subnets', s.subnetId)));
          progress.textContent = `Deleting subnets of ${vpc.name} ...`;
        }
        await remove('vpcs', vpc.vpcId);
      }
      await remove('tenants', tenant.tenantId);
    }
    progress.textContent = `Removed ${tenants.length} lesson tenants and their segments.`;
  } catch (e) {
    showError(e);
  }
}

// --- 2. Header anatomy --------------------------------------------------------------------------------

function anatomyLesson(world) {
  const out = el('div', { id: 'anatomy' });
  const captured = el('div', { id: 'anatomy-wire', role: 'status', 'aria-live': 'polite' });
  const node = el('section', { class: 'lesson', id: 'lesson-anatomy', 'aria-labelledby': 'lesson-anatomy-title' },
    el('h3', { id: 'lesson-anatomy-title' }, 'Header anatomy: 4 bytes of tag vs 50 bytes of tunnel'),
    el('p', {}, `The same inner frame (an ICMP echo between two instances of the current topology, or example addresses)
      as it crosses a VLAN trunk and as it crosses the underlay inside VXLAN. Every byte is built here from the
      contract's formats: Ethernet, 802.1Q, IPv4, UDP port 4789, the 8-byte VXLAN header with its 24-bit VNI.`),
    setupButton('anatomy-setup'), ' ', el('button', { type: 'button', id: 'anatomy-render', onclick: () => render() }, 'Rebuild from the topology'),
    out,
    el('p', {}, `Then see the real thing: capture the source host's underlay while one instance pings another on a different
      host, and the first VXLAN datagram of the capture is labelled byte by byte (admin token; the pcap stays in Diagnostics).`),
    el('button', { type: 'button', id: 'anatomy-capture', onclick: async () => {
      captured.dataset.done = 'false';
      try {
        captured.replaceChildren(...await captureAnatomy(world(), captured));
        clearError();
      } catch (e) {
        captured.textContent = `Could not capture: ${e.message}`;
        showError(e);
      }
      captured.dataset.done = 'true';
    } }, 'Capture one on the wire'),
    captured);
  function render() {
    const w = world();
    out.replaceChildren(...anatomy(w));
  }
  return { node, render };
}

/** The records of a classic pcap file (either byte order), as byte arrays. */
function pcapRecords(buffer) {
  const view = new DataView(buffer);
  const little = [0xa1b2c3d4, 0xa1b23c4d].includes(view.getUint32(0, true));
  if (!little && ![0xa1b2c3d4, 0xa1b23c4d].includes(view.getUint32(0, false))) throw new Error('not a pcap file');
  const records = [];
  for (let at = 24; at + 16 <= buffer.byteLength;) {
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
  const ip = at => [...f.slice(at, at + 4)].join('.');
  const vni = (f[vxlan + 4] << 16) | (f[vxlan + 5] << 8) | f[vxlan + 6];
  const port = at => (f[at] << 8) | f[at + 1];
  return {
    vni,
    length: f.length,
    innerLength: f.length - inner,
    fields: [
      { name: 'outer dst MAC (synthesized)', bytes: bytes(0, 6), outer: true }, { name: 'outer src MAC (synthesized)', bytes: bytes(6, 12), outer: true },
      { name: 'EtherType IPv4', bytes: bytes(12, 14), outer: true },
      { name: `outer IPv4 ${ip(26)} -> ${ip(30)}`, bytes: bytes(14, udp), outer: true },
      { name: 'UDP src port', bytes: bytes(udp, udp + 2), outer: true }, { name: `UDP dst ${port(udp + 2)}`, bytes: bytes(udp + 2, udp + 4), outer: true },
      { name: 'UDP length', bytes: bytes(udp + 4, udp + 6), outer: true }, { name: 'UDP checksum', bytes: bytes(udp + 6, udp + 8), outer: true },
      { name: 'VXLAN flags (I)', bytes: bytes(vxlan, vxlan + 4), vxlan: true },
      { name: `VNI ${vni} (24 bit)`, bytes: bytes(vxlan + 4, vxlan + 7), vxlan: true }, { name: 'reserved', bytes: bytes(vxlan + 7, vxlan + 8), vxlan: true },
      { name: 'dst MAC', bytes: bytes(inner, inner + 6), inner: true }, { name: 'src MAC', bytes: bytes(inner + 6, inner + 12), inner: true },
      { name: 'EtherType IPv4', bytes: bytes(inner + 12, inner + 14), inner: true },
      { name: `IPv4 ${ip(innerIp + 12)} -> ${ip(innerIp + 16)}`, bytes: bytes(innerIp, icmp), inner: true },
      { name: 'ICMP echo request', bytes: bytes(icmp, icmp + 8), inner: true },
      { name: 'ping payload', bytes: bytes(icmp + 8, f.length), inner: true }],
  };
}

async function captureAnatomy(w, status) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const [a, b] = pickPair(w.instances.filter(i => i.subnetId && i.hostId));
  if (!a || !b || a.hostId === b.hostId) return [el('p', {}, 'Two instances of one subnet on different hosts are needed: set up the sample topology first.')];
  const host = w.hosts.find(h => h.hostId === a.hostId) || { name: a.hostId };
  status.textContent = `Capturing the underlay of ${host.name} while ${a.name || a.instanceId} pings ${b.privateIpAddress} ...`;
  const capture = await create('captures', { hostId: a.hostId, maxPackets: 50, maxSeconds: 30 });
  await waitFor(async () => (await getCapture(capture.captureId)).status !== 'starting', { every: 200, tries: 50 });
  await ping(a.instanceId, { target: b.privateIpAddress, count: 2, timeoutMillis: 1000 });
  const stopped = await stopCapture(capture.captureId);
  if (stopped.status !== 'stopped') throw new Error(`capture ${capture.captureId} is ${stopped.status}${stopped.error ? ': ' + stopped.error : ''}`);
  const { blob } = await capturePcap(capture.captureId);
  const datagram = pcapRecords(await blob.arrayBuffer()).map(vxlanEchoFields).find(Boolean);
  if (!datagram) return [el('p', {}, `Capture ${capture.captureId} (${stopped.packets} packets) holds no VXLAN echo request: the ping may not have crossed hosts.`)];
  const row = el('div', { class: 'bytes' }, datagram.fields.map(f => el('span', {
    class: 'field' + (f.outer ? ' outer' : '') + (f.vxlan ? ' vxlan' : '') + (f.inner ? ' inner' : '') },
    el('span', { class: 'name' }, `${f.name} (${f.bytes.length})`), f.bytes.map(hex).join(' '))));
  return [
    el('p', { id: 'anatomy-captured', 'data-vni': datagram.vni, 'data-overhead': datagram.length - datagram.innerLength },
      `Captured at the underlay of ${host.name} (capture ${capture.captureId}, ${stopped.packets} packets): a ${datagram.length}-byte datagram `
      + `carrying a ${datagram.innerLength}-byte frame, so ${datagram.length - datagram.innerLength} bytes of tunnel, VNI ${datagram.vni}. `
      + 'The capture point writes the outer Ethernet header itself (the agent sends through a UDP socket).'),
    row];
}

const hex = b => b.toString(16).padStart(2, '0');
const macBytes = mac => mac.split(':').map(h => parseInt(h, 16));
const ipBytes = ip => ip.split('.').map(Number);
const u16 = v => [(v >> 8) & 255, v & 255];

function ipv4Header(src, dst, protocol, payloadLength) {
  const h = [0x45, 0, ...u16(20 + payloadLength), 0, 0, 0x40, 0, 64, protocol, 0, 0, ...ipBytes(src), ...ipBytes(dst)];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const checksum = ~sum & 0xffff;
  h[10] = checksum >> 8; h[11] = checksum & 255;
  return h;
}

function anatomy(w) {
  const instances = w ? w.instances : [];
  const [a, b] = pickPair(instances);
  const subnet = w && a ? w.subnets.find(s => s.subnetId === a.subnetId) : null;
  const hostA = w && a ? w.hosts.find(h => h.hostId === a.hostId) : null;
  const hostB = w && b ? w.hosts.find(h => h.hostId === b.hostId) : null;
  const segment = subnet ? subnet.segmentId : 4097;
  const vlanId = Math.min(segment, VLAN_ID_LIMIT);
  const underlayMtu = hostA ? hostA.underlayMtu : 1500;
  const srcMac = a ? a.macAddress : '02:00:0a:00:01:04';
  const dstMac = b ? b.macAddress : '02:00:0a:00:01:05';
  const srcIp = a ? a.privateIpAddress : '10.0.1.4';
  const dstIp = b ? b.privateIpAddress : '10.0.1.5';
  const icmp = [8, 0, 0xf7, 0xfe, 0, 1, 0, 0];                       // echo request, id 1, seq 0 (checksum precomputed)
  const ip = ipv4Header(srcIp, dstIp, 1, icmp.length);
  const inner = [
    { name: 'dst MAC', bytes: macBytes(dstMac) }, { name: 'src MAC', bytes: macBytes(srcMac) },
    { name: 'EtherType IPv4', bytes: [0x08, 0x00] }, { name: 'IPv4 header', bytes: ip }, { name: 'ICMP echo', bytes: icmp }];
  const innerLength = inner.reduce((n, f) => n + f.bytes.length, 0);
  const tci = vlanId & 0x0fff;                                         // PCP 0, DEI 0, 12-bit VLAN ID
  const tagged = [inner[0], inner[1], { name: 'TPID 0x8100', bytes: [0x81, 0x00], tag: true },
    { name: `TCI: VLAN ${vlanId}`, bytes: u16(tci), tag: true }, ...inner.slice(2)];
  const underA = hostA ? hostA.underlayIp : '192.168.77.1';
  const underB = hostB ? hostB.underlayIp : '192.168.77.2';
  const udpLength = 8 + 8 + innerLength;
  const vxlan = [
    { name: 'outer dst MAC', bytes: [2, 0, 0, 0, 0, 2], outer: true }, { name: 'outer src MAC', bytes: [2, 0, 0, 0, 0, 1], outer: true },
    { name: 'EtherType IPv4', bytes: [8, 0], outer: true },
    { name: `outer IPv4 ${underA} -> ${underB}`, bytes: ipv4Header(underA, underB, 17, udpLength), outer: true },
    { name: 'UDP src port (flow hash)', bytes: u16(49152 + (segment % 16384)), outer: true }, { name: 'UDP dst 4789', bytes: u16(4789), outer: true },
    { name: 'UDP length', bytes: u16(udpLength), outer: true }, { name: 'UDP checksum 0', bytes: [0, 0], outer: true },
    { name: 'VXLAN flags (I)', bytes: [0x08, 0, 0, 0], vxlan: true },
    { name: `VNI ${segment} (24 bit)`, bytes: [(segment >> 16) & 255, (segment >> 8) & 255, segment & 255], vxlan: true },
    { name: 'reserved', bytes: [0], vxlan: true }, ...inner.map(f => ({ ...f, inner: true }))];
  const total = fields => fields.reduce((n, f) => n + f.bytes.length, 0);
  const row = fields => el('div', { class: 'bytes' }, fields.map(f => el('span', {
    class: 'field' + (f.tag ? ' tag' : '') + (f.outer ? ' outer' : '') + (f.vxlan ? ' vxlan' : '') + (f.inner ? ' inner' : '') },
    el('span', { class: 'name' }, `${f.name} (${f.bytes.length})`), f.bytes.map(hex).join(' '))));
  return [
    el('p', {}, a ? `Inner frame: ${a.name || a.instanceId} (${srcIp}) pings ${b.name || b.instanceId} (${dstIp}), segment ${segment}.`
      : 'No two instances yet: example addresses are shown. Set up a sample topology to use real ones.'),
    el('h4', {}, `802.1Q-tagged: ${total(tagged)} bytes, overhead ${total(tagged) - innerLength}`),
    row(tagged),
    el('h4', {}, `VXLAN-encapsulated: ${total(vxlan)} bytes, overhead ${total(vxlan) - innerLength}`),
    row(vxlan),
    el('table', { id: 'anatomy-summary', 'aria-label': 'Overhead and MTU' },
      el('thead', {}, el('tr', {}, ['', '802.1Q VLAN', 'VXLAN'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {},
        el('tr', {}, el('th', { scope: 'row' }, 'overhead bytes'), el('td', {}, DOT1Q_OVERHEAD), el('td', { id: 'anatomy-vxlan-overhead' }, VXLAN_OVERHEAD)),
        el('tr', {}, el('th', { scope: 'row' }, 'segment ID bits'), el('td', {}, '12 (1..4094)'), el('td', {}, '24 (1..16,777,215)')),
        el('tr', {}, el('th', { scope: 'row' }, `instance MTU on a ${underlayMtu}-byte underlay`),
          el('td', {}, `${underlayMtu} (the tag rides in the frame, switches allow 1504)`),
          el('td', { id: 'anatomy-inner-mtu' }, `${underlayMtu - VXLAN_OVERHEAD}`))))];
}

function pickPair(instances) {
  for (const a of instances) {
    const b = instances.find(x => x !== a && x.subnetId === a.subnetId && x.hostId !== a.hostId);
    if (b) return [a, b];
  }
  return instances.length >= 2 ? [instances[0], instances[1]] : [null, null];
}

// --- 3. MAC tables at the core ------------------------------------------------------------------------

async function tables(w) {
  return Promise.all(w.hosts.map(async host => ({ host, table: await forwardingTable(host.hostId).catch(() => null) })));
}

function macTableLesson(world) {
  const out = el('div', { id: 'mac-tables', role: 'status' });
  const node = el('section', { class: 'lesson', id: 'lesson-macs', 'aria-labelledby': 'lesson-macs-title' },
    el('h3', { id: 'lesson-macs-title' }, 'MAC tables at the core'),
    el('p', {}, `With VLANs the core switches forward the tenants' own frames, so they learn the MAC of every instance
      in every VLAN. With VXLAN the core only sees the outer headers: one MAC per VTEP (host). The tenants' MACs live in
      the agents' tables instead, and each agent holds only the segments it serves.`),
    setupButton('macs-setup'), ' ',
    el('button', { type: 'button', id: 'macs-count', onclick: async () => {
      try { out.replaceChildren(...await macTables(world())); } catch (e) { showError(e); }
    } }, 'Count from the current topology'),
    out);
  return { node };
}

async function macTables(w) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const vteps = new Set(w.instances.map(i => i.hostId)).size;
  const perHost = await tables(w);
  return [
    el('p', { id: 'macs-core' }, `Core switch with VLANs: `, el('strong', { id: 'macs-vlan' }, w.instances.length),
      ` MAC entries (one per instance). With VXLAN: `, el('strong', { id: 'macs-vxlan' }, vteps), ` (one per VTEP with instances).`),
    el('table', { 'aria-label': 'Entries per agent' },
      el('thead', {}, el('tr', {}, ['host', 'local ports', 'remote MAC entries', 'IP bindings', 'segments', 'generation'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, perHost.map(({ host, table }) => el('tr', {}, el('td', {}, host.name),
        ...(table ? [table.ports, table.macs, table.bindings, table.segments].map(x => el('td', {}, (x || []).length))
          .concat(el('td', {}, table.generation)) : [el('td', { colspan: 5 }, 'no table')])))))];
}

// --- 4. Flood scope -----------------------------------------------------------------------------------

function floodLesson(world) {
  const out = el('div', { id: 'flood', role: 'status' });
  const counters = el('div', { id: 'flood-counters', role: 'status', 'aria-live': 'polite' });
  let sampleSubnetId = null;
  const node = el('section', { class: 'lesson', id: 'lesson-flood', 'aria-labelledby': 'lesson-flood-title' },
    el('h3', { id: 'lesson-flood-title' }, 'Flood scope: where a broadcast ARP goes'),
    el('p', {}, `Without ARP suppression a broadcast ARP request is copied to every VTEP in the segment's flood list
      (head-end replication) and reaches every port of the segment. With suppression the source agent answers from its IP
      bindings, and nothing leaves the host. Per segment, from each agent's table:`),
    setupButton('flood-setup', subnet => { sampleSubnetId = subnet.subnetId; }), ' ',
    el('button', { type: 'button', id: 'flood-count', onclick: async () => {
      try { out.replaceChildren(...await floodScope(world())); } catch (e) { showError(e); }
    } }, 'Compute from the current tables'),
    out,
    el('p', {}, `The agents count what really happened: ping from one instance to its neighbours (each first ping sends a
      broadcast ARP request) and to an address nobody has, then compare the hosts' counters before and after.`),
    el('button', { type: 'button', id: 'flood-measure', onclick: async () => {
      counters.dataset.done = 'false';
      try {
        counters.replaceChildren(...await floodCounters(world(), sampleSubnetId, counters));
        clearError();
      } catch (e) {
        counters.textContent = `Could not measure: ${e.message}`;
        showError(e);
      }
      counters.dataset.done = 'true';
    } }, 'Ping and watch the counters'),
    counters);
  return { node };
}

async function allHostStats(hosts) {
  const entries = await Promise.all(hosts.map(async h =>
    [h.hostId, await hostStats(h.hostId)]));
  return new Map(entries);
}

/** An address of the subnet that no instance holds (the high end, away from the first allocations). */
function unusedAddress(w, subnetId) {
  const subnet = w.subnets.find(s => s.subnetId === subnetId);
  if (!subnet) return null;
  const [base, prefix] = subnet.cidrBlock.split('/');
  const start = base.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(prefix));
  const taken = new Set(w.instances.map(i => i.privateIpAddress));
  for (let offset = size - 2; offset > 3; offset--) {
    const n = start + offset;
    const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    if (!taken.has(ip)) return ip;
  }
  return null;
}

async function floodCounters(w, sampleSubnetId, status) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const inSample = w.instances.filter(i => i.subnetId === sampleSubnetId);
  const [source] = inSample.length >= 2 ? inSample : pickPair(w.instances);
  if (!source) return [el('p', {}, 'Set up the sample topology first: the lesson needs two instances in one subnet.')];
  const neighbours = w.instances.filter(i => i.subnetId === source.subnetId && i !== source);
  const nobody = unusedAddress(w, source.subnetId);
  const before = await allHostStats(w.hosts);
  status.textContent = `Pinging ${neighbours.length} neighbours and ${nobody} from ${source.name || source.instanceId} ...`;
  for (const target of [...neighbours.map(n => n.privateIpAddress), nobody].filter(Boolean)) {
    await ping(source.instanceId, { target, count: 1, timeoutMillis: 500 });
  }
  const finished = Date.now();
  // the agents report once a second: wait for a report taken after the pings from every host that reports
  let after = before;
  await waitFor(async () => {
    after = await allHostStats(w.hosts);
    return [...after.values()].filter(Boolean).every(s => Date.parse(s.report.takenAt) >= finished);
  }, { every: 300, tries: 30 });
  const delta = (hostId, pick) => {
    const a = after.get(hostId);
    const b = before.get(hostId);
    return a ? pick(a.report.host) - (b ? pick(b.report.host) : 0) : 0;
  };
  const counters = [
    ['arp', 'ARP answered locally', h => h.arpSuppressed],
    ['floods', 'floods', h => h.floods],
    ['unknown', 'ARP for unknown addresses dropped', h => (h.dropsByReason || {}).ARP_UNKNOWN_BINDING || 0],
    ['out', 'underlay datagrams out', h => h.packetsOut],
  ];
  const total = key => w.hosts.reduce((sum, h) => sum + delta(h.hostId, counters.find(c => c[0] === key)[2]), 0);
  const vteps = new Set(w.instances.filter(i => i.subnetId === source.subnetId).map(i => i.hostId)).size;
  const sourceHost = (w.hosts.find(h => h.hostId === source.hostId) || {}).name || source.hostId;
  return [
    el('p', {}, `${source.name || source.instanceId} (on ${sourceHost}) pinged ${neighbours.length} neighbours and ${nobody}.
      Without suppression every ARP request would be copied to the ${vteps - 1} other VTEPs of the segment and to every port in it.
      Measured on the hosts: `,
      el('strong', { id: 'flood-arp-answered' }, total('arp')), ' ARP requests answered by the local agent (flooded, they would have cost ',
      el('strong', { id: 'flood-would-copy' }, total('arp') * Math.max(0, vteps - 1)), ' underlay copies), ',
      el('strong', { id: 'flood-floods' }, total('floods')), ' floods, ',
      el('strong', { id: 'flood-unknown' }, total('unknown')), ' ARP request(s) for an unknown address dropped at the source.'),
    el('table', { 'aria-label': 'Counter changes per host' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'host'), counters.map(c => el('th', { scope: 'col' }, c[1])))),
      el('tbody', {}, w.hosts.map(h => el('tr', {}, el('td', {}, h.name + (h.hostId === source.hostId ? ' (source)' : '')),
        counters.map(([key, , pick]) => el('td', { class: 'num', 'data-delta': key }, after.get(h.hostId) ? `+${delta(h.hostId, pick)}` : 'no data')))))),
    el('p', {}, 'An instance remembers the answers, so pinging the same neighbours again sends no new ARP: only the unknown address asks again.')];
}

async function floodScope(w) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const perHost = (await tables(w)).filter(x => x.table);
  const segments = new Map();
  for (const { host, table } of perHost) {
    for (const s of table.segments || []) {
      const entry = segments.get(s.vni) || { vni: s.vni, cidr: s.cidrBlock, vlanId: s.vlanId, hosts: [], ports: 0, floodCopies: 0, bindings: 0 };
      const ports = (table.ports || []).filter(p => p.vni === s.vni).length;
      entry.hosts.push(host.name);
      entry.ports += ports;
      entry.floodCopies = Math.max(entry.floodCopies, (s.floodList || []).length);
      entry.bindings = Math.max(entry.bindings, (table.bindings || []).filter(b => b.vni === s.vni).length);
      segments.set(s.vni, entry);
    }
  }
  return [el('table', { 'aria-label': 'Flood scope per segment' },
    el('thead', {}, el('tr', {}, ['segment', 'CIDR', 'hosts serving it', 'ports', 'ARP without suppression', 'ARP with suppression']
      .map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, [...segments.values()].map(s => el('tr', {},
      el('td', {}, s.vlanId ? `VLAN ${s.vlanId} / VNI ${s.vni}` : `VNI ${s.vni}`), el('td', {}, s.cidr || ''),
      el('td', {}, s.hosts.join(', ')), el('td', {}, s.ports),
      el('td', {}, `${s.floodCopies} tunnel copies, reaches ${s.ports} ports on ${s.hosts.length} hosts`),
      el('td', { class: 'ok' }, s.bindings > 0 ? 'answered by the local agent: 0 copies, 1 port' : 'no bindings: floods as without'))))),
    el('p', {}, 'Copies are what one broadcast costs on the underlay; the agents count floods and suppressed ARP replies.')];
}
