// Lesson: MTU and the 50 bytes. DF pings of growing size find the largest packet the overlay carries, the ICMP
// "fragmentation needed" the VTEP sends back names the inner MTU, a TCP SYN shows the MSS, and the underlay capture
// of the largest frame is labelled header by header.
import { ping, probePort } from '../api.js';
import { el } from '../dom.js';
import { VXLAN_OVERHEAD } from './shared.js';
import { setupLessonTenant, setupAndCleanup, tryItYourself, captureAround, table, measureButton } from './kit.js';

const PREFIX = 'lesson-mtu';
const IP_ICMP_HEADERS = 28; // IPv4 20 + ICMP echo 8
const MAX_DATA = 1472; // a 1500-byte IPv4 packet, what a host on plain Ethernet may send

export function mtuLesson() {
  let sample = null;
  const out = el('div', { id: 'mtu-result', role: 'status', 'aria-live': 'polite' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-mtu', 'aria-labelledby': 'lesson-mtu-title' },
    el('h3', { id: 'lesson-mtu-title' }, 'MTU and the 50 bytes'),
    el(
      'p',
      {},
      `VXLAN wraps every frame in ${VXLAN_OVERHEAD} bytes (outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8), and a VTEP never
      fragments. On a 1500-byte underlay an instance's packets may be at most 1450 bytes. The lesson pings with DF set
      (ping -M do) from one instance to another on a different host, growing the size until the VTEP refuses, then
      narrows down to the largest that passes. The simulated instance sends up to 1500-byte packets whatever its own
      MTU, as a host that ignored the MTU its DHCP offer carried: the answer comes from the VTEP.`,
    ),
    ...setupAndCleanup('mtu', PREFIX, async (status) => {
      sample = await setupLessonTenant({
        prefix: PREFIX,
        cidr: '10.31.0.0/16',
        subnetCidr: '10.31.1.0/24',
        perHost: 1,
        hosts: 2,
      });
      status.textContent = `Created ${sample.tenant.name}: ${sample.instances.map((i) => `${i.name} ${i.privateIpAddress}`).join(', ')}.`;
    }),
    ' ',
    measureButton('mtu-run', 'Find the largest DF ping', out, () => sample, run),
    out,
    tryItYourself([
      'export VPCLAB_TOKEN=$(cat data/admin-token)',
      'vpclab exec lesson-mtu-1 -- ping -c 1 -M do -s 1422 10.31.1.5   # 1450-byte packet: passes',
      'vpclab exec lesson-mtu-1 -- ping -c 1 -M do -s 1423 10.31.1.5   # Frag needed and DF set (mtu = 1450)',
      'vpclab probe lesson-mtu-1 lesson-mtu-2 --tcp 80                 # capture it: the SYN carries MSS 1410',
      '# a netns instance does the same with the real ping: ping -M do -s 1422 ...; ip route get ... shows the PMTU',
    ]),
  );
  return { node };
}

async function probe(source, target, size) {
  const result = await ping(source.instanceId, {
    target: target.privateIpAddress,
    count: 1,
    timeoutMillis: 1000,
    size,
    dontFragment: true,
  });
  const reply = (result.probes || [])[0] || {};
  return { size, passed: result.received > 0 && reply.kind !== 'fragmentation-needed', reply };
}

function outcome(step) {
  if (step.passed) return 'echo reply';
  if (step.reply.kind === 'fragmentation-needed')
    return `ICMP fragmentation needed from ${step.reply.from} (the VTEP writes it in that name): mtu ${step.reply.nextHopMtu}`;
  if (step.reply.kind === 'message-too-long')
    return `refused by the instance's own stack (a netns instance knows its MTU): mtu ${step.reply.nextHopMtu}`;
  return step.reply.replied ? step.reply.kind || 'answered' : 'no answer';
}

async function run(sample, status) {
  const [source, target] = sample.instances;
  const steps = [];
  const tryOne = async (size) => {
    status.textContent = `DF ping of ${size} bytes of data (${size + IP_ICMP_HEADERS}-byte packet) ...`;
    const step = await probe(source, target, size);
    steps.push(step);
    return step;
  };
  // grow by 100 until refused, then halve the gap: the largest that passes, found, not assumed
  let low = (await tryOne(1000)).passed ? 1000 : 0;
  let high = MAX_DATA + 1;
  for (const size of [1100, 1200, 1300, 1400, MAX_DATA]) {
    if (!(await tryOne(size)).passed) {
      high = size;
      break;
    }
    low = size;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if ((await tryOne(middle)).passed) low = middle;
    else high = middle;
  }
  const refused = steps.find((s) => s.size === high) || {};
  const innerMtu = (refused.reply || {}).nextHopMtu;
  status.textContent = `Capturing the underlay of the source host: a ${low}-byte DF ping and a TCP SYN ...`;
  const { capture, records } = await captureAround(source.hostId, async () => {
    await probe(source, target, low);
    await probePort(source.instanceId, {
      target: target.privateIpAddress,
      protocol: 'tcp',
      port: 80,
      timeoutMillis: 1000,
    });
  });
  const largest = records.map((r) => echoFields(r, low)).find(Boolean);
  const mss = records.map(synMss).find((m) => m !== null);
  return [
    el(
      'p',
      { id: 'mtu-summary' },
      'Largest DF ping that passes: ',
      el('strong', { id: 'mtu-largest', 'data-inner-mtu': innerMtu || '' }, low),
      ` bytes of data, a ${low + IP_ICMP_HEADERS}-byte packet. One byte more is refused: the VTEP answers with ICMP
      fragmentation needed naming the inner MTU `,
      el('strong', { id: 'mtu-inner' }, innerMtu === undefined ? 'none' : innerMtu),
      ` = underlay 1500 - ${VXLAN_OVERHEAD}; and ${innerMtu} - 28 (IPv4 20 + ICMP 8) = ${innerMtu - IP_ICMP_HEADERS}.`,
    ),
    table(
      'DF pings',
      ['data bytes (ping -s)', 'IPv4 packet', 'what came back'],
      steps.map((s) => [s.size, s.size + IP_ICMP_HEADERS, el('td', {}, outcome(s))]),
      { id: 'mtu-steps' },
    ),
    el(
      'p',
      { id: 'mtu-mss' },
      'A TCP connection from the same instance: its SYN announces MSS ',
      el('strong', { id: 'mtu-mss-value' }, mss === null || mss === undefined ? 'not captured' : mss),
      ` = its MTU 1450 - 20 (IPv4) - 20 (TCP), so TCP never builds a segment the tunnel could not carry.`,
    ),
    largest
      ? el(
          'div',
          {},
          el(
            'p',
            { id: 'mtu-frame', 'data-frame': largest.length, 'data-outer-ip': largest.length - 14 },
            `The largest ping on the wire (capture ${capture.captureId}): a ${largest.length}-byte underlay frame, its outer
            IPv4 packet ${largest.length - 14} bytes: exactly the underlay MTU.`,
          ),
          table(
            'The largest frame, labelled',
            ['header', 'bytes', 'first bytes'],
            largest.fields.map((f) => [el('td', {}, f.name), f.length, el('td', { class: 'hex' }, f.preview)]),
            { id: 'mtu-labels' },
          ),
        )
      : el('p', {}, `Capture ${capture.captureId} holds no ${low}-byte echo request.`),
  ];
}

const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** A captured VXLAN datagram carrying an echo request with {data} bytes of data, labelled; null otherwise. */
function echoFields(f, data) {
  const inner = innerFrame(f);
  if (!inner) return null;
  const ip = inner.at + 14;
  if (f[inner.at + 12] !== 8 || f[inner.at + 13] !== 0 || f[ip + 9] !== 1) return null;
  const icmp = ip + (f[ip] & 15) * 4;
  if (f[icmp] !== 8 || f.length - icmp - 8 !== data) return null;
  const part = (name, from, to) => ({ name, length: to - from, preview: hex(f.slice(from, Math.min(to, from + 12))) });
  return {
    length: f.length,
    fields: [
      part('outer Ethernet (written by the capture point)', 0, 14),
      part(`outer IPv4, total length ${(f[16] << 8) | f[17]}`, 14, inner.udp),
      part(`outer UDP to port ${(f[inner.udp + 2] << 8) | f[inner.udp + 3]}`, inner.udp, inner.udp + 8),
      part(`VXLAN, VNI ${inner.vni}`, inner.udp + 8, inner.at),
      part('inner Ethernet', inner.at, ip),
      part(`inner IPv4, total length ${(f[ip + 2] << 8) | f[ip + 3]}${f[ip + 6] & 0x40 ? ', DF' : ''}`, ip, icmp),
      part('ICMP echo request', icmp, icmp + 8),
      part('ping data', icmp + 8, f.length),
    ],
  };
}

/** Where the inner frame of a captured VXLAN datagram starts, or null when the record is something else. */
function innerFrame(f) {
  if (f.length < 14 + 20 + 8 + 8 + 14 + 20 || f[12] !== 8 || f[13] !== 0 || f[23] !== 17) return null;
  const udp = 14 + (f[14] & 15) * 4;
  const vxlan = udp + 8;
  if ((f[vxlan] & 8) === 0) return null;
  return { udp, at: vxlan + 8, vni: (f[vxlan + 4] << 16) | (f[vxlan + 5] << 8) | f[vxlan + 6] };
}

/** The MSS option of a captured TCP SYN inside VXLAN, or null. */
function synMss(f) {
  const inner = innerFrame(f);
  if (!inner) return null;
  const ip = inner.at + 14;
  if (f[inner.at + 12] !== 8 || f[inner.at + 13] !== 0 || f[ip + 9] !== 6) return null;
  const tcp = ip + (f[ip] & 15) * 4;
  if ((f[tcp + 13] & 0x02) === 0) return null;
  const end = tcp + (f[tcp + 12] >> 4) * 4;
  for (let at = tcp + 20; at < end; ) {
    const kind = f[at];
    if (kind === 0) break;
    if (kind === 1) {
      at++;
      continue;
    }
    if (kind === 2 && f[at + 1] === 4) return (f[at + 2] << 8) | f[at + 3];
    at += Math.max(2, f[at + 1]);
  }
  return null;
}
