// Flow logs: configurations per VPC, subnet or instance, and their records in a table with filters, pages and a download.
import { poller } from './poller.js';
import { token, create, remove, listAll, flowLogRecords, flowLogText } from './api.js';
import { el, fill, replaceKeepingFocus, showError, clearError } from './dom.js';

const POLL_MILLIS = 5000;
const PAGE_SIZE = 50;
const PROTOCOLS = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

export function startFlowLogs(root) {
  let world = { vpcs: [], subnets: [], instances: [] };
  let flowLogs = [];
  // the pages walked so far: tokens[i] is the nextToken that opens page i (null for the first)
  let tokens = [null];
  let page = 0;

  const resource = el('select', { id: 'fl-resource' });
  const trafficType = el('select', { id: 'fl-traffic' });
  fill(
    trafficType,
    ['ALL', 'ACCEPT', 'REJECT'].map((v) => ({ value: v, label: v })),
  );
  const interval = el('input', { id: 'fl-interval', type: 'number', value: '60', min: 10, max: 600, size: 4 });
  const configurations = el('div', { id: 'flow-logs' });
  const chosen = el('select', { id: 'fl-chosen' });
  const interfaceId = el('select', { id: 'fl-filter-interface' });
  const address = el('input', { id: 'fl-filter-address', size: 14, placeholder: '10.0.1.5' });
  const port = el('input', { id: 'fl-filter-port', type: 'number', min: 0, max: 65535, size: 6 });
  const action = el('select', { id: 'fl-filter-action' });
  fill(action, [
    { value: '', label: 'any' },
    { value: 'ACCEPT', label: 'ACCEPT' },
    { value: 'REJECT', label: 'REJECT' },
  ]);
  const status = el('p', { id: 'fl-status', role: 'status', 'aria-live': 'polite' });
  const records = el('div', { id: 'flow-log-records' });
  const previous = el('button', { type: 'button', id: 'fl-previous', onclick: () => turn(-1) }, 'Previous page');
  const next = el('button', { type: 'button', id: 'fl-next', onclick: () => turn(1) }, 'Next page');

  async function createFlowLog() {
    if (!resource.value) {
      status.textContent = 'Pick a VPC, subnet or instance to log.';
      return;
    }
    try {
      const made = await create('flowLogs', {
        resourceId: resource.value,
        trafficType: trafficType.value,
        maxAggregationInterval: Number(interval.value),
      });
      clearError();
      await polling.now();
      chosen.value = made.id;
      status.textContent = `Flow log ${made.id} created: records arrive every ${made.maxAggregationInterval} s.`;
    } catch (e) {
      status.textContent = `Flow log refused: ${e.message}`;
      showError(e);
    }
  }

  async function deleteFlowLog(id) {
    try {
      await remove('flowLogs', id);
      clearError();
      status.textContent = `Flow log ${id} and its records are deleted.`;
    } catch (e) {
      showError(e);
    }
    await polling.now();
  }

  function filter() {
    const f = { maxResults: PAGE_SIZE, nextToken: tokens[page] || undefined };
    if (interfaceId.value) f.interfaceId = interfaceId.value;
    if (address.value.trim()) f.address = address.value.trim();
    if (port.value !== '') f.port = port.value;
    if (action.value) f.action = action.value;
    return f;
  }

  /** Shows the current page of the chosen flow log's records; `fromStart` goes back to the first page. */
  async function showRecords(fromStart) {
    if (fromStart) {
      tokens = [null];
      page = 0;
    }
    if (!chosen.value) {
      replaceKeepingFocus(records, el('p', {}, 'No flow log chosen.'));
      return;
    }
    try {
      const answer = await flowLogRecords(chosen.value, filter());
      clearError();
      tokens[page + 1] = answer.nextToken || null;
      previous.disabled = page === 0;
      next.disabled = !answer.nextToken;
      replaceKeepingFocus(records, table(answer.items));
      status.textContent = `Page ${page + 1}: ${answer.items.length} records.`;
    } catch (e) {
      status.textContent = `Records refused: ${e.message}`;
      showError(e);
    }
  }

  function turn(step) {
    if (step > 0 && !tokens[page + 1]) return;
    page = Math.max(0, page + step);
    showRecords(false);
  }

  // The interface's host lost records in this window (its flow table was full): AWS's SKIPDATA.
  const skippedRow = (r) =>
    el(
      'tr',
      { 'data-action': 'SKIPDATA' },
      el('td', {}, instanceName(r.interfaceId)),
      el('td', { colspan: '5' }, "records lost: the host's flow table was full"),
      el('td', {}, utc(r.start)),
      el('td', {}, utc(r.end)),
      el('td', { class: 'bad' }, 'SKIPDATA'),
    );

  function table(items) {
    if (items.length === 0) return el('p', { id: 'fl-empty' }, 'No records match.');
    const headers = [
      'Interface',
      'Source',
      'Destination',
      'Protocol',
      'Packets',
      'Bytes',
      'Start (UTC)',
      'End',
      'Action',
    ];
    return el(
      'table',
      { 'aria-label': 'Flow log records', id: 'fl-record-table' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headers.map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        items.map((r) =>
          r.logStatus === 'SKIPDATA'
            ? skippedRow(r)
            : el(
                'tr',
                { 'data-action': r.action },
                el('td', {}, instanceName(r.interfaceId)),
                el('td', {}, r.srcport ? `${r.srcaddr}:${r.srcport}` : r.srcaddr),
                el('td', {}, r.dstport ? `${r.dstaddr}:${r.dstport}` : r.dstaddr),
                el('td', {}, PROTOCOLS[r.protocol] || String(r.protocol)),
                el('td', { class: 'num' }, r.packets),
                el('td', { class: 'num' }, r.bytes),
                el('td', {}, utc(r.start)),
                el('td', {}, utc(r.end)),
                el('td', { class: r.action === 'REJECT' ? 'bad' : 'ok' }, r.action),
              ),
        ),
      ),
    );
  }

  const instanceName = (id) => {
    const instance = world.instances.find((i) => i.instanceId === id);
    return instance ? `${instance.name || id} ${instance.privateIpAddress}` : id;
  };
  const utc = (seconds) =>
    new Date(seconds * 1000)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, '');

  let shown = '';
  async function refresh() {
    if (!token()) return;
    flowLogs = await listAll('flowLogs');
    const signature = JSON.stringify(flowLogs);
    if (signature === shown) return;
    shown = signature;
    fill(
      chosen,
      flowLogs.map((f) => ({ value: f.id, label: `${f.id} (${f.resourceId}, ${f.trafficType})` })),
    );
    replaceKeepingFocus(configurations, list());
  }

  function list() {
    if (flowLogs.length === 0) return el('p', {}, 'No flow logs yet.');
    return el(
      'table',
      { 'aria-label': 'Flow logs', id: 'flow-log-list' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Flow log', 'Resource', 'Traffic', 'Interval', 'Held', 'Dropped at the cap', 'Actions'].map((h) =>
            el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        flowLogs.map((f) =>
          el(
            'tr',
            { 'data-flow-log': f.id },
            el('td', {}, f.id),
            el('td', {}, `${f.resourceType} ${f.resourceId}`),
            el('td', {}, f.trafficType),
            el('td', { class: 'num' }, `${f.maxAggregationInterval} s`),
            el('td', { class: 'num' }, f.heldRecords),
            el('td', { class: 'num' }, f.droppedRecords),
            el(
              'td',
              {},
              el('button', { type: 'button', id: `fl-download-${f.id}`, onclick: () => download(f.id) }, 'Download'),
              el('button', { type: 'button', id: `fl-delete-${f.id}`, onclick: () => deleteFlowLog(f.id) }, 'Delete'),
            ),
          ),
        ),
      ),
    );
  }

  async function download(id) {
    try {
      const { fileName, blob } = await flowLogText(id);
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = `Saved ${fileName} (AWS text format) to your downloads.`;
    } catch (e) {
      showError(e);
    }
  }

  root.append(
    el(
      'p',
      {},
      'Each host sends one record per flow direction and interval (AWS VPC Flow Logs version 2): ACCEPT for ' +
        'flows its security groups admitted, REJECT for packets a group or network ACL dropped. The server keeps ' +
        'the newest records of each flow log (the oldest are dropped and counted).',
    ),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'fl-resource' }, 'Log', resource),
      el('label', { for: 'fl-traffic' }, 'Traffic', trafficType),
      el('label', { for: 'fl-interval' }, 'Interval (s)', interval),
      el('button', { type: 'button', id: 'fl-create', onclick: createFlowLog }, 'Create flow log'),
    ),
    configurations,
    el('h3', {}, 'Records'),
    el(
      'form',
      {
        class: 'create',
        id: 'fl-filter',
        onsubmit: (event) => {
          event.preventDefault();
          showRecords(true);
        },
      },
      el('label', { for: 'fl-chosen' }, 'Flow log', chosen),
      el('label', { for: 'fl-filter-interface' }, 'Interface', interfaceId),
      el('label', { for: 'fl-filter-address' }, 'Address', address),
      el('label', { for: 'fl-filter-port' }, 'Port', port),
      el('label', { for: 'fl-filter-action' }, 'Action', action),
      el('button', { type: 'submit', id: 'fl-show' }, 'Show records'),
    ),
    status,
    records,
    el('div', { class: 'create' }, previous, next),
  );
  previous.disabled = true;
  next.disabled = true;

  // Polls the configurations only while the screen shows; records are read when asked.
  const polling = poller(refresh, { every: POLL_MILLIS });

  return {
    show: polling.start,
    hide: polling.stop,
    onWorld(nextWorld) {
      world = nextWorld;
      fill(resource, [
        ...world.vpcs.map((v) => ({ value: v.vpcId, label: `VPC ${v.name || v.vpcId} ${v.cidrBlock}` })),
        ...world.subnets.map((s) => ({ value: s.subnetId, label: `subnet ${s.name || s.subnetId} ${s.cidrBlock}` })),
        ...world.instances.map((i) => ({
          value: i.instanceId,
          label: `instance ${i.name || i.instanceId} ${i.privateIpAddress}`,
        })),
      ]);
      fill(interfaceId, [
        { value: '', label: 'any' },
        ...world.instances.map((i) => ({
          value: i.instanceId,
          label: `${i.name || i.instanceId} ${i.privateIpAddress}`,
        })),
      ]);
    },
  };
}
