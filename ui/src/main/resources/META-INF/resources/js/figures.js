// Figures: each host's counters as its agent reported them, NAT gateways' figures and sessions,
// whitelist rule hits; numbers plus small live charts of the rates, refreshed every second.
import { poller } from './poller.js';
import { token, hostStats, natGatewayFigures, natGatewaySessions } from './api.js';
import { el } from './dom.js';

const POLL_MILLIS = 1000;
const HISTORY = 60; // samples kept per chart: a minute at one report a second

export function startFigures(root) {
  let visible = false;
  let world = { hosts: [], instances: [], natGateways: [], whitelists: [] };
  const history = new Map(); // hostId -> [{ t, host }] cumulative counters by report time
  const natHistory = new Map(); // natGatewayId -> [{ t, out, in }] packet rates by report time
  const hostsBox = el('div', { id: 'fig-hosts', class: 'cards' });
  const natBox = el('div', { id: 'fig-nat', class: 'cards' });
  const whitelistBox = el('div', { id: 'fig-whitelists' });
  const status = el('p', { id: 'fig-status', role: 'status' });
  root.append(
    el(
      'p',
      {},
      "Every agent posts its data plane's counters once a second: underlay datagrams and bytes in and out, " +
        'floods, ARP requests answered locally (suppressed), and every drop by reason. Rates are the difference between two reports.',
    ),
    status,
    el('h3', {}, 'Hosts'),
    hostsBox,
    el('h3', {}, 'NAT gateways'),
    natBox,
    el('h3', {}, 'Whitelist rule hits'),
    whitelistBox,
  );

  /** Reads every host's latest report into the history; throws (after saying why) when the token may not read them. */
  async function sample() {
    try {
      const hosts = [...world.hosts].sort((a, b) => a.name.localeCompare(b.name));
      return await Promise.all(
        hosts.map(async (host) => {
          const stats = await hostStats(host.hostId);
          if (stats) remember(host.hostId, stats.report);
          return [host, stats];
        }),
      );
    } catch (e) {
      status.textContent =
        e.status === 403 ? 'Host counters need the admin token.' : `Counters cannot be read: ${e.message}`;
      throw e; // the poller backs off
    }
  }

  async function draw(sampled) {
    status.textContent =
      world.hosts.length === 0 ? 'No hosts registered.' : `Updated ${new Date().toLocaleTimeString()}.`;
    hostsBox.replaceChildren(
      ...sampled.map(([host, stats]) =>
        stats
          ? hostCard(host, stats, history.get(host.hostId), world)
          : el(
              'article',
              { class: 'card', id: `fig-host-${host.hostId}`, 'data-name': host.name },
              el('h4', {}, host.name),
              el('p', { class: 'nodata' }, 'No data yet: its agent has not reported.'),
            ),
      ),
    );
    natBox.replaceChildren(
      ...(world.natGateways.length === 0
        ? [el('p', {}, 'No NAT gateways.')]
        : await Promise.all(world.natGateways.map((nat) => natCard(nat, natHistory)))),
    );
    whitelistBox.replaceChildren(whitelistTable(world.whitelists));
  }

  function remember(hostId, report) {
    const samples = history.get(hostId) || [];
    const t = Date.parse(report.takenAt);
    if (samples.length === 0 || samples[samples.length - 1].t < t)
      samples.push({ t, host: report.host, connections: report.connections || [] });
    while (samples.length > HISTORY + 1) samples.shift();
    history.set(hostId, samples);
  }

  // Samples in the background too (started here, never stopped), so the charts already hold a history
  // when the screen opens; draws only while it shows.
  const polling = poller(
    async () => {
      if (!token()) return;
      const sampled = await sample();
      if (visible) await draw(sampled);
    },
    { every: POLL_MILLIS },
  );
  polling.start();

  return {
    onWorld(next) {
      world = next;
    },
    show() {
      visible = true;
      polling.now();
    },
    hide() {
      visible = false;
    },
  };
}

const COUNTERS = [
  ['packetsIn', 'packets in'],
  ['packetsOut', 'packets out'],
  ['bytesIn', 'bytes in'],
  ['bytesOut', 'bytes out'],
  ['floods', 'floods'],
  ['arpSuppressed', 'ARP answered locally'],
  ['drops', 'drops'],
];

function hostCard(host, stats, samples, world) {
  const report = stats.report;
  const age = Math.max(0, (Date.now() - Date.parse(stats.receivedAt)) / 1000);
  const rates = ratesOf(samples);
  return el(
    'article',
    { class: 'card', id: `fig-host-${host.hostId}`, 'data-name': host.name, 'aria-labelledby': `fig-h-${host.hostId}` },
    el(
      'h4',
      { id: `fig-h-${host.hostId}` },
      host.name,
      ' ',
      el('small', {}, `${host.underlayIp}:${host.udpPort}, report ${age.toFixed(1)} s old`),
    ),
    el(
      'dl',
      { class: 'counters' },
      COUNTERS.map(([key, label]) =>
        el(
          'div',
          {},
          el('dt', {}, label),
          el(
            'dd',
            { 'data-counter': key, class: key === 'drops' && report.host.drops > 0 ? 'bad' : '' },
            format(report.host[key]),
          ),
        ),
      ),
    ),
    el(
      'div',
      { class: 'charts' },
      chart('packets/s on the underlay', [
        { name: 'in', color: '#0b5cad', values: rates.map((r) => r.packetsIn) },
        { name: 'out', color: '#e07b00', values: rates.map((r) => r.packetsOut) },
      ]),
      chart('drops/s', [{ name: 'drops', color: '#a40000', values: rates.map((r) => r.drops) }]),
    ),
    reasonsTable(report.host.dropsByReason),
    portsTable(report.ports || [], world),
    connectionsTable(host, report.connections || [], samples, world),
    hostWhitelists(report.whitelists || []),
  );
}

/** Per-second rates between consecutive samples. */
function ratesOf(samples) {
  const rates = [];
  for (let i = 1; i < (samples || []).length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const seconds = (b.t - a.t) / 1000;
    if (seconds <= 0) continue;
    const rate = (key) => Math.max(0, (b.host[key] - a.host[key]) / seconds);
    rates.push({ packetsIn: rate('packetsIn'), packetsOut: rate('packetsOut'), drops: rate('drops') });
  }
  return rates;
}

/** A small SVG line chart of the last minute's rates; its label tells the latest values in words. */
function chart(title, series) {
  const width = 260;
  const height = 60;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => width - (HISTORY - 1 - i) * (width / (HISTORY - 1));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('class', 'chart');
  const latest = series.map((s) => `${s.name} ${format(Math.round(s.values[s.values.length - 1] || 0))}/s`).join(', ');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}, last minute: ${latest}`);
  for (const s of series) {
    const offset = HISTORY - s.values.length;
    const points = s.values
      .map((v, i) => `${x(i + offset).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`)
      .join(' ');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', points);
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', s.color);
    line.setAttribute('stroke-width', '2');
    svg.append(line);
  }
  return el(
    'figure',
    { class: 'chart-box' },
    svg,
    el(
      'figcaption',
      {},
      `${title} (max ${format(Math.round(max))}): `,
      series.map((s) =>
        el(
          'span',
          { style: `color:${s.color}` },
          `${s.name} ${format(Math.round(s.values[s.values.length - 1] || 0))} `,
        ),
      ),
    ),
  );
}

function reasonsTable(byReason) {
  const reasons = Object.entries(byReason || {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (reasons.length === 0) return el('p', { class: 'ok', 'data-drops': 'none' }, 'No drops.');
  return el(
    'table',
    { 'aria-label': 'Drops by reason', class: 'reasons' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'drop reason'), el('th', { scope: 'col' }, 'packets'))),
    el(
      'tbody',
      {},
      reasons.map(([reason, n]) =>
        el('tr', { 'data-reason': reason }, el('td', {}, reason), el('td', { class: 'num' }, format(n))),
      ),
    ),
  );
}

const CONNECTION_KINDS = { instance: 'instance', elasticIp: 'elastic IP', natGateway: 'NAT gateway' };

/**
 * Connections as the host tracks them, per instance, elastic IP and NAT gateway: active (a packet in the last
 * 10 s) and inactive (quiet, still tracked), new and dropped per second between the last two reports, packets and
 * bytes in (toward it) and out.
 */
function connectionsTable(host, connections, samples, world) {
  if (connections.length === 0) return null;
  const last = samples && samples.length >= 2 ? samples[samples.length - 2] : null;
  const seconds = last ? (samples[samples.length - 1].t - last.t) / 1000 : 0;
  const perSecond = (c, key) => {
    const before = last && last.connections.find((x) => x.kind === c.kind && x.id === c.id);
    if (!before || seconds <= 0 || c[key] == null) return '—';
    return (Math.max(0, c[key] - (before[key] || 0)) / seconds).toFixed(1);
  };
  const name = (c) => {
    if (c.kind === 'instance') {
      const i = world.instances.find((x) => x.instanceId === c.id);
      return i ? i.name || c.id : c.id;
    }
    if (c.kind === 'natGateway') {
      const n = world.natGateways.find((x) => x.natGatewayId === c.id);
      return n ? n.name || c.id : c.id;
    }
    const eip = (world.eips || []).find((x) => x.publicIp === c.id);
    return eip ? `${c.id} (${eip.allocationId})` : c.id;
  };
  const cell = (value, attrs = {}) => el('td', { class: 'num', ...attrs }, value == null ? '—' : format(value));
  return el(
    'details',
    { open: true, class: 'connections' },
    el('summary', {}, `connections of ${connections.length} instance(s), elastic IP(s) and NAT gateway(s)`),
    el(
      'table',
      { 'aria-label': 'Connections', id: `fig-connections-${host.hostId}` },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          [
            '',
            'name',
            'active',
            'inactive',
            'new/s',
            'dropped/s',
            'packets in',
            'packets out',
            'bytes in',
            'bytes out',
          ].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        connections.map((c) =>
          el(
            'tr',
            { 'data-kind': c.kind, 'data-id': c.id },
            el('td', {}, CONNECTION_KINDS[c.kind] || c.kind),
            el('td', {}, name(c)),
            cell(c.active, { 'data-figure': 'active' }),
            cell(c.inactive, { 'data-figure': 'inactive' }),
            el('td', { class: 'num', 'data-figure': 'new' }, perSecond(c, 'created')),
            el('td', { class: 'num', 'data-figure': 'dropped' }, perSecond(c, 'dropped')),
            cell(c.packetsIn, { 'data-figure': 'packetsIn' }),
            cell(c.packetsOut, { 'data-figure': 'packetsOut' }),
            cell(c.bytesIn, { 'data-figure': 'bytesIn' }),
            cell(c.bytesOut, { 'data-figure': 'bytesOut' }),
          ),
        ),
      ),
    ),
  );
}

function portsTable(ports, world) {
  if (ports.length === 0) return null;
  const name = (id) => {
    const i = world.instances.find((x) => x.instanceId === id);
    return i ? `${i.name || id} ${i.privateIpAddress}` : id;
  };
  return el(
    'details',
    {},
    el('summary', {}, `${ports.length} port${ports.length === 1 ? '' : 's'}`),
    el(
      'table',
      { 'aria-label': 'Ports' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['instance', 'from it', 'to it', 'ARP answered', 'drops'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        ports.map((p) =>
          el(
            'tr',
            {},
            el('td', {}, name(p.portId)),
            el('td', { class: 'num' }, format(p.packetsIn)),
            el('td', { class: 'num' }, format(p.packetsOut)),
            el('td', { class: 'num' }, format(p.arpSuppressed)),
            el(
              'td',
              {
                class: 'num',
                title: Object.entries(p.dropsByReason || {})
                  .map(([r, n]) => `${r} ${n}`)
                  .join(', '),
              },
              format(p.drops),
            ),
          ),
        ),
      ),
    ),
  );
}

function hostWhitelists(whitelists) {
  if (whitelists.length === 0) return null;
  return el(
    'p',
    {},
    'Whitelists here: ',
    whitelists
      .map((w) => `${w.whitelistId}: ${w.rules.reduce((sum, r) => sum + r.hits, 0)} hits, ${w.drops} refused`)
      .join('; '),
  );
}

const NAT_COUNTERS = [
  ['activeSessions', 'active sessions'],
  ['sessionsCreated', 'sessions created'],
  ['newConnectionsPerSecond', 'new connections/s'],
  ['packetsOut', 'packets out'],
  ['packetsIn', 'packets in'],
  ['bytesOut', 'bytes out'],
  ['bytesIn', 'bytes in'],
  ['portAllocationErrors', 'port allocation errors'],
];

/** A NAT gateway's figures and sessions (from its host's reports), or "no data yet" before the first report. */
async function natCard(nat, natHistory) {
  let figures;
  let sessions;
  try {
    [figures, sessions] = await Promise.all([
      natGatewayFigures(nat.natGatewayId),
      natGatewaySessions(nat.natGatewayId),
    ]);
  } catch (e) {
    return el(
      'article',
      { class: 'card' },
      el('h4', {}, nat.name || nat.natGatewayId),
      el('p', { class: 'bad' }, e.message),
    );
  }
  const head = el('h4', {}, nat.name || nat.natGatewayId, ' ', el('small', {}, nat.publicIp || ''));
  if (!figures || !figures.reportedAt) {
    return el(
      'article',
      { class: 'card', id: `fig-nat-${nat.natGatewayId}` },
      head,
      el('p', { class: 'nodata' }, 'No data yet: its host has not reported.'),
    );
  }
  const samples = natHistory.get(nat.natGatewayId) || [];
  const t = Date.parse(figures.reportedAt);
  if (samples.length === 0 || samples[samples.length - 1].t < t)
    samples.push({ t, out: figures.packetsOutPerSecond || 0, in: figures.packetsInPerSecond || 0 });
  while (samples.length > HISTORY) samples.shift();
  natHistory.set(nat.natGatewayId, samples);
  const list = sessions ? sessions.items || [] : [];
  return el(
    'article',
    { class: 'card', id: `fig-nat-${nat.natGatewayId}` },
    head,
    el(
      'dl',
      { class: 'counters' },
      NAT_COUNTERS.filter(([k]) => figures[k] != null).map(([k, label]) =>
        el(
          'div',
          {},
          el('dt', {}, label),
          el(
            'dd',
            { 'data-counter': k, class: k === 'portAllocationErrors' && figures[k] > 0 ? 'bad' : '' },
            format(k.endsWith('PerSecond') ? Math.round(figures[k] * 10) / 10 : figures[k]),
          ),
        ),
      ),
    ),
    el(
      'div',
      { class: 'charts' },
      chart('packets/s through the gateway', [
        { name: 'out', color: '#e07b00', values: samples.map((x) => x.out) },
        { name: 'in', color: '#0b5cad', values: samples.map((x) => x.in) },
      ]),
    ),
    reasonsTable(figures.dropsByReason),
    list.length === 0
      ? el('p', {}, 'No sessions.')
      : el(
          'table',
          { 'aria-label': 'NAT sessions' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['protocol', 'private', 'public', 'remote', 'state', 'idle s', 'out', 'in'].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            list
              .slice(0, 50)
              .map((s) =>
                el(
                  'tr',
                  {},
                  el('td', {}, s.protocol),
                  el('td', {}, `${s.privateIp}:${s.privatePort ?? ''}`),
                  el('td', {}, `${s.publicIp}:${s.publicPort ?? ''}`),
                  el('td', {}, `${s.remoteIp}:${s.remotePort ?? ''}`),
                  el('td', {}, s.state),
                  el('td', { class: 'num' }, s.idleSeconds),
                  el('td', { class: 'num' }, format(s.packetsOut ?? 0)),
                  el('td', { class: 'num' }, format(s.packetsIn ?? 0)),
                ),
              ),
          ),
        ),
    list.length > 50 ? el('p', {}, `... and ${list.length - 50} more sessions.`) : null,
  );
}

function whitelistTable(whitelists) {
  const rows = whitelists.flatMap((w) => (w.rules || []).map((r) => ({ w, r })));
  if (rows.length === 0) return el('p', {}, 'No whitelist rules.');
  return el(
    'table',
    { 'aria-label': 'Whitelist rule hits', id: 'fig-whitelist-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ['whitelist', 'rule', 'hits'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map(({ w, r }) =>
        el(
          'tr',
          {},
          el('td', {}, w.name || w.whitelistId),
          el('td', {}, `${r.protocol} ${r.cidrBlock}${r.fromPort != null ? ` ${r.fromPort}-${r.toPort}` : ''}`),
          el('td', { class: 'num' }, format(r.hitCount ?? 0)),
        ),
      ),
    ),
  );
}

const format = (n) => (n == null ? '' : Number(n).toLocaleString('en'));
