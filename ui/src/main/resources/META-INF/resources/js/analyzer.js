// The reachability analyzer panel of the Diagnostics screen: a path answered from the forwarding tables
// (POST /network-insights/paths), no packet sent; every hop in a table, the deciding rule highlighted.
// The answer's componentIds are kept on the panel (data-component-ids); "Show on the graph" lights them up there.
import { analyzePath } from './api.js';
import { el, fill, showError, clearError } from './dom.js';
import { navigate } from './route.js';
import { highlight } from './topology.js';

export function startAnalyzer(root) {
  let world = { instances: [], tenants: [] };
  const source = el('select', { id: 'analyzer-source' });
  const target = el('select', { id: 'analyzer-target' });
  const address = el('input', {
    id: 'analyzer-address',
    placeholder: 'or an address / internet:NAME / eip:ID',
    size: 28,
  });
  const protocol = el(
    'select',
    { id: 'analyzer-protocol' },
    ...['tcp', 'udp', 'icmp'].map((p) => el('option', { value: p }, p)),
  );
  const port = el('input', { id: 'analyzer-port', type: 'number', value: '22', min: 1, max: 65535, size: 6 });
  const result = el('div', { id: 'analyzer-result', role: 'status', 'aria-live': 'polite' });

  const analyze = async () => {
    const typed = address.value.trim();
    const request = {
      source: { instance: source.value },
      destination: typed ? endpoint(typed) : { instance: target.value },
      protocol: protocol.value,
    };
    if (protocol.value !== 'icmp') request.port = Number(port.value);
    if (!source.value || (!typed && !target.value)) {
      result.textContent = 'Pick a source instance and a destination.';
      return;
    }
    result.textContent = 'Analyzing ...';
    try {
      const path = await analyzePath(request);
      clearError();
      result.replaceChildren(
        ...renderPath(path),
        el(
          'button',
          {
            type: 'button',
            id: 'analyzer-show',
            onclick: () => {
              navigate({ screen: 'topology' });
              result.dataset.highlighted = String(highlight(path.componentIds));
            },
          },
          'Show on the graph',
        ),
      );
      result.dataset.reachable = String(path.reachable);
      result.dataset.componentIds = path.componentIds.join(' ');
    } catch (e) {
      result.dataset.reachable = 'refused';
      result.textContent = `Analysis refused: ${e.message}`;
      showError(e);
    }
  };

  root.append(
    el('h3', {}, 'Reachability analyzer'),
    el(
      'p',
      {},
      "Answered from the forwarding tables the agents hold, with the data plane's own rules: no packet is sent.",
    ),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'analyzer-source' }, 'From instance', source),
      el('label', { for: 'analyzer-target' }, 'To instance', target),
      el('label', { for: 'analyzer-address' }, 'Destination (overrides)', address),
      el('label', { for: 'analyzer-protocol' }, 'Protocol', protocol),
      el('label', { for: 'analyzer-port' }, 'Port', port),
      el('button', { type: 'button', id: 'analyzer-run', onclick: analyze }, 'Analyze path'),
    ),
    result,
  );

  return {
    onWorld(next) {
      world = next;
      const instanceOption = (i) => ({ value: i.instanceId, label: `${i.name || i.instanceId} ${i.privateIpAddress}` });
      fill(source, world.instances.map(instanceOption));
      fill(target, world.instances.map(instanceOption));
    },
  };
}

/** internet:NAME, eip:ALLOCATION-OR-IP, or an address, as the CLI reads them. */
function endpoint(text) {
  if (text.startsWith('internet:')) return { internetHost: text.slice('internet:'.length) };
  if (text.startsWith('eip:')) return { elasticIp: text.slice('eip:'.length) };
  return { ip: text };
}

function renderPath(path) {
  const flow = path.protocol + (path.port ? ` ${path.port}` : '');
  const summary = el(
    'p',
    { class: path.reachable ? 'ok' : 'bad', id: 'analyzer-summary' },
    `${path.source.name || path.source.ip} (${path.source.ip}) -> ${path.destination.name || path.destination.ip}` +
      ` (${path.destination.ip}) ${flow}: ${path.reachable ? 'reachable' : 'not reachable'}`,
  );
  const deciding = path.explanation ? path.explanation.index : -1;
  const rows = path.hops.map((hop) =>
    el(
      'tr',
      {
        class: hop.index === deciding ? 'bad deciding' : hop.ruleId ? 'rule' : undefined,
        'data-component-id': hop.componentId,
      },
      el('td', {}, String(hop.index)),
      el('td', {}, hop.component),
      el('td', {}, hop.componentId || '-'),
      el('td', {}, hop.hostId || '-'),
      el('td', {}, hop.index === deciding ? el('mark', {}, hop.ruleId || '-') : hop.ruleId || '-'),
      el('td', {}, hop.allowed ? 'pass' : 'BLOCKED'),
      el('td', {}, hop.detail),
    ),
  );
  const table = el(
    'table',
    { 'aria-label': 'Path hops', id: 'analyzer-hops' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['#', 'Component', 'ID', 'Host', 'Rule', 'Verdict', 'Detail'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el('tbody', {}, ...rows),
  );
  const why = path.explanation
    ? el(
        'p',
        { id: 'analyzer-explanation' },
        'Blocked by ',
        el('strong', {}, `${path.explanation.component} ${path.explanation.componentId || ''}`),
        path.explanation.ruleId ? ` rule ${path.explanation.ruleId}` : '',
        `: ${path.explanation.detail}`,
      )
    : null;
  return [summary, table, why].filter(Boolean);
}
