// The details panel beside the topology graph: what a clicked node is (addresses, host, parents, security
// groups, counters), with links to its row on the Resources screen and to the probes on Diagnostics.
import { hostStats, instanceSecurityGroups } from './api.js';
import { el } from './dom.js';
import { poller } from './poller.js';
import { navigate } from './route.js';
import { ruleLines } from './security.js';

const COUNTERS_EVERY = 2000;

let shown = { id: null, signature: null };
let counters = null; // the poller of the shown node's counters

const find = (list, key, id) => list.find((x) => x[key] === id);
const nameOf = (x, key) => (x ? x.name || x[key] : '');

/** Shows the node with this id (or a hint when none); redraws only when the node or what is known of it changed. */
export function showDetails(panel, world, id) {
  const what = id ? describe(world, id) : null;
  const signature = JSON.stringify(what && what.item);
  if (shown.id === id && shown.signature === signature) return;
  const sameNode = shown.id === id;
  shown = { id, signature };
  if (!sameNode && counters) {
    counters.stop();
    counters = null;
  }
  panel.dataset.id = id || '';
  panel.dataset.kind = what ? what.kind : '';
  if (!what) {
    panel.replaceChildren(
      el('h3', { id: 'details-title' }, 'Details'),
      el('p', { class: 'nodata' }, id ? `${id} is not in this view.` : 'Click a node of the graph for its details.'),
    );
    return;
  }
  const groups = el('div', { id: 'details-groups' });
  const figures = el('div', { id: 'details-counters' });
  const parts = [
    el('h3', { id: 'details-title' }, el('small', {}, what.title + ' '), what.name),
    fields(what.fields),
    what.kind === 'instance' ? [el('h4', {}, 'Security groups'), groups] : [],
    what.hostId ? [el('h4', {}, what.kind === 'host' ? 'Host counters' : 'Port counters'), figures] : [],
    el(
      'p',
      { class: 'links' },
      what.links.map(([label, onclick, idAttr]) => el('button', { type: 'button', id: idAttr, onclick }, label)),
    ),
  ];
  panel.replaceChildren(...parts.flat());
  if (what.kind === 'instance') loadGroups(world, id, groups);
  if (what.hostId) {
    if (sameNode && counters) counters.now();
    else {
      counters = poller(() => loadCounters(what, figures, id), { every: COUNTERS_EVERY });
      counters.start();
    }
  }
}

function fields(pairs) {
  return el(
    'dl',
    { class: 'details' },
    pairs
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([label, value, key]) =>
        el('div', {}, el('dt', {}, label), el('dd', { 'data-field': key || label }, value)),
      ),
  );
}

/** What the panel says about a node: its kind, title, fields and links, or null when the world lacks it. */
function describe(world, id) {
  const tenantName = (tenantId, fallback) =>
    nameOf(find(world.tenants, 'tenantId', tenantId), 'tenantId') || fallback || tenantId;
  const vpcLabel = (vpcId) => {
    const v = find(world.vpcs, 'vpcId', vpcId);
    return v ? `${nameOf(v, 'vpcId')} ${v.cidrBlock} (${vpcId})` : vpcId;
  };
  const subnetLabel = (subnetId) => {
    const s = find(world.subnets, 'subnetId', subnetId);
    return s ? `${nameOf(s, 'subnetId')} ${s.cidrBlock} (${subnetId})` : subnetId;
  };
  const hostLabel = (hostId, fallback) => {
    const h = find(world.hosts, 'hostId', hostId);
    return h ? `${h.name} ${h.underlayIp}:${h.udpPort} (${h.status})` : fallback || hostId;
  };
  const resources = (kind, key) => () => navigate({ screen: 'resources', path: [kind, key] });
  const diagnostics = (from) => () => navigate({ screen: 'diagnostics', params: { from } });

  const i = find(world.instances, 'instanceId', id);
  if (i) {
    const port = i.port || {};
    return {
      kind: 'instance',
      title: 'Instance',
      name: nameOf(i, 'instanceId'),
      item: i,
      hostId: i.hostId,
      portId: i.instanceId,
      fields: [
        ['ID', i.instanceId, 'instanceId'],
        ['State', i.state, 'state'],
        ['Private IP', i.privateIpAddress, 'privateIpAddress'],
        ['MAC', i.macAddress, 'macAddress'],
        ['Public IP', i.publicIp, 'publicIp'],
        ['Tenant', tenantName(i.tenantId, i.tenantName), 'tenant'],
        ['VPC', vpcLabel(i.vpcId), 'vpc'],
        ['Subnet', subnetLabel(i.subnetId), 'subnet'],
        ['Host', hostLabel(i.hostId, i.hostName), 'host'],
        ['Kind', i.kind, 'kind'],
        ['Device', port.deviceName, 'deviceName'],
        ['Namespace', port.namespace, 'namespace'],
      ],
      links: [
        ['Probe from here', diagnostics(i.instanceId), 'details-probe'],
        ['In the table', resources('instances', i.instanceId), 'details-row'],
      ],
    };
  }
  const h = find(world.hosts, 'hostId', id);
  if (h) {
    const here = world.instances.filter((x) => x.hostId === id);
    return {
      kind: 'host',
      title: 'Host',
      name: h.name,
      item: h,
      hostId: h.hostId,
      fields: [
        ['ID', h.hostId, 'hostId'],
        ['Underlay', `${h.underlayIp}:${h.udpPort}`, 'underlay'],
        ['Status', h.status, 'status'],
        ['Generation', `${h.appliedGeneration ?? '-'} applied of ${h.desiredGeneration ?? '-'}`, 'generation'],
        ['Instances', String(here.length), 'instances'],
      ],
      links: [['In the table', resources('hosts', h.hostId), 'details-row']],
    };
  }
  const v = find(world.vpcs, 'vpcId', id);
  if (v) {
    const subnets = world.subnets.filter((s) => s.vpcId === id);
    const peers = world.peerings
      .filter((p) => p.status === 'active' && (p.requesterVpcId === id || p.accepterVpcId === id))
      .map((p) => vpcLabel(p.requesterVpcId === id ? p.accepterVpcId : p.requesterVpcId));
    return {
      kind: 'vpc',
      title: 'VPC',
      name: nameOf(v, 'vpcId'),
      item: v,
      fields: [
        ['ID', v.vpcId, 'vpcId'],
        ['CIDR', v.cidrBlock, 'cidrBlock'],
        ['Tenant', tenantName(v.tenantId), 'tenant'],
        ['Subnets', String(subnets.length), 'subnets'],
        ['Instances', String(world.instances.filter((x) => x.vpcId === id).length), 'instances'],
        ['Peered with', peers.join(', '), 'peers'],
      ],
      links: [['In the table', resources('vpcs', v.vpcId), 'details-row']],
    };
  }
  const s = find(world.subnets, 'subnetId', id);
  if (s) {
    return {
      kind: 'subnet',
      title: 'Subnet',
      name: nameOf(s, 'subnetId'),
      item: s,
      fields: [
        ['ID', s.subnetId, 'subnetId'],
        ['CIDR', s.cidrBlock, 'cidrBlock'],
        ['Gateway', s.gatewayIp, 'gatewayIp'],
        ['Segment', `${s.segmentation === 'vlan' ? 'VLAN' : 'VNI'} ${s.segmentId}`, 'segment'],
        ['Free addresses', s.availableIpAddressCount, 'availableIpAddressCount'],
        ['VPC', vpcLabel(s.vpcId), 'vpc'],
        ['Instances', String(world.instances.filter((x) => x.subnetId === id).length), 'instances'],
      ],
      links: [['In the table', resources('subnets', s.subnetId), 'details-row']],
    };
  }
  const n = find(world.natGateways, 'natGatewayId', id);
  if (n) {
    return {
      kind: 'nat',
      title: 'NAT gateway',
      name: nameOf(n, 'natGatewayId'),
      item: n,
      fields: [
        ['ID', n.natGatewayId, 'natGatewayId'],
        ['Public IP', n.publicIp, 'publicIp'],
        ['Private IP', n.privateIpAddress, 'privateIpAddress'],
        ['State', n.state, 'state'],
        ['Subnet', subnetLabel(n.subnetId), 'subnet'],
        ['Host', hostLabel(n.hostId), 'host'],
      ],
      links: [['In the table', resources('natGateways', n.natGatewayId), 'details-row']],
    };
  }
  const t = find(world.tenants, 'tenantId', id);
  if (t || world.vpcs.some((x) => x.tenantId === id)) {
    return {
      kind: 'tenant',
      title: 'Tenant',
      name: tenantName(id),
      item: t || { tenantId: id },
      fields: [
        ['ID', id, 'tenantId'],
        ['VPCs', String(world.vpcs.filter((x) => x.tenantId === id).length), 'vpcs'],
        ['Instances', String(world.instances.filter((x) => x.tenantId === id).length), 'instances'],
      ],
      links: [['Only this tenant', () => navigate({ screen: 'topology', params: { tenant: id } }), 'details-filter']],
    };
  }
  return null;
}

async function loadGroups(world, instanceId, out) {
  out.replaceChildren(el('p', { class: 'nodata' }, 'loading ...'));
  try {
    const ids = await instanceSecurityGroups(instanceId);
    out.replaceChildren(
      ids.length === 0
        ? el('p', { class: 'nodata' }, 'none')
        : el(
            'ul',
            {},
            ids.map((groupId) => {
              const group = find(world.securityGroups || [], 'groupId', groupId);
              return el(
                'li',
                { 'data-group': groupId },
                el('strong', {}, group ? group.groupName : groupId),
                ` ${groupId}`,
                group ? el('div', { class: 'lines' }, ruleLines(group).join('\n') || 'no rules') : null,
              );
            }),
          ),
    );
  } catch (e) {
    out.replaceChildren(el('p', { class: 'bad' }, 'Cannot read its groups: ' + e.message));
  }
}

/** The host's latest report: the port's figures for an instance, the underlay's for a host. */
async function loadCounters(what, out, id) {
  let stats;
  try {
    stats = await hostStats(what.hostId);
  } catch (e) {
    out.replaceChildren(
      el(
        'p',
        { class: 'nodata' },
        e.status === 403 ? 'Counters are for the admin.' : 'Cannot read counters: ' + e.message,
      ),
    );
    return;
  }
  if (shown.id !== id) return;
  const figures = !stats
    ? null
    : what.portId
      ? (stats.report.ports || []).find((p) => p.portId === what.portId)
      : stats.report.host;
  if (!figures) {
    out.replaceChildren(el('p', { class: 'nodata' }, 'No report from its host yet.'));
    return;
  }
  const reasons = Object.entries(figures.dropsByReason || {});
  out.replaceChildren(
    el(
      'dl',
      { class: 'counters' },
      ['packetsIn', 'packetsOut', 'bytesIn', 'bytesOut', 'floods', 'arpSuppressed', 'drops'].map((key) =>
        el('div', {}, el('dt', {}, key), el('dd', { 'data-counter': key }, String(figures[key] ?? 0))),
      ),
    ),
    reasons.length ? el('p', { class: 'bad' }, 'drops: ' + reasons.map(([r, k]) => `${r} x${k}`).join(', ')) : null,
    el('p', { class: 'nodata' }, `as reported at ${stats.report.takenAt}`),
  );
}
