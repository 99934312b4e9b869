// Diagnostics: ping, traceroute and TCP probes between instances, a VPC's reachability matrix, packet captures.
import { ping, traceroute, probePort } from './api.js';
import { el, fill, showError, clearError } from './dom.js';
import { startCaptures } from './captures.js';
import { startAnalyzer } from './analyzer.js';

export function startDiagnostics(root) {
  let world = { instances: [], vpcs: [], tenants: [] };
  const source = el('select', { id: 'diag-source' });
  const target = el('select', { id: 'diag-target' });
  const address = el('input', { id: 'diag-address', placeholder: 'or an address, e.g. 10.0.1.5', size: 22 });
  const port = el('input', { id: 'diag-port', type: 'number', value: '80', min: 1, max: 65535, size: 6 });
  const result = el('div', { id: 'diag-result', role: 'status', 'aria-live': 'polite' });
  const vpc = el('select', { id: 'matrix-vpc' });
  const matrix = el('div', { id: 'matrix', role: 'status', 'aria-live': 'polite' });

  const run = (label, probe, body) => async () => {
    const from = world.instances.find((i) => i.instanceId === source.value);
    const to =
      address.value.trim() || (world.instances.find((i) => i.instanceId === target.value) || {}).privateIpAddress;
    if (!from || !to) {
      result.textContent = 'Pick a source instance and a target.';
      return;
    }
    result.textContent = `${label} from ${from.name || from.instanceId} to ${to} ...`;
    result.dataset.outcome = 'running';
    try {
      const answer = await probe(from.instanceId, body(to));
      clearError();
      result.replaceChildren(...renderResult(label, from, to, answer));
      result.dataset.outcome = answer.error ? 'error' : answer.received > 0 ? 'answered' : 'dropped';
    } catch (e) {
      result.dataset.outcome = 'refused';
      result.textContent = `${label} refused: ${e.message}`;
      showError(e);
    }
  };

  root.append(
    el(
      'p',
      {},
      "Probes are real packets sent by the source instance's host; a lost probe shows the drop reasons its data plane counted.",
    ),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'diag-source' }, 'From instance', source),
      el('label', { for: 'diag-target' }, 'To instance', target),
      el('label', { for: 'diag-address' }, 'Target address (overrides)', address),
      el('label', { for: 'diag-port' }, 'TCP port', port),
      el(
        'button',
        {
          type: 'button',
          id: 'diag-ping',
          onclick: run('Ping', ping, (to) => ({ target: to, count: 3, timeoutMillis: 500 })),
        },
        'Ping',
      ),
      el(
        'button',
        {
          type: 'button',
          id: 'diag-traceroute',
          onclick: run('Traceroute', traceroute, (to) => ({ target: to, maxHops: 8, timeoutMillis: 500 })),
        },
        'Traceroute',
      ),
      el(
        'button',
        {
          type: 'button',
          id: 'diag-tcp',
          onclick: run('TCP probe', probePort, (to) => ({
            target: to,
            protocol: 'tcp',
            port: Number(port.value),
            timeoutMillis: 500,
          })),
        },
        'TCP probe',
      ),
    ),
    result,
    el('h3', {}, 'Reachability matrix'),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'matrix-vpc' }, 'VPC (or all instances)', vpc),
      el('button', { type: 'button', id: 'matrix-run', onclick: () => measure(world, vpc.value, matrix) }, 'Measure'),
    ),
    matrix,
  );
  const analyzer = startAnalyzer(root);
  const captures = startCaptures(root);

  return {
    show: captures.show,
    hide: captures.hide,
    onWorld(next) {
      world = next;
      analyzer.onWorld(next);
      captures.onWorld(next);
      const tenantName = (id) => (world.tenants.find((t) => t.tenantId === id) || {}).name || id;
      const instanceOption = (i) => ({
        value: i.instanceId,
        label: `${i.name || i.instanceId} ${i.privateIpAddress} (${tenantName(i.tenantId)})`,
      });
      fill(source, world.instances.map(instanceOption));
      fill(target, world.instances.map(instanceOption));
      fill(vpc, [
        { value: '', label: 'all instances' },
        ...world.vpcs.map((v) => ({ value: v.vpcId, label: `${v.name || v.vpcId} (${tenantName(v.tenantId)})` })),
      ]);
    },
  };
}

function renderResult(label, from, to, answer) {
  const summary = answer.error
    ? el('p', { class: 'bad' }, `${label} could not run: ${answer.error}`)
    : el(
        'p',
        { class: answer.received > 0 ? 'ok' : 'bad', id: 'diag-summary' },
        `${label} ${from.privateIpAddress} -> ${to}: ${answer.received} of ${answer.sent} answered` +
          (answer.outcome ? ` - port ${answer.outcome}` : ''),
      );
  const probes = el(
    'table',
    { 'aria-label': 'Probes' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['#', 'answered', 'from', 'TTL', 'RTT ms'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      (answer.probes || []).map((p) =>
        el(
          'tr',
          {},
          el('td', {}, p.sequence),
          el('td', { class: p.replied ? 'ok' : 'bad' }, p.replied ? 'yes' : 'no'),
          el('td', {}, p.from || ''),
          el('td', {}, p.ttl ?? ''),
          el('td', {}, p.rttMillis == null ? '' : p.rttMillis.toFixed(2)),
        ),
      ),
    ),
  );
  const reasons = Object.entries(answer.dropReasons || {});
  const drops =
    reasons.length === 0
      ? el('p', { id: 'diag-drops' }, 'No drops counted.')
      : el(
          'p',
          { id: 'diag-drops', class: 'bad' },
          'Dropped by the data plane: ' + reasons.map(([r, n]) => `${r} x${n}`).join(', '),
        );
  return [summary, probes, drops];
}

async function measure(world, vpcId, out) {
  const members = world.instances.filter((i) => !vpcId || i.vpcId === vpcId);
  out.textContent = `Measuring ${members.length * (members.length - 1)} pairs ...`;
  out.dataset.done = 'false';
  const cells = new Map();
  // A few pings at a time: enough to be quick, few enough not to drown the hosts.
  const pairs = members.flatMap((a) => members.filter((b) => b !== a).map((b) => [a, b]));
  let next = 0;
  async function worker() {
    while (next < pairs.length) {
      const [a, b] = pairs[next++];
      try {
        const r = await ping(a.instanceId, { target: b.privateIpAddress, count: 1, timeoutMillis: 500 });
        cells.set(a.instanceId + b.instanceId, r);
      } catch (e) {
        cells.set(a.instanceId + b.instanceId, { error: e.message });
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  const name = (i) => i.name || i.instanceId;
  out.replaceChildren(
    el(
      'table',
      { class: 'matrix', 'aria-label': 'Reachability matrix' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'from \\ to'),
          members.map((m) => el('th', { scope: 'col' }, name(m))),
        ),
      ),
      el(
        'tbody',
        {},
        members.map((a) =>
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, name(a)),
            members.map((b) => {
              if (a === b) return el('td', { class: 'self' }, '-');
              const r = cells.get(a.instanceId + b.instanceId);
              if (r.error) return el('td', { class: 'bad', title: r.error }, '!');
              const reasons = Object.keys(r.dropReasons || {}).join(', ');
              return r.received > 0
                ? el('td', { class: 'ok', title: 'answered' }, '✓')
                : el('td', { class: 'bad', title: reasons || 'no answer' }, '✗ ' + reasons);
            }),
          ),
        ),
      ),
    ),
    el('p', {}, '✓ = answered, ✗ = no answer, with the drop reason the source host counted.'),
  );
  out.dataset.done = 'true';
}
