// What the measuring lessons share: a tenant of their own made in one click and removed in one click, waiting until
// every host applied the latest table, the agents' counters before and after, an underlay capture around an action,
// and the "try it yourself" box of CLI commands.
import {
  listAll,
  create,
  removeTenantWithEverything,
  hostStats,
  getCapture,
  stopCapture,
  capturePcap,
} from '../api.js';
import { el, showError, clearError } from '../dom.js';
import { waitFor } from '../poller.js';
import { stamp } from './shared.js';
import { pcapRecords } from './anatomy.js';

/**
 * A tenant named {prefix}-{stamp}, one VPC and one subnet, and {perHost} simulated instances on each of the first
 * {hosts} hosts (all hosts when absent). Answers { tenant, vpc, subnet, instances, hosts }.
 */
export async function setupLessonTenant({
  prefix,
  cidr,
  subnetCidr,
  perHost = 1,
  hosts: wanted,
  vpc: vpcOptions = {},
}) {
  const all = await listAll('hosts');
  if (all.length === 0)
    throw new Error('no hosts registered: start the server with --demo, or register an agent first');
  const hosts = all.slice(0, wanted || all.length);
  const tenant = await create('tenants', { name: `${prefix}-${stamp()}` });
  const vpc = await create('vpcs', { tenantId: tenant.tenantId, name: prefix, cidrBlock: cidr, ...vpcOptions });
  const subnet = await create('subnets', { vpcId: vpc.vpcId, name: prefix + '-a', cidrBlock: subnetCidr });
  const instances = [];
  for (const host of hosts) {
    for (let k = 0; k < perHost; k++) {
      instances.push(
        await create('instances', {
          subnetId: subnet.subnetId,
          hostId: host.hostId,
          kind: 'simulated',
          name: `${prefix}-${instances.length + 1}`,
        }),
      );
    }
  }
  await converged();
  return { tenant, vpc, subnet, instances, hosts };
}

/** Removes every tenant whose name starts with {prefix}- and all it holds; answers how many. */
export async function removeLessonTenants(prefix) {
  const tenants = (await listAll('tenants')).filter((t) => t.name.startsWith(prefix + '-'));
  for (const tenant of tenants) await removeTenantWithEverything(tenant.tenantId);
  return tenants.length;
}

/** Waits until every connected host applied the latest table compiled for it. */
export async function converged() {
  await waitFor(
    async () =>
      (await listAll('hosts'))
        .filter((h) => h.status === 'connected')
        .every((h) => h.appliedGeneration >= h.desiredGeneration),
    { every: 300, tries: 100 },
  );
}

/** Every host's last stats report, by hostId (null where none came yet). */
export async function reports(hosts) {
  const entries = await Promise.all(hosts.map(async (h) => [h.hostId, await hostStats(h.hostId)]));
  return new Map(entries.map(([id, s]) => [id, s ? s.report : null]));
}

/** The reports of every host taken after {since} (the agents report about once a second). */
export async function reportsAfter(hosts, since) {
  let latest = new Map();
  await waitFor(
    async () => {
      latest = await reports(hosts);
      return [...latest.values()].every((r) => r && Date.parse(r.takenAt) > since);
    },
    { every: 300, tries: 60 },
  );
  return latest;
}

/** The change of {pick(report)} between two reports of one host (0 where either is missing). */
export function delta(before, after, hostId, pick) {
  const a = after.get(hostId);
  const b = before.get(hostId);
  return a ? pick(a) - (b ? pick(b) : 0) : 0;
}

/** Counters of one segment (by VNI) in a report, zeros when the host reported none for it. */
export function segmentOf(report, vni) {
  return ((report && report.segments) || []).find((s) => s.vni === vni) || {};
}

/** Counters of one port (by instance id) in a report. */
export function portOf(report, instanceId) {
  return ((report && report.ports) || []).find((p) => p.portId === instanceId) || {};
}

/** Captures the underlay of {hostId} while {action} runs; answers { capture, records } (raw frames). */
export async function captureAround(hostId, action, status) {
  const capture = await create('captures', { hostId, maxPackets: 200, maxSeconds: 30 });
  await waitFor(async () => (await getCapture(capture.captureId)).status !== 'starting', { every: 200, tries: 50 });
  if (status) status.textContent = `Capture ${capture.captureId} running on the underlay ...`;
  try {
    await action();
  } finally {
    const stopped = await stopCapture(capture.captureId);
    if (stopped.status !== 'stopped')
      throw new Error(`capture ${capture.captureId} is ${stopped.status}${stopped.error ? ': ' + stopped.error : ''}`);
  }
  const { blob } = await capturePcap(capture.captureId);
  return { capture, records: pcapRecords(await blob.arrayBuffer()) };
}

/** The one-click set-up and clean-up buttons of a lesson; {onSetup} gets the status element and runs the set-up. */
export function setupAndCleanup(id, prefix, onSetup) {
  const status = el('span', { role: 'status', id: id + '-status' });
  const run = (action) => async () => {
    status.dataset.done = 'false';
    try {
      await action();
      clearError();
    } catch (e) {
      status.textContent = `Failed: ${e.message}`;
      showError(e);
    }
    status.dataset.done = 'true';
  };
  return [
    el('button', { type: 'button', id: id + '-setup', onclick: run(() => onSetup(status)) }, 'Set up'),
    ' ',
    el(
      'button',
      {
        type: 'button',
        id: id + '-clean',
        onclick: run(async () => {
          const n = await removeLessonTenants(prefix);
          status.textContent = `Removed ${n} ${prefix} tenant(s) and everything they held.`;
        }),
      },
      'Clean up',
    ),
    ' ',
    status,
  ];
}

/**
 * The button that runs a lesson's measurement into {@code out}: refused before set-up, the error
 * shown in place of the figures, and {@code out.dataset.done} flipped for whoever waits (the tests).
 */
export function measureButton(id, label, out, sample, measure) {
  return el(
    'button',
    {
      type: 'button',
      id,
      onclick: async () => {
        out.dataset.done = 'false';
        try {
          const current = sample();
          if (!current) throw new Error('set up the lesson first');
          out.replaceChildren(...(await measure(current, out)));
        } catch (e) {
          out.textContent = `Could not measure: ${e.message}`;
        }
        out.dataset.done = 'true';
      },
    },
    label,
  );
}

/** The "try it yourself" box: the CLI commands that reproduce the lesson. */
export function tryItYourself(lines) {
  return el('details', { class: 'try-it' }, el('summary', {}, 'Try it yourself'), el('pre', {}, lines.join('\n')));
}

/** A small table: a header row and body rows of cells (strings, numbers or elements). */
export function table(label, head, rows, attributes = {}) {
  return el(
    'table',
    { 'aria-label': label, ...attributes },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        head.map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((c) => (c instanceof Node ? c : el('td', { class: 'num' }, c))),
        ),
      ),
    ),
  );
}
