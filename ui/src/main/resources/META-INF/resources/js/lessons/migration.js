// Lesson: live migration keeps its address. An instance moves to another host while a neighbour pings it; the ping
// sequence, the MAC table entry for it on every host before and after, and how long the hosts took to converge.
import { listAll, create, ping, moveInstance, forwardingTable, removeTenantWithEverything } from '../api.js';
import { el, showError, clearError } from '../dom.js';
import { waitFor } from '../poller.js';
import { stamp } from './shared.js';

const PINGS = 40;
const MOVE_AFTER = 10; // pings answered from the old host before the move is asked for
const PING_TIMEOUT_MILLIS = 300;

export function migrationLesson() {
  const status = el('span', { role: 'status', id: 'migration-status' });
  const out = el('div', { id: 'migration-figures', role: 'status', 'aria-live': 'polite' });
  let lab = null;

  const act = (id, label, action) =>
    el(
      'button',
      {
        type: 'button',
        id,
        onclick: async () => {
          try {
            await action();
            clearError();
          } catch (e) {
            status.textContent = `Could not finish: ${e.message}`;
            showError(e);
          }
        },
      },
      label,
    );

  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-migration', 'aria-labelledby': 'lesson-migration-title' },
    el('h3', { id: 'lesson-migration-title' }, 'Live migration keeps its address'),
    el(
      'p',
      {},
      `In an overlay the instance's address belongs to the tenant's network, not to the machine it runs on. Moving it
      to another host changes one thing: which VTEP its MAC lives behind. The control plane compiles a new table for
      every host of the segment, the old host drops the port, the new host creates it, and every other host points
      the MAC at the new VTEP. The neighbour keeps its ARP entry: IP and MAC stay the same.`,
    ),
    act('migration-setup', 'Set up: a mover and a pinger', async () => {
      lab = await setupLab(status);
    }),
    ' ',
    act('migration-run', 'Ping while moving', async () => {
      if (!lab) throw new Error('set up the lesson first');
      out.replaceChildren(...(await runMove(lab, status)));
    }),
    ' ',
    act('migration-cleanup', 'Clean up', async () => {
      if (lab) await removeTenantWithEverything(lab.tenant.tenantId);
      lab = null;
      status.textContent = 'Removed the lesson tenant and its instances.';
    }),
    ' ',
    status,
    out,
    el('h4', {}, 'Try it yourself'),
    el(
      'pre',
      { id: 'migration-cli' },
      `vpclab apply -f topology-samples/live-migration/topology.yaml   # moves mover-1 to demo-host-3 and checks it
vpclab exec peer-1 -- ping -c 20 10.61.1.10                         # in one terminal, while in another:
curl -s -X PATCH -H "Authorization: Bearer $(cat data/admin-token)" -H 'Content-Type: application/json' \\
  -d '{"hostId":"HOST_ID"}' localhost:8080/api/v1/instances/INSTANCE_ID
curl -s -H "Authorization: Bearer $(cat data/admin-token)" localhost:8080/api/v1/hosts | jq '.items[] | {name, convergenceMillis}'
vpclab destroy -f topology-samples/live-migration/topology.yaml`,
    ),
  );
  return { node };
}

async function setupLab(status) {
  const hosts = (await listAll('hosts')).filter((h) => (h.capabilities || []).includes('simulated'));
  if (hosts.length < 2) throw new Error('live migration needs two hosts that run simulated instances');
  const tenant = await create('tenants', { name: 'migrate-' + stamp() });
  const vpc = await create('vpcs', { tenantId: tenant.tenantId, name: 'migrate', cidrBlock: '10.40.0.0/16' });
  const subnet = await create('subnets', { vpcId: vpc.vpcId, name: 'migrate', cidrBlock: '10.40.1.0/24' });
  const from = hosts[0];
  const pingerHost = hosts[1];
  const to = hosts[2] || hosts[1];
  const mover = await create('instances', {
    subnetId: subnet.subnetId,
    hostId: from.hostId,
    kind: 'simulated',
    name: 'mover',
  });
  const pinger = await create('instances', {
    subnetId: subnet.subnetId,
    hostId: pingerHost.hostId,
    kind: 'simulated',
    name: 'pinger',
  });
  // the ports exist once their hosts applied the new tables: until then the API answers 409
  await waitFor(
    async () =>
      (
        await ping(pinger.instanceId, { target: mover.privateIpAddress, count: 1, timeoutMillis: 500 }).catch(
          () => ({}),
        )
      ).received === 1,
    { every: 300, tries: 60 },
  );
  status.textContent = `Created tenant ${tenant.name}: mover ${mover.privateIpAddress} on ${from.name}, pinger on ${pingerHost.name}; the move goes to ${to.name}.`;
  return { tenant, mover, pinger, from, to, hosts };
}

/** Where each host's table puts the mover's MAC: its own port, behind a VTEP (by host name), or nowhere. */
async function macEntries(lab) {
  const names = new Map(lab.hosts.map((h) => [h.hostId, h.name]));
  const mac = lab.mover.macAddress.toLowerCase();
  return Promise.all(
    lab.hosts.map(async (host) => {
      const table = await forwardingTable(host.hostId).catch(() => null);
      if (!table) return { host, entry: 'no table', generation: null };
      const local = (table.ports || []).find((p) => (p.mac || '').toLowerCase() === mac);
      const remote = (table.macs || []).find((m) => (m.mac || '').toLowerCase() === mac);
      const entry = local ? 'local port' : remote ? `behind VTEP ${names.get(remote.vtep) || remote.vtep}` : 'no entry';
      return { host, entry, generation: table.generation };
    }),
  );
}

async function runMove(lab, status) {
  const before = await macEntries(lab);
  const sequence = [];
  let moveAskedAt = null;
  let moveAnsweredAt = null;
  let moving = null;
  const start = performance.now();
  for (let seq = 1; seq <= PINGS; seq++) {
    if (seq === MOVE_AFTER + 1) {
      moveAskedAt = performance.now();
      moving = moveInstance(lab.mover.instanceId, lab.to.hostId).then((moved) => {
        moveAnsweredAt = performance.now();
        return moved;
      });
    }
    status.textContent = `ping ${seq} of ${PINGS} ...`;
    const sentAt = performance.now();
    const result = await ping(lab.pinger.instanceId, {
      target: lab.mover.privateIpAddress,
      count: 1,
      timeoutMillis: PING_TIMEOUT_MILLIS,
    }).catch((e) => ({ received: 0, error: e.message }));
    const reply = (result.probes || [])[0] || {};
    sequence.push({ seq, at: sentAt - start, replied: result.received === 1, rtt: reply.rttMillis });
  }
  const moved = await moving;
  // convergence: every host's latest generation acknowledged; the API keeps each host's commit-to-ack time
  let hostsAfter = [];
  await waitFor(
    async () => {
      hostsAfter = await listAll('hosts');
      return hostsAfter.every((h) => h.appliedGeneration >= h.desiredGeneration);
    },
    { every: 200, tries: 50 },
  );
  const after = await macEntries(lab);
  const changed = after.filter((a, i) => a.generation !== before[i].generation).map((a) => a.host.hostId);
  const convergence = Math.max(
    0,
    ...hostsAfter.filter((h) => changed.includes(h.hostId)).map((h) => h.convergenceMillis || 0),
  );
  const lost = sequence.filter((p) => !p.replied);
  status.textContent = `Moved ${lab.mover.privateIpAddress} to ${lab.to.name}.`;
  // a second run moves it back
  [lab.from, lab.to] = [lab.to, lab.from];
  return [
    el(
      'p',
      {
        id: 'migration-verdict',
        'data-lost': lost.length,
        'data-sent': sequence.length,
        'data-address-kept': String(
          moved.privateIpAddress === lab.mover.privateIpAddress && moved.macAddress === lab.mover.macAddress,
        ),
        'data-host': moved.hostId,
        'data-convergence-millis': convergence,
      },
      `${sequence.length} pings, one after the other; the move was asked for before ping ${MOVE_AFTER + 1}
      (the API answered after ${(moveAnsweredAt - moveAskedAt || 0).toFixed(0)} ms). `,
      lost.length === 0
        ? 'No reply was lost. '
        : `Lost: ${lost.map((p) => '#' + p.seq).join(', ')} (${lost.length} of ${sequence.length}). `,
      `The address stayed ${moved.privateIpAddress} with MAC ${moved.macAddress}. The hosts whose tables changed
      acknowledged the new generation ${convergence} ms after the change was committed (convergence).`,
    ),
    el(
      'div',
      { id: 'migration-sequence', class: 'ping-sequence', 'aria-label': 'Ping sequence' },
      sequence.map((p) =>
        el(
          'span',
          {
            class: p.replied ? 'ok' : 'lost',
            title: p.replied ? `#${p.seq}: ${p.rtt == null ? '' : p.rtt.toFixed(1) + ' ms'}` : `#${p.seq}: lost`,
            'data-seq': p.seq,
          },
          p.replied ? '✓' : '✗',
          p.seq === MOVE_AFTER ? ' | move | ' : ' ',
        ),
      ),
    ),
    el(
      'table',
      { id: 'migration-macs', 'aria-label': 'MAC table entry for the mover, per host' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['host', 'before the move', 'after the move'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        before.map((b, i) =>
          el(
            'tr',
            { 'data-host': b.host.name },
            el('th', { scope: 'row' }, b.host.name),
            el('td', { 'data-when': 'before' }, b.entry),
            el('td', { 'data-when': 'after' }, after[i].entry),
          ),
        ),
      ),
    ),
  ];
}
