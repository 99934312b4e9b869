// Lesson: the reactor. How one agent moves packets on one epoll event loop, measured from the agents' I/O counters
// while iperf3 runs between two netns instances: the plain path (no offloads) against the fast path (all offloads).
import { listAll, create, hostStats, execInInstance, removeTenantWithEverything } from '../api.js';
import { el, showError, clearError } from '../dom.js';
import { waitFor } from '../poller.js';
import { stamp } from './shared.js';

/** The demo's reactor hosts (vpclab.demo.reactor-hosts=true, root only): a pair per path. */
export const REACTOR_PATHS = [
  { key: 'plain', label: 'plain path (--offloads none)', hosts: ['demo-plain-1', 'demo-plain-2'] },
  { key: 'fast', label: 'fast path (--offloads all)', hosts: ['demo-fast-1', 'demo-fast-2'] },
];
const RUN_SECONDS = 3;

export function reactorLesson() {
  const status = el('span', { role: 'status', id: 'reactor-status' });
  const out = el('div', { id: 'reactor-figures', role: 'status', 'aria-live': 'polite' });
  let lab = null; // { tenantId, pairs: { plain: [a, b], fast: [a, b] } }

  const act = (id, label, action) =>
    el(
      'button',
      {
        type: 'button',
        id,
        onclick: async () => {
          out.dataset.done = 'false';
          try {
            await action();
            clearError();
          } catch (e) {
            status.textContent = `Could not finish: ${e.message}`;
            showError(e);
          }
          out.dataset.done = 'true';
        },
      },
      label,
    );

  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-reactor', 'aria-labelledby': 'lesson-reactor-title' },
    el('h3', { id: 'lesson-reactor-title' }, 'The reactor: how an agent moves packets'),
    el(
      'p',
      {},
      `An agent is one process with one thread per event loop (one by default). The loop sleeps in epoll_wait on
      every file descriptor it owns at once: the UDP socket of the underlay and the TAP of each instance. A wake-up
      says which are ready; the loop drains each in a burst (up to 64 TAP reads, recvmmsg batches of datagrams),
      runs the pipeline on every frame without blocking and without a thread per connection, then flushes the
      sends of the whole burst with one sendmmsg. Blocking I/O would need a thread per descriptor; select and poll
      would hand the kernel the whole list at every call; epoll keeps the list in the kernel and returns only what is ready.`,
    ),
    el(
      'p',
      {},
      `The fast path adds offloads: the TAP carries a virtio-net header, so the instance's TCP stack hands over
      64 KB bursts (TSO) that count as many frames for one read; UDP_SEGMENT (GSO) sends a run of VXLAN datagrams
      in one call, and UDP_GRO receives a run in one buffer. The figures below come from the agents' own counters at
      their I/O edges, while iperf3 runs for ${RUN_SECONDS} s between two netns instances on each path.`,
    ),
    el(
      'p',
      { class: 'note' },
      `Needs root: the four reactor hosts run real network namespaces with TAP devices. Start the demo as root with
      --vpclab.demo.reactor-hosts=true (hosts ${REACTOR_PATHS.flatMap((p) => p.hosts).join(', ')}).`,
    ),
    act('reactor-setup', 'Set up the reactor lab', async () => {
      lab = await setupLab(status);
    }),
    ' ',
    act('reactor-run', 'Run iperf3 on both paths', async () => {
      if (!lab) throw new Error('set up the reactor lab first');
      const figures = [];
      for (const path of REACTOR_PATHS) {
        status.textContent = `iperf3 on the ${path.label} ...`;
        figures.push(await measure(path, lab.pairs[path.key], lab.hosts));
      }
      out.replaceChildren(...render(figures));
      status.textContent = 'Measured both paths.';
    }),
    ' ',
    act('reactor-cleanup', 'Clean up', async () => {
      if (lab) await removeTenantWithEverything(lab.tenantId);
      lab = null;
      status.textContent = 'Removed the lab tenant, its instances and their namespaces.';
    }),
    ' ',
    status,
    out,
    el('h4', {}, 'Try it yourself'),
    el(
      'pre',
      { id: 'reactor-cli' },
      `sudo vpclab demo --vpclab.demo.reactor-hosts=true      # four netns-capable agents: plain and fast pairs
vpclab get instances                                      # the lab's instances and their addresses
vpclab exec reactor-fast-b -- iperf3 -s -1 -D
vpclab exec reactor-fast-a -- iperf3 -c ADDRESS_OF_B -t 3
curl -s -H "Authorization: Bearer $(cat data/admin-token)" localhost:8080/api/v1/hosts/HOST_ID/stats | jq .report.io
# a separate agent: vpclab agent ... --offloads none --stats-port 9100, then
curl -s 127.0.0.1:9100/metrics | grep vpclab_io_`,
    ),
  );
  return { node };
}

async function setupLab(status) {
  const hosts = await listAll('hosts');
  const byName = new Map(hosts.map((h) => [h.name, h]));
  const missing = REACTOR_PATHS.flatMap((p) => p.hosts).filter((n) => !byName.has(n));
  if (missing.length) {
    throw new Error(
      `the reactor hosts ${missing.join(', ')} are not registered: this lesson needs root (netns instances); start the demo as root with --vpclab.demo.reactor-hosts=true`,
    );
  }
  const tenant = await create('tenants', { name: 'reactor-' + stamp() });
  const vpc = await create('vpcs', { tenantId: tenant.tenantId, name: 'reactor', cidrBlock: '10.30.0.0/16' });
  const subnet = await create('subnets', { vpcId: vpc.vpcId, name: 'reactor', cidrBlock: '10.30.1.0/24' });
  const pairs = {};
  for (const path of REACTOR_PATHS) {
    pairs[path.key] = [];
    for (const [i, hostName] of path.hosts.entries()) {
      pairs[path.key].push(
        await create('instances', {
          subnetId: subnet.subnetId,
          hostId: byName.get(hostName).hostId,
          kind: 'netns',
          name: `reactor-${path.key}-${'ab'[i]}`,
        }),
      );
    }
  }
  // the namespaces exist once each agent applied its table: wait until each pair pings
  for (const path of REACTOR_PATHS) {
    const [a, b] = pairs[path.key];
    await waitFor(
      async () =>
        (await execInInstance(a.instanceId, ['ping', '-c', '1', '-W', '1', b.privateIpAddress]).catch(() => ({})))
          .exitCode === 0,
      { every: 500, tries: 60 },
    );
  }
  status.textContent = `Created tenant ${tenant.name}: two netns instances on the plain pair, two on the fast pair (10.30.1.0/24); both pairs ping.`;
  return { tenantId: tenant.tenantId, pairs, hosts: byName };
}

const IO_FIELDS = [
  'wakeups',
  'tapReadCalls',
  'tapFramesRead',
  'tapWriteCalls',
  'tapFramesWritten',
  'underlayReceiveCalls',
  'underlayDatagramsIn',
  'underlaySendCalls',
  'underlayDatagramsOut',
  'gsoSends',
  'gsoSegments',
  'bytesCopied',
];

async function ioOf(hostIds) {
  return Promise.all(hostIds.map(async (id) => await hostStats(id)));
}

/** Runs iperf3 from a to b and answers the pair's I/O counter deltas, summed over both hosts, and the rate. */
async function measure(path, [a, b], hostsByName) {
  const hostIds = path.hosts.map((n) => hostsByName.get(n).hostId);
  await execInInstance(b.instanceId, ['iperf3', '-s', '-1', '-D']);
  const before = await ioOf(hostIds);
  const run = await execInInstance(
    a.instanceId,
    ['iperf3', '-c', b.privateIpAddress, '-t', String(RUN_SECONDS), '-J'],
    RUN_SECONDS + 20,
  );
  const finished = Date.now();
  let after = before;
  await waitFor(
    async () => {
      after = await ioOf(hostIds);
      return after.every((s) => s && s.report.io && Date.parse(s.report.takenAt) >= finished);
    },
    { every: 300, tries: 40 },
  );
  const sum = {};
  for (const f of IO_FIELDS) {
    sum[f] = hostIds.reduce((t, _, i) => t + after[i].report.io[f] - (before[i]?.report.io?.[f] || 0), 0);
  }
  let bitsPerSecond = null;
  let retransmits = null;
  try {
    const end = JSON.parse(run.stdout).end;
    bitsPerSecond = end.sum_received.bits_per_second;
    retransmits = end.sum_sent.retransmits;
  } catch {
    // iperf3 printed no JSON (it failed): the figures still show what the agents did
  }
  const drops = {};
  hostIds.forEach((_, i) => {
    const now = after[i].report.host.dropsByReason || {};
    const then = before[i]?.report?.host?.dropsByReason || {};
    for (const [reason, n] of Object.entries(now)) {
      if (n - (then[reason] || 0) > 0) drops[reason] = (drops[reason] || 0) + n - (then[reason] || 0);
    }
  });
  return {
    path,
    io: sum,
    gro: after.some((s) => s.report.io.udpGro),
    gso: after.some((s) => s.report.io.udpGso),
    bitsPerSecond,
    retransmits,
    drops,
  };
}

const ratio = (a, b) => (b > 0 ? a / b : 0);
const fixed = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The figures of one measured path, each a ratio of counter deltas. */
export function figuresOf(m) {
  const io = m.io;
  const syscalls = io.tapReadCalls + io.tapWriteCalls + io.underlayReceiveCalls + io.underlaySendCalls + io.wakeups;
  return {
    packets: io.tapFramesRead,
    framesPerTapRead: ratio(io.tapFramesRead, io.tapReadCalls),
    framesPerTapWrite: ratio(io.tapFramesWritten, io.tapWriteCalls),
    datagramsPerReceive: ratio(io.underlayDatagramsIn, io.underlayReceiveCalls),
    datagramsPerSend: ratio(io.underlayDatagramsOut, io.underlaySendCalls),
    segmentsPerGsoSend: ratio(io.gsoSegments, io.gsoSends),
    packetsPerWakeup: ratio(io.tapFramesRead, io.wakeups),
    syscallsPerPacket: ratio(syscalls, io.tapFramesRead),
    bytesCopiedPerPacket: ratio(io.bytesCopied, io.tapFramesRead),
    mbps: m.bitsPerSecond == null ? null : m.bitsPerSecond / 1e6,
    retransmits: m.retransmits,
    drops:
      Object.entries(m.drops || {})
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ') || 'none',
  };
}

function render(measured) {
  const [plain, fast] = measured.map(figuresOf);
  const rows = [
    [
      'packets',
      'packets moved (frames the instances sent)',
      (f) => f.packets.toLocaleString('en'),
      'Both paths moved the traffic iperf3 offered in the same time; the fast path moves more of it.',
    ],
    [
      'wakeup',
      'packets per epoll wake-up',
      (f) => fixed(f.packetsPerWakeup),
      'One epoll_wait serves every descriptor that is ready: the busier the loop, the more packets each wake-up finds.',
    ],
    [
      'tap-read',
      'frames per TAP read',
      (f) => fixed(f.framesPerTapRead),
      'Plain, each read(2) returns one frame (and one more read finds the queue empty); with TSO a read returns a 64 KB burst of many frames.',
    ],
    [
      'tap-write',
      'frames per TAP write',
      (f) => fixed(f.framesPerTapWrite),
      "Toward the instance the fast path merges a flow's segments into one write (GRO-like coalescing).",
    ],
    [
      'udp-receive',
      measured[1].gro ? 'datagrams per UDP receive (per GRO buffer on the fast path)' : 'datagrams per UDP receive',
      (f) => fixed(f.datagramsPerReceive),
      "recvmmsg fills a batch in one call; UDP_GRO hands over a run of one sender's datagrams as one buffer.",
    ],
    [
      'udp-send',
      'datagrams per UDP send call',
      (f) => fixed(f.datagramsPerSend),
      "The loop flushes once per burst: sendmmsg takes the burst's datagrams in one call.",
    ],
    [
      'gso',
      'segments per GSO send',
      (f) => (f.segmentsPerGsoSend ? fixed(f.segmentsPerGsoSend) : '—'),
      'UDP_SEGMENT: one buffer of equal-sized VXLAN datagrams, one call, the kernel cuts them (none on the plain path).',
    ],
    [
      'syscalls',
      'system calls per packet (both hosts)',
      (f) => fixed(f.syscallsPerPacket),
      'Reads, writes, receives, sends and wake-ups over packets: batching and offloads cut what each packet costs in kernel crossings.',
    ],
    [
      'copied',
      'bytes copied per packet (at the TAPs)',
      (f) => fixed(f.bytesCopiedPerPacket),
      'Plain reads land after 8 bytes of headroom in their own buffer, so the VXLAN header is written in place: zero copies. The fast path reads into one reused buffer and copies what it keeps.',
    ],
    [
      'rate',
      'iperf3 throughput, Mbit/s (loaded machine)',
      (f) => (f.mbps == null ? 'no result' : f.mbps.toFixed(0)),
      'What the savings buy on this machine, under whatever else it runs.',
    ],
    [
      'retransmits',
      'TCP retransmits (iperf3)',
      (f) => (f.retransmits == null ? '—' : String(f.retransmits)),
      'Segments TCP sent again: a lost frame anywhere on the path costs a retransmit and a slower window.',
    ],
    ['drops', 'drops on the two hosts', (f) => f.drops, 'What the data planes refused while the test ran, by reason.'],
  ];
  return [
    el(
      'table',
      { id: 'reactor-table', 'aria-label': 'Plain path against fast path' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['figure', 'plain path', 'fast path', 'what it shows'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map(([key, label, show, why]) =>
          el(
            'tr',
            { id: `reactor-${key}` },
            el('th', { scope: 'row' }, label),
            el('td', { class: 'num', 'data-path': 'plain' }, show(plain)),
            el('td', { class: 'num', 'data-path': 'fast' }, show(fast)),
            el('td', {}, why),
          ),
        ),
      ),
    ),
    el(
      'p',
      {
        id: 'reactor-verdict',
        'data-plain': plain.syscallsPerPacket.toFixed(3),
        'data-fast': fast.syscallsPerPacket.toFixed(3),
        'data-plain-packets': plain.packets,
        'data-fast-packets': fast.packets,
      },
      fast.syscallsPerPacket < plain.syscallsPerPacket
        ? `The fast path needed ${fixed(fast.syscallsPerPacket)} system calls per packet against ${fixed(plain.syscallsPerPacket)} on the plain path.`
        : `The fast path did not save system calls here (${fixed(fast.syscallsPerPacket)} against ${fixed(plain.syscallsPerPacket)}): are the offloads refused by this kernel?`,
    ),
  ];
}
