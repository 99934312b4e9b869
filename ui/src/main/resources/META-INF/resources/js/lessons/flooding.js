// Lesson: flooding, seen. The same pings with ARP suppression on and off, and a bounded broadcast storm, measured from
// the agents' counters: copies sent per host (head-end replication), broadcasts received at every port.
import { ping, broadcastBurst, setArpSuppression } from '../api.js';
import { el } from '../dom.js';
import {
  setupLessonTenant,
  setupAndCleanup,
  tryItYourself,
  converged,
  reports,
  reportsAfter,
  delta,
  segmentOf,
  portOf,
  table,
  measureButton,
} from './kit.js';

const PREFIX = 'lesson-flooding';
const STORM = 50; // broadcasts in the storm: bounded, and the API refuses more than 1000

export function floodingLesson() {
  let sample = null;
  const out = el('div', { id: 'flooding-result', role: 'status', 'aria-live': 'polite' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-flooding', 'aria-labelledby': 'lesson-flooding-title' },
    el('h3', { id: 'lesson-flooding-title' }, 'Flooding, seen: ARP suppression on and off'),
    el(
      'p',
      {},
      `With ARP suppression on, each agent answers an instance's ARP request from the bindings the control plane gave
      it, and nothing leaves the host. Switch it off (per VPC) and a broadcast ARP request is flooded like any broadcast:
      the source agent sends one copy per remote VTEP of the segment (head-end replication), and every port of the
      segment receives it. The set-up makes its own tenant: one subnet with two simulated instances on every host.
      The run pings every neighbour from a fresh instance with suppression on, then from the other one with it off,
      then sends a storm of ${STORM} broadcast ARP requests from one instance in each mode. Every figure is the change of
      an agent's counter over the step.`,
    ),
    ...setupAndCleanup('flooding', PREFIX, async (status) => {
      sample = await setupLessonTenant({
        prefix: PREFIX,
        cidr: '10.30.0.0/16',
        subnetCidr: '10.30.1.0/24',
        perHost: 2,
      });
      status.textContent = `Created ${sample.tenant.name}: subnet 10.30.1.0/24 (VNI ${sample.subnet.segmentId}), ${sample.instances.length} instances on ${sample.hosts.length} hosts.`;
    }),
    ' ',
    measureButton('flooding-run', 'Run with and without suppression', out, () => sample, run),
    out,
    tryItYourself([
      '# a topology file can say it too: vpcs: [{ name: v, cidrBlock: 10.30.0.0/16, arpSuppression: false, ... }]',
      'export VPCLAB_TOKEN=$(cat data/admin-token)',
      'vpclab get vpcs -o json                       # arpSuppression per VPC',
      'curl -s -X PUT -H "Authorization: Bearer $VPCLAB_TOKEN" -H "Content-Type: application/json" \\',
      '  -d \'{"arpSuppression": false}\' localhost:8080/api/v1/vpcs/VPC_ID/arp-suppression',
      'vpclab exec lesson-flooding-2 -- ping -c 1 10.30.1.6   # a fresh instance: its first ping sends a broadcast ARP',
      'curl -s -X POST -H "Authorization: Bearer $VPCLAB_TOKEN" -H "Content-Type: application/json" \\',
      `  -d '{"target": "10.30.1.6", "count": ${STORM}}' localhost:8080/api/v1/instances/INSTANCE_ID/broadcast-burst`,
      'curl -s -H "Authorization: Bearer $VPCLAB_TOKEN" localhost:8080/api/v1/hosts/HOST_ID/stats   # floodCopies, broadcastsReceived',
    ]),
  );
  return { node };
}

/** Runs one step with every host's reports before and after it. */
async function measured(hosts, step) {
  const before = await reports(hosts);
  await step();
  const finished = Date.now() + 500; // and the copies the other hosts are still receiving

  return { before, after: await reportsAfter(hosts, finished) };
}

async function run(sample, status) {
  const { vpc, subnet, instances, hosts } = sample;
  const vni = subnet.segmentId;
  const firstHost = hosts[0].hostId;
  const [quiet, loud] = instances.filter((i) => i.hostId === firstHost); // two fresh ARP caches on the first host
  const vteps = new Set(instances.map((i) => i.hostId)).size;
  const pingAll = (source) => async () => {
    for (const target of instances.filter((i) => i !== quiet && i !== loud)) {
      await ping(source.instanceId, { target: target.privateIpAddress, count: 1, timeoutMillis: 1000 });
    }
  };
  const stormFrom = (source) => async () => {
    await broadcastBurst(source.instanceId, { target: instances[instances.length - 1].privateIpAddress, count: STORM });
  };
  const neighbours = instances.length - 2;
  const modes = {};
  for (const [mode, source] of [
    ['on', quiet],
    ['off', loud],
  ]) {
    status.textContent = `ARP suppression ${mode}: pinging ${neighbours} neighbours from ${source.name} ...`;
    await setArpSuppression(vpc.vpcId, mode === 'on');
    await converged();
    const pings = await measured(hosts, pingAll(source));
    status.textContent = `ARP suppression ${mode}: a storm of ${STORM} broadcasts from ${source.name} ...`;
    const storm = await measured(hosts, stormFrom(source));
    modes[mode] = { pings, storm };
  }
  await setArpSuppression(vpc.vpcId, true); // leave the lesson's VPC as every VPC starts
  const copies = (m, hostId) => delta(m.before, m.after, hostId, (r) => segmentOf(r, vni).floodCopies || 0);
  const answered = (m, hostId) => delta(m.before, m.after, hostId, (r) => segmentOf(r, vni).arpSuppressed || 0);
  const heard = (m, hostId) =>
    instances
      .filter((i) => i.hostId === hostId)
      .reduce(
        (n, i) => n + delta(m.before, m.after, hostId, (r) => portOf(r, i.instanceId).broadcastsReceived || 0),
        0,
      );
  const underlayOut = (m, hostId) => delta(m.before, m.after, hostId, (r) => r.host.packetsOut);
  const underlayBytes = (m, hostId) => delta(m.before, m.after, hostId, (r) => r.host.bytesOut);
  const total = (f, m) => hosts.reduce((n, h) => n + f(m, h.hostId), 0);
  const pingRows = hosts.map((h) => [
    el('td', {}, h.name + (h.hostId === firstHost ? ' (source)' : '')),
    answered(modes.on.pings, h.hostId),
    copies(modes.on.pings, h.hostId),
    heard(modes.on.pings, h.hostId),
    answered(modes.off.pings, h.hostId),
    copies(modes.off.pings, h.hostId),
    heard(modes.off.pings, h.hostId),
  ]);
  const ports = (hostId) =>
    instances
      .filter((i) => i.hostId === hostId)
      .map(
        (i) =>
          `${i.name}: ${delta(modes.off.storm.before, modes.off.storm.after, hostId, (r) => portOf(r, i.instanceId).broadcastsReceived || 0)}`,
      )
      .join(', ');
  const stormRows = hosts.map((h) => [
    el('td', {}, h.name + (h.hostId === firstHost ? ' (source)' : '')),
    copies(modes.on.storm, h.hostId),
    copies(modes.off.storm, h.hostId),
    underlayOut(modes.off.storm, h.hostId),
    underlayBytes(modes.off.storm, h.hostId),
    el('td', {}, ports(h.hostId)),
  ]);
  const offCopies = total(copies, modes.off.pings);
  const stormCopies = total(copies, modes.off.storm);
  const remote = vteps - 1;
  return [
    el(
      'p',
      { id: 'flooding-summary' },
      'Pings: with suppression on, ',
      el('strong', { id: 'flooding-on-copies' }, total(copies, modes.on.pings)),
      ` copies and ${total(answered, modes.on.pings)} ARP requests answered by the source agent; off, `,
      el('strong', { id: 'flooding-off-copies', 'data-expected': neighbours * remote }, offCopies),
      ` copies for ${neighbours} ARP requests to ${remote} remote VTEPs (${neighbours} x ${remote} = ${neighbours * remote}).`,
    ),
    table(
      'ARP per host, suppression on and off',
      [
        'host',
        'on: ARP answered locally',
        'on: copies sent',
        'on: broadcasts received',
        'off: ARP answered locally',
        'off: copies sent',
        'off: broadcasts received',
      ],
      pingRows,
      { id: 'flooding-pings' },
    ),
    el(
      'p',
      { id: 'flooding-storm-summary' },
      `Storm: ${STORM} broadcast ARP requests from one instance. Suppression on: `,
      el('strong', { id: 'flooding-storm-on-copies' }, total(copies, modes.on.storm)),
      ' copies. Off: ',
      el(
        'strong',
        {
          id: 'flooding-storm-copies',
          'data-broadcasts': STORM,
          'data-vteps': remote,
          'data-expected': STORM * remote,
        },
        stormCopies,
      ),
      ` copies on the underlay (${STORM} x ${remote} VTEPs = ${STORM * remote}), and every other port of the segment received `,
      el('strong', { id: 'flooding-storm-per-port' }, STORM),
      ' broadcasts:',
    ),
    table(
      'Storm cost per host',
      [
        'host',
        'on: copies sent',
        'off: copies sent',
        'off: underlay datagrams out',
        'off: underlay bytes out',
        'off: broadcasts received per port',
      ],
      stormRows,
      { id: 'flooding-storm' },
    ),
    el(
      'p',
      {},
      `Head-end replication costs the source host one datagram per remote VTEP for every broadcast, and the cost grows with
      the number of hosts a segment spans; every port of the segment pays too, whatever the ARP asked for. Suppression
      turns all of it into one local answer.`,
    ),
  ];
}
