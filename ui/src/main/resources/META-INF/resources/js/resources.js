// Lists with create and delete forms for every resource; refusals show the problem's code and detail.
import { listAll, create, remove, associateEip, acceptPeering, rejectPeering, setArpSuppression } from './api.js';
import { el, fill, replaceKeepingFocus, showError, clearError } from './dom.js';
import { navigate } from './route.js';
import { askForm } from './dialog.js';
import {
  ruleLines,
  entryLines,
  addRule,
  revokeRule,
  chooseGroups,
  addEntry,
  deleteEntry,
  associateSubnet,
} from './security.js';
import { routeLines, associationLines, addTableRoute, deleteTableRoute, associateTableSubnet } from './routetables.js';
import { VPN_KINDS } from './vpn.js';

const opt = (list, id, label) => (world) => world[list].map((x) => ({ value: x[id], label: label(x) }));
const tenantOptions = opt('tenants', 'tenantId', (t) => t.name);
const vpcOptions = opt('vpcs', 'vpcId', (v) => `${v.name || v.vpcId} ${v.cidrBlock}`);
const subnetOptions = opt('subnets', 'subnetId', (s) => `${s.name || s.subnetId} ${s.cidrBlock}`);
const hostOptions = opt('hosts', 'hostId', (h) => `${h.name} ${h.underlayIp}`);
const instanceOptions = opt('instances', 'instanceId', (i) => `${i.name || i.instanceId} ${i.privateIpAddress}`);
const eipOptions = opt('eips', 'allocationId', (e) => e.publicIp);
const fixed = (values) => () => values.map((v) => ({ value: v, label: v }));

/** A column that shows a parent by its name (the ID is in the row's other columns or one click away). */
const named = (title, list, idKey, key = idKey) => ({
  title,
  value: (item, world) => {
    const id = item[key];
    const found = world && id ? world[list].find((x) => x[idKey] === id) : null;
    return found ? found.name || found.groupName || found[idKey] : id;
  },
});
const tenantColumn = named('tenant', 'tenants', 'tenantId');
const vpcColumn = named('VPC', 'vpcs', 'vpcId');
const subnetColumn = named('subnet', 'subnets', 'subnetId');
const hostColumn = named('host', 'hosts', 'hostId');
/** Shows the resource as the selected node of the topology graph. */
const inGraph = (idKey) => ({
  label: 'Show',
  run: (item) => navigate({ screen: 'topology', params: { node: item[idKey] } }),
  stays: true,
});

/** What the UI knows about each resource (its key names its API collection): what to show, what creating it takes. */
export const KINDS = [
  {
    key: 'tenants',
    title: 'Tenants',
    id: 'tenantId',
    columns: ['name', 'tenantId', 'createdAt'],
    fields: [{ name: 'name', required: true }],
    actions: [inGraph('tenantId')],
  },
  {
    key: 'hosts',
    title: 'Hosts',
    id: 'hostId',
    columns: [
      'name',
      'hostId',
      'underlayIp',
      'udpPort',
      'status',
      'desiredGeneration',
      'appliedGeneration',
      'convergenceMillis',
    ],
    fields: [
      { name: 'name', required: true },
      { name: 'underlayIp', required: true, placeholder: '127.0.0.1' },
      { name: 'udpPort', type: 'number', placeholder: '4789' },
    ],
    actions: [inGraph('hostId')],
  },
  {
    key: 'vpcs',
    title: 'VPCs',
    id: 'vpcId',
    columns: ['name', 'vpcId', tenantColumn, 'cidrBlock', 'arpSuppression'],
    fields: [
      { name: 'tenantId', options: tenantOptions },
      { name: 'name' },
      { name: 'cidrBlock', required: true, placeholder: '10.0.0.0/16' },
      { name: 'arpSuppression', type: 'boolean', options: fixed(['true', 'false']) },
    ],
    // on: agents answer ARP locally; off: broadcast ARP floods to every VTEP and port of the segment
    actions: [
      { label: 'Toggle ARP suppression', run: (vpc) => setArpSuppression(vpc.vpcId, vpc.arpSuppression === false) },
    ],
    actions: [inGraph('vpcId')],
  },
  {
    key: 'subnets',
    title: 'Subnets',
    id: 'subnetId',
    columns: [
      'name',
      'subnetId',
      vpcColumn,
      tenantColumn,
      'cidrBlock',
      'segmentation',
      'segmentId',
      'availableIpAddressCount',
      'gatewayIp',
    ],
    fields: [
      { name: 'vpcId', required: true, options: vpcOptions },
      { name: 'name' },
      { name: 'cidrBlock', required: true, placeholder: '10.0.1.0/24' },
    ],
    actions: [inGraph('subnetId')],
  },
  {
    key: 'instances',
    title: 'Instances',
    id: 'instanceId',
    columns: [
      'name',
      'instanceId',
      'privateIpAddress',
      'macAddress',
      { title: 'tenant', value: (i) => i.tenantName || i.tenantId },
      { title: 'VPC', value: (i) => i.vpcName || i.vpcId },
      { title: 'subnet', value: (i) => i.subnetName || i.subnetId },
      { title: 'host', value: (i) => i.hostName || i.hostId },
      'kind',
      'state',
      { title: 'device', value: (i) => (i.port && i.port.deviceName) || '' },
      'publicIp',
    ],
    fields: [
      { name: 'subnetId', required: true, options: subnetOptions },
      { name: 'hostId', required: true, options: hostOptions },
      { name: 'name' },
      { name: 'kind', options: fixed(['simulated', 'netns', 'tap']) },
      { name: 'privateIpAddress' },
    ],
    actions: [inGraph('instanceId'), { label: 'Groups', run: chooseGroups }],
  },
  {
    key: 'eips',
    title: 'Elastic IPs',
    id: 'allocationId',
    columns: [
      'publicIp',
      'allocationId',
      tenantColumn,
      'instanceId',
      named('instance', 'instances', 'instanceId'),
      'natGatewayId',
      'ingressPolicy',
    ],
    fields: [
      { name: 'tenantId', options: tenantOptions },
      { name: 'ingressPolicy', options: fixed(['DENY_ALL', 'ALLOW_ALL', 'WHITELIST']) },
    ],
    actions: [{ label: 'Associate', run: associate }],
  },
  {
    key: 'natGateways',
    title: 'NAT gateways',
    id: 'natGatewayId',
    columns: [
      'name',
      'natGatewayId',
      subnetColumn,
      'publicIp',
      'privateIpAddress',
      hostColumn,
      'egressPolicy',
      'state',
    ],
    fields: [
      { name: 'subnetId', required: true, options: subnetOptions },
      { name: 'allocationId', required: true, options: eipOptions },
      { name: 'name' },
      { name: 'hostId', options: hostOptions },
    ],
  },
  {
    key: 'whitelists',
    title: 'Whitelists',
    id: 'whitelistId',
    columns: ['name', 'whitelistId', tenantColumn, 'dropCount'],
    fields: [
      { name: 'tenantId', options: tenantOptions },
      { name: 'name', required: true },
    ],
  },
  {
    key: 'peerings',
    title: 'Peerings',
    id: 'vpcPeeringConnectionId',
    columns: [
      'vpcPeeringConnectionId',
      named('requester', 'vpcs', 'vpcId', 'requesterVpcId'),
      named('accepter', 'vpcs', 'vpcId', 'accepterVpcId'),
      'status',
    ],
    fields: [
      { name: 'requesterVpcId', required: true, options: vpcOptions },
      { name: 'accepterVpcId', required: true, options: vpcOptions },
    ],
    actions: [
      { label: 'Accept', run: (p) => acceptPeering(p.vpcPeeringConnectionId) },
      { label: 'Reject', run: (p) => rejectPeering(p.vpcPeeringConnectionId) },
    ],
  },
  {
    key: 'securityGroups',
    title: 'Security groups',
    id: 'groupId',
    columns: ['groupName', 'groupId', vpcColumn, 'isDefault', { title: 'rules', lines: ruleLines }],
    fields: [
      { name: 'vpcId', required: true, options: vpcOptions },
      { name: 'groupName', required: true, placeholder: 'db' },
      { name: 'description' },
    ],
    actions: [
      { label: 'Add rule', run: addRule },
      { label: 'Revoke rule', run: revokeRule },
    ],
  },
  {
    key: 'networkAcls',
    title: 'Network ACLs',
    id: 'networkAclId',
    columns: ['networkAclId', vpcColumn, 'isDefault', 'subnetIds', { title: 'entries', lines: entryLines }],
    fields: [{ name: 'vpcId', required: true, options: vpcOptions }],
    actions: [
      { label: 'Add entry', run: addEntry },
      { label: 'Delete entry', run: deleteEntry },
      { label: 'Associate', run: associateSubnet },
    ],
  },
  {
    key: 'routeTables',
    title: 'Route tables',
    id: 'routeTableId',
    columns: [
      'name',
      'routeTableId',
      'vpcId',
      'main',
      { title: 'routes', lines: routeLines },
      { title: 'subnets', lines: associationLines },
    ],
    fields: [
      { name: 'vpcId', required: true, options: vpcOptions },
      { name: 'name', placeholder: 'through-firewall' },
    ],
    actions: [
      { label: 'Add route', run: addTableRoute },
      { label: 'Delete route', run: deleteTableRoute },
      { label: 'Associate subnet', run: associateTableSubnet },
    ],
  },
  ...VPN_KINDS,
];

/** Asks which of the tenant's instances gets the elastic IP, then associates it; cancelling changes nothing. */
async function associate(eip, world) {
  const candidates = (world ? world.instances : []).filter((i) => !eip.tenantId || i.tenantId === eip.tenantId);
  const answer = await askForm({
    id: 'eip-associate',
    title: `Associate ${eip.publicIp}`,
    intro: `The instance that answers on ${eip.publicIp} (${eip.allocationId}).`,
    fields: [
      {
        name: 'instanceId',
        label: 'Instance',
        options: [
          { value: '', label: '(choose)' },
          ...candidates.map((i) => ({
            value: i.instanceId,
            label: `${i.name || i.instanceId} ${i.privateIpAddress} (${i.instanceId})`,
          })),
        ],
      },
    ],
    submitLabel: 'Associate',
    validate: ({ instanceId }) => {
      if (candidates.length === 0) return 'This tenant has no instance to associate with.';
      if (!instanceId) return 'Choose an instance.';
      return null;
    },
  });
  if (answer) await associateEip(eip.allocationId, answer.instanceId);
}

/** The Resources screen: one tab per kind; the URL names the tab and a selected row (#resources/instances/i-1). */
export function startResources(tabs, panel) {
  let world = null;
  let current = KINDS[0];
  let selected = '';
  for (const kind of KINDS) {
    tabs.append(
      el(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: 'tab-' + kind.key,
          'aria-selected': String(kind === current),
          onclick: () => navigate({ screen: 'resources', path: [kind.key] }),
        },
        kind.title,
      ),
    );
  }
  function select() {
    delete panel.dataset.kind;
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.id === 'tab-' + current.key));
    render();
  }
  async function render() {
    const kind = current;
    let items;
    try {
      items = await listAll(kind.key);
    } catch (e) {
      panel.replaceChildren(el('p', {}, 'Cannot list ' + kind.title + ': ' + e.message));
      return;
    }
    if (kind !== current) return;
    replaceKeepingFocus(
      panel,
      createForm(kind, world, render),
      table(kind, items, () => world, render, selected),
    );
    panel.dataset.kind = kind.key; // which list is on screen (the browser tests wait for it)
    const row = selected && panel.querySelector(`tr[data-id="${CSS.escape(selected)}"]`);
    if (row) row.scrollIntoView({ block: 'center' });
  }
  return {
    route(route) {
      const kind = KINDS.find((k) => k.key === route.path[0]) || current;
      const changed = kind !== current || (route.path[1] || '') !== selected;
      selected = route.path[1] || '';
      if (kind !== current || !panel.dataset.kind || changed) {
        current = kind;
        select();
      }
    },
    onWorld(next) {
      const first = world === null;
      world = next;
      if (first) {
        render();
        return;
      }
      // New tenants, VPCs, hosts... appear in the create form's choices without a re-render.
      for (const field of current.fields.filter((f) => f.options)) {
        const select = document.getElementById(`create-${current.key}-${field.name}`);
        if (select) fill(select, fieldOptions(field, world));
      }
    },
    refresh: render,
  };
}

function createForm(kind, world, after) {
  const inputs = kind.fields.map((field) => {
    const id = `create-${kind.key}-${field.name}`;
    const control = field.options
      ? fill(el('select', { id, name: field.name }), fieldOptions(field, world))
      : el('input', {
          id,
          name: field.name,
          type: field.type || 'text',
          placeholder: field.placeholder || '',
          required: field.required,
        });
    return el('label', { for: id }, field.name + (field.required ? ' *' : ''), control);
  });
  const result = el('span', { role: 'status', id: `create-${kind.key}-result` });
  const form = el(
    'form',
    { class: 'create', id: 'create-' + kind.key, 'aria-label': 'Create ' + kind.title },
    inputs,
    el('button', { type: 'submit', id: `create-${kind.key}-submit` }, 'Create'),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {};
    for (const field of kind.fields) {
      const value = form.elements[field.name].value.trim();
      if (value !== '')
        body[field.name] =
          field.type === 'number'
            ? Number(value)
            : field.type === 'boolean'
              ? value === 'true'
              : field.type === 'list'
                ? value
                    .split(',')
                    .map((part) => part.trim())
                    .filter((part) => part !== '')
                : value;
    }
    try {
      const created = await create(kind.key, body);
      clearError();
      // A host's token is shown once by the API; keep it visible so it can be copied.
      result.textContent = created && created.token ? `Created; host token (shown once): ${created.token}` : 'Created';
      await after();
    } catch (e) {
      showError(e);
    }
  });
  return form;
}

function fieldOptions(field, world) {
  return [{ value: '', label: field.required ? '(choose)' : '(none)' }, ...(world ? field.options(world) : [])];
}

function table(kind, items, currentWorld, after, selected) {
  const rows = items.map((item) => {
    const id = item[kind.id] || (item.host && item.host.hostId);
    const buttons = [
      ...(kind.actions || []).map((a) =>
        el(
          'button',
          {
            type: 'button',
            id: `${a.label.toLowerCase().replaceAll(' ', '-')}-${id}`,
            onclick: () => (a.stays ? a.run(item) : act(() => a.run(item, currentWorld()), after)),
          },
          a.label,
        ),
      ),
      el(
        'button',
        { type: 'button', 'aria-label': 'Delete ' + id, onclick: () => act(() => remove(kind.key, id), after) },
        'Delete',
      ),
    ];
    return el(
      'tr',
      { 'data-id': id, class: id === selected ? 'selected' : undefined },
      kind.columns.map((c) => {
        if (typeof c === 'string') return el('td', {}, format(item[c]));
        if (c.value) return el('td', {}, format(c.value(item, currentWorld())));
        return el('td', { class: 'lines' }, c.lines(item, currentWorld()).join('\n'));
      }),
      el('td', {}, buttons),
    );
  });
  return el(
    'table',
    { id: 'list-' + kind.key, 'aria-label': kind.title },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        kind.columns.map((c) => el('th', { scope: 'col' }, typeof c === 'string' ? c : c.title)),
        el('th', { scope: 'col' }, 'actions'),
      ),
    ),
    el('tbody', {}, rows),
  );
}

async function act(action, after) {
  try {
    await action();
    clearError();
    await after();
  } catch (e) {
    showError(e);
  }
}

function format(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
