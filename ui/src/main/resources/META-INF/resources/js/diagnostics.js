// Diagnostics: ping, traceroute, TCP and UDP probes between instances, reachability matrices (a VPC's, or one
// instance per VPC across tenants to show isolation), packet captures. The URL holds the chosen pair:
// #diagnostics?from=ID&to=ID.
import { ping, traceroute, probePort } from './api.js';
import { el, fill, showError, clearError } from './dom.js';
import { navigate } from './route.js';
import { startCaptures } from './captures.js';
import { startAnalyzer } from './analyzer.js';

/** The matrix choice that measures one instance per VPC, across every tenant. */
export const ACROSS_TENANTS = '*across-tenants';

export function startDiagnostics(root) {
  let world = { instances: [], vpcs: [], tenants: [] };
  const source = el('select', { id: 'diag-source' });
  const target = el('select', { id: 'diag-target' });
  const address = el('input', { id: 'diag-address', placeholder: 'or an address, e.g. 10.0.1.5', size: 22 });
  const port = el('input', { id: 'diag-port', type: 'number', value: '80', min: 1, max: 65535, size: 6 });
  // 7 is echo (RFC 862): simulated instances answer it, so the default probe finds an open port
  const udpPort = el('input', { id: 'diag-udp-port', type: 'number', value: '7', min: 1, max: 65535, size: 6 });
  // a choice made by hand (or by the URL) is kept; until then the page picks a sensible pair
  let chosen = { from: '', to: '' };
  const remember = () => {
    chosen = { from: source.value, to: target.value };
    navigate({ screen: 'diagnostics', params: chosen }, { replace: true });
  };
  source.addEventListener('change', () => {
    chosen.to = '';
    target.value = defaultTarget(world, source.value, '') || target.value;
    remember();
  });
  target.addEventListener('change', remember);
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
      el('label', { for: 'diag-udp-port' }, 'UDP port', udpPort),
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
      el(
        'button',
        {
          type: 'button',
          id: 'diag-udp',
          onclick: run('UDP probe', probePort, (to) => ({
            target: to,
            protocol: 'udp',
            port: Number(udpPort.value),
            timeoutMillis: 500,
          })),
        },
        'UDP probe',
      ),
    ),
    result,
    el('h3', {}, 'Reachability matrix'),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'matrix-vpc' }, 'Instances', vpc),
      el('button', { type: 'button', id: 'matrix-run', onclick: () => measure(world, vpc.value, matrix) }, 'Measure'),
    ),
    matrix,
  );
  const analyzer = startAnalyzer(root);
  const captures = startCaptures(root);

  return {
    show: captures.show,
    hide: captures.hide,
    route(route) {
      chosen = { from: route.params.from || chosen.from, to: route.params.to || chosen.to };
      applyChoice();
    },
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
        { value: ACROSS_TENANTS, label: 'one per VPC, across tenants (isolation)' },
        ...world.vpcs.map((v) => ({ value: v.vpcId, label: `${v.name || v.vpcId} (${tenantName(v.tenantId)})` })),
      ]);
      applyChoice();
    },
  };

  /** The URL's or the user's pair when there is one; else the first running instance and a neighbour of it. */
  function applyChoice() {
    const exists = (id) => world.instances.some((i) => i.instanceId === id);
    if (exists(chosen.from)) source.value = chosen.from;
    else if (!exists(source.value) || !source.dataset.defaulted) {
      const running = world.instances.find((i) => i.state === 'running') || world.instances[0];
      if (running) {
        source.value = running.instanceId;
        source.dataset.defaulted = 'true';
      }
    }
    if (exists(chosen.to)) target.value = chosen.to;
    else {
      const neighbour = defaultTarget(world, source.value, target.value);
      if (neighbour) target.value = neighbour;
    }
  }
}

/**
 * A target worth probing from this source: the current one if it is another instance of the source's VPC, else
 * the first other instance of the same subnet, then of the same VPC, then any other.
 */
export function defaultTarget(world, sourceId, currentId) {
  const from = world.instances.find((i) => i.instanceId === sourceId);
  if (!from) return '';
  const others = world.instances.filter((i) => i.instanceId !== sourceId);
  const current = others.find((i) => i.instanceId === currentId);
  if (current && current.vpcId === from.vpcId) return currentId;
  const pick =
    others.find((i) => i.subnetId === from.subnetId) || others.find((i) => i.vpcId === from.vpcId) || others[0];
  return pick ? pick.instanceId : '';
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

/** The instances a matrix choice measures: a VPC's, everyone's, or the first of each VPC across tenants. */
export function matrixMembers(world, choice) {
  if (choice !== ACROSS_TENANTS) return world.instances.filter((i) => !choice || i.vpcId === choice);
  const tenantName = (id) => (world.tenants.find((t) => t.tenantId === id) || {}).name || id;
  const firstOfVpc = new Map();
  const byName = (a, b) => (a.name || a.instanceId).localeCompare(b.name || b.instanceId, 'en', { numeric: true });
  for (const i of [...world.instances].sort(byName)) {
    const held = firstOfVpc.get(i.vpcId);
    if (!held || (held.state !== 'running' && i.state === 'running')) firstOfVpc.set(i.vpcId, i);
  }
  return [...firstOfVpc.values()].sort(
    (a, b) => tenantName(a.tenantId).localeCompare(tenantName(b.tenantId)) || byName(a, b),
  );
}

/**
 * What a ping from one instance to another should show, as the demo's and the CLI's matrices judge it:
 * 'reachable' (same VPC, or peered), 'same-ip' (the other VPC's instance has the source's own address: nothing to
 * measure), 'own' (an address the source's VPC also holds answers from there), or 'isolated' (nothing may answer).
 */
export function expectation(world, from, to) {
  if (from.vpcId === to.vpcId) return 'reachable';
  const peered = world.peerings.some(
    (p) =>
      p.status === 'active' &&
      ((p.requesterVpcId === from.vpcId && p.accepterVpcId === to.vpcId) ||
        (p.requesterVpcId === to.vpcId && p.accepterVpcId === from.vpcId)),
  );
  if (peered) return 'reachable';
  if (from.privateIpAddress === to.privateIpAddress) return 'same-ip';
  const home = world.instances.some((i) => i.vpcId === from.vpcId && i.privateIpAddress === to.privateIpAddress);
  return home ? 'own' : 'isolated';
}

/** One cell: its class, text and hover title from the expectation and the answer. */
function cell(expected, r) {
  if (expected === 'same-ip')
    return { class: 'self', text: '(same ip)', title: 'the other VPC uses the source address' };
  if (r.error) return { class: 'bad', text: '!', title: r.error };
  const reasons = Object.keys(r.dropReasons || {}).join(', ');
  const answered = r.received > 0;
  if (expected === 'isolated') {
    return answered
      ? { class: 'bad leak', text: '✓ leak', title: 'answered across an isolation boundary' }
      : { class: 'isolated', text: '✗ isolated', title: reasons || 'no answer' };
  }
  if (expected === 'own') {
    return answered
      ? { class: 'own', text: 'own', title: "answered by the source VPC's own instance with this address" }
      : { class: 'bad', text: '✗ ' + reasons, title: reasons || 'no answer' };
  }
  return answered
    ? { class: 'ok', text: '✓', title: 'answered' }
    : { class: 'bad', text: '✗ ' + reasons, title: reasons || 'no answer' };
}

async function measure(world, choice, out) {
  const members = matrixMembers(world, choice);
  out.textContent = `Measuring ${members.length * (members.length - 1)} pairs ...`;
  out.dataset.done = 'false';
  const cells = new Map();
  // A few pings at a time: enough to be quick, few enough not to drown the hosts.
  const pairs = members.flatMap((a) => members.filter((b) => b !== a).map((b) => [a, b]));
  let next = 0;
  async function worker() {
    while (next < pairs.length) {
      const [a, b] = pairs[next++];
      if (expectation(world, a, b) === 'same-ip') continue;
      try {
        const r = await ping(a.instanceId, { target: b.privateIpAddress, count: 1, timeoutMillis: 500 });
        cells.set(a.instanceId + b.instanceId, r);
      } catch (e) {
        cells.set(a.instanceId + b.instanceId, { error: e.message });
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  const tenantName = (id) => (world.tenants.find((t) => t.tenantId === id) || {}).name;
  const name = (i) =>
    `${i.name || i.instanceId} ${i.privateIpAddress}` +
    (choice === ACROSS_TENANTS ? ` (${tenantName(i.tenantId) || i.tenantName || i.tenantId})` : '');
  // a thick line where the tenant changes, so each tenant's block reads at a glance
  const edge = (k) => (k > 0 && members[k].tenantId !== members[k - 1].tenantId ? 'tenant-edge' : undefined);
  let leaks = 0;
  let broken = 0;
  const body = members.map((a) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, name(a)),
      members.map((b, k) => {
        if (a === b) return el('td', { class: ['self', edge(k)].filter(Boolean).join(' ') }, '-');
        const expected = expectation(world, a, b);
        const c = cell(expected, cells.get(a.instanceId + b.instanceId) || {});
        if (c.class.includes('leak')) leaks++;
        else if (c.class.startsWith('bad')) broken++;
        return el(
          'td',
          { class: [c.class, edge(k)].filter(Boolean).join(' '), title: c.title, 'data-expected': expected },
          c.text,
        );
      }),
    ),
  );
  const crossTenant = pairs.some(([a, b]) => a.tenantId !== b.tenantId);
  const verdict = !crossTenant
    ? null
    : leaks === 0
      ? el('p', { class: 'ok', id: 'matrix-verdict' }, "Tenant isolation holds: no instance reached another tenant's.")
      : el('p', { class: 'bad', id: 'matrix-verdict' }, `Isolation broken: ${leaks} pairs answered across tenants.`);
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
          members.map((m, k) => el('th', { scope: 'col', class: edge(k) }, name(m))),
        ),
      ),
      el('tbody', {}, body),
    ),
    verdict,
    el(
      'p',
      {},
      "✓ = answered; ✗ = no answer, with the drop reason the source host counted; ✗ isolated = another tenant's or " +
        "VPC's instance, rightly unreachable; own = an address the source's VPC also uses, answered at home; " +
        "(same ip) = the other instance has the source's own address, nothing to measure." +
        (broken ? ` ${broken} expected answers are missing.` : ''),
    ),
  );
  out.dataset.leaks = String(leaks);
  out.dataset.done = 'true';
}
