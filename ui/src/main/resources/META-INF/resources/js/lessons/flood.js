// Lesson 4, flood scope: where a broadcast ARP would go, and the hosts' counters showing it answered locally instead.
import { ping, hostStats } from '../api.js';
import { el, showError, clearError } from '../dom.js';
import { waitFor } from '../poller.js';
import { setupButton, pickPair, agentTables } from './shared.js';

export function floodLesson(world) {
  const out = el('div', { id: 'flood', role: 'status' });
  const counters = el('div', { id: 'flood-counters', role: 'status', 'aria-live': 'polite' });
  let sampleSubnetId = null;
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-flood', 'aria-labelledby': 'lesson-flood-title' },
    el('h3', { id: 'lesson-flood-title' }, 'Flood scope: where a broadcast ARP goes'),
    el(
      'p',
      {},
      `Without ARP suppression a broadcast ARP request is copied to every VTEP in the segment's flood list
      (head-end replication) and reaches every port of the segment. With suppression the source agent answers from its IP
      bindings, and nothing leaves the host. Per segment, from each agent's table:`,
    ),
    setupButton('flood-setup', (subnet) => {
      sampleSubnetId = subnet.subnetId;
    }),
    ' ',
    el(
      'button',
      {
        type: 'button',
        id: 'flood-count',
        onclick: async () => {
          try {
            out.replaceChildren(...(await floodScope(world())));
          } catch (e) {
            showError(e);
          }
        },
      },
      'Compute from the current tables',
    ),
    out,
    el(
      'p',
      {},
      `The agents count what really happened: ping from one instance to its neighbours (each first ping sends a
      broadcast ARP request) and to an address nobody has, then compare the hosts' counters before and after.`,
    ),
    el(
      'button',
      {
        type: 'button',
        id: 'flood-measure',
        onclick: async () => {
          counters.dataset.done = 'false';
          try {
            counters.replaceChildren(...(await floodCounters(world(), sampleSubnetId, counters)));
            clearError();
          } catch (e) {
            counters.textContent = `Could not measure: ${e.message}`;
            showError(e);
          }
          counters.dataset.done = 'true';
        },
      },
      'Ping and watch the counters',
    ),
    counters,
  );
  return { node };
}

async function allHostStats(hosts) {
  const entries = await Promise.all(hosts.map(async (h) => [h.hostId, await hostStats(h.hostId)]));
  return new Map(entries);
}

/** An address of the subnet that no instance holds (the high end, away from the first allocations). */
function unusedAddress(w, subnetId) {
  const subnet = w.subnets.find((s) => s.subnetId === subnetId);
  if (!subnet) return null;
  const [base, prefix] = subnet.cidrBlock.split('/');
  const start = base.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(prefix));
  const taken = new Set(w.instances.map((i) => i.privateIpAddress));
  for (let offset = size - 2; offset > 3; offset--) {
    const n = start + offset;
    const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    if (!taken.has(ip)) return ip;
  }
  return null;
}

async function floodCounters(w, sampleSubnetId, status) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const inSample = w.instances.filter((i) => i.subnetId === sampleSubnetId);
  const [source] = inSample.length >= 2 ? inSample : pickPair(w.instances);
  if (!source) return [el('p', {}, 'Set up the sample topology first: the lesson needs two instances in one subnet.')];
  const neighbours = w.instances.filter((i) => i.subnetId === source.subnetId && i !== source);
  const nobody = unusedAddress(w, source.subnetId);
  const before = await allHostStats(w.hosts);
  status.textContent = `Pinging ${neighbours.length} neighbours and ${nobody} from ${source.name || source.instanceId} ...`;
  for (const target of [...neighbours.map((n) => n.privateIpAddress), nobody].filter(Boolean)) {
    await ping(source.instanceId, { target, count: 1, timeoutMillis: 500 });
  }
  const finished = Date.now();
  // the agents report once a second: wait for a report taken after the pings from every host that reports
  let after = before;
  await waitFor(
    async () => {
      after = await allHostStats(w.hosts);
      return [...after.values()].filter(Boolean).every((s) => Date.parse(s.report.takenAt) >= finished);
    },
    { every: 300, tries: 30 },
  );
  const delta = (hostId, pick) => {
    const a = after.get(hostId);
    const b = before.get(hostId);
    return a ? pick(a.report.host) - (b ? pick(b.report.host) : 0) : 0;
  };
  const counters = [
    ['arp', 'ARP answered locally', (h) => h.arpSuppressed],
    ['floods', 'floods', (h) => h.floods],
    ['unknown', 'ARP for unknown addresses dropped', (h) => (h.dropsByReason || {}).ARP_UNKNOWN_BINDING || 0],
    ['out', 'underlay datagrams out', (h) => h.packetsOut],
  ];
  const total = (key) => w.hosts.reduce((sum, h) => sum + delta(h.hostId, counters.find((c) => c[0] === key)[2]), 0);
  const vteps = new Set(w.instances.filter((i) => i.subnetId === source.subnetId).map((i) => i.hostId)).size;
  const sourceHost = (w.hosts.find((h) => h.hostId === source.hostId) || {}).name || source.hostId;
  return [
    el(
      'p',
      {},
      `${source.name || source.instanceId} (on ${sourceHost}) pinged ${neighbours.length} neighbours and ${nobody}.
      Without suppression every ARP request would be copied to the ${vteps - 1} other VTEPs of the segment and to every port in it.
      Measured on the hosts: `,
      el('strong', { id: 'flood-arp-answered' }, total('arp')),
      ' ARP requests answered by the local agent (flooded, they would have cost ',
      el('strong', { id: 'flood-would-copy' }, total('arp') * Math.max(0, vteps - 1)),
      ' underlay copies), ',
      el('strong', { id: 'flood-floods' }, total('floods')),
      ' floods, ',
      el('strong', { id: 'flood-unknown' }, total('unknown')),
      ' ARP request(s) for an unknown address dropped at the source.',
    ),
    el(
      'table',
      { 'aria-label': 'Counter changes per host' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'host'),
          counters.map((c) => el('th', { scope: 'col' }, c[1])),
        ),
      ),
      el(
        'tbody',
        {},
        w.hosts.map((h) =>
          el(
            'tr',
            {},
            el('td', {}, h.name + (h.hostId === source.hostId ? ' (source)' : '')),
            counters.map(([key, , pick]) =>
              el(
                'td',
                { class: 'num', 'data-delta': key },
                after.get(h.hostId) ? `+${delta(h.hostId, pick)}` : 'no data',
              ),
            ),
          ),
        ),
      ),
    ),
    el(
      'p',
      {},
      'An instance remembers the answers, so pinging the same neighbours again sends no new ARP: only the unknown address asks again.',
    ),
  ];
}

async function floodScope(w) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const perHost = (await agentTables(w)).filter((x) => x.table);
  const segments = new Map();
  for (const { host, table } of perHost) {
    for (const s of table.segments || []) {
      const entry = segments.get(s.vni) || {
        vni: s.vni,
        cidr: s.cidrBlock,
        vlanId: s.vlanId,
        hosts: [],
        ports: 0,
        floodCopies: 0,
        bindings: 0,
      };
      const ports = (table.ports || []).filter((p) => p.vni === s.vni).length;
      entry.hosts.push(host.name);
      entry.ports += ports;
      entry.floodCopies = Math.max(entry.floodCopies, (s.floodList || []).length);
      entry.bindings = Math.max(entry.bindings, (table.bindings || []).filter((b) => b.vni === s.vni).length);
      segments.set(s.vni, entry);
    }
  }
  return [
    el(
      'table',
      { 'aria-label': 'Flood scope per segment' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['segment', 'CIDR', 'hosts serving it', 'ports', 'ARP without suppression', 'ARP with suppression'].map((h) =>
            el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        [...segments.values()].map((s) =>
          el(
            'tr',
            {},
            el('td', {}, s.vlanId ? `VLAN ${s.vlanId} / VNI ${s.vni}` : `VNI ${s.vni}`),
            el('td', {}, s.cidr || ''),
            el('td', {}, s.hosts.join(', ')),
            el('td', {}, s.ports),
            el('td', {}, `${s.floodCopies} tunnel copies, reaches ${s.ports} ports on ${s.hosts.length} hosts`),
            el(
              'td',
              { class: 'ok' },
              s.bindings > 0 ? 'answered by the local agent: 0 copies, 1 port' : 'no bindings: floods as without',
            ),
          ),
        ),
      ),
    ),
    el(
      'p',
      {},
      'Copies are what one broadcast costs on the underlay; the agents count floods and suppressed ARP replies.',
    ),
  ];
}
