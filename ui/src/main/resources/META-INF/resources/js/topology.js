// The live topology graph: polls the API every second (the one snapshot that feeds every screen) and patches the cytoscape graph in place.
import { snapshot } from './api.js';
import { poller } from './poller.js';
import { showError } from './dom.js';

const POLL_MILLIS = 1000;
const MAX_SUBNETS_DRAWN = 40;
// Force-directed: tenants, VPCs and subnets settle around the hosts that carry their instances.
const LAYOUT = { name: 'cose', animate: false, padding: 20, nodeRepulsion: () => 9000, idealEdgeLength: () => 60 };

const STYLE = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 15,
      'min-zoomed-font-size': 6,
      'text-background-color': '#fff',
      'text-background-opacity': 0.8,
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-wrap': 'wrap',
      'text-max-width': 140,
      color: '#111',
      'background-color': '#888',
      width: 30,
      height: 30,
    },
  },
  { selector: 'node.tenant', style: { 'background-color': '#444', shape: 'round-rectangle' } },
  { selector: 'node.vpc', style: { 'background-color': '#0b5cad', shape: 'round-rectangle', width: 34, height: 26 } },
  { selector: 'node.subnet', style: { 'background-color': '#2a8f8f', shape: 'rectangle' } },
  { selector: 'node.instance', style: { 'background-color': '#2b7a2b', shape: 'ellipse', width: 20, height: 20 } },
  { selector: 'node.host', style: { 'background-color': '#b35c00', shape: 'hexagon', width: 36, height: 32 } },
  { selector: 'node.nat', style: { 'background-color': '#7a3fa0', shape: 'diamond' } },
  { selector: 'node.eip', style: { 'background-color': '#a0306a', shape: 'tag' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#999', 'curve-style': 'bezier' } },
  { selector: 'edge.placement', style: { 'line-style': 'dotted', 'line-color': '#c9a070' } },
  { selector: 'edge.tunnel', style: { width: 5, 'line-color': '#e07b00' } },
  { selector: 'edge.peering', style: { width: 3, 'line-style': 'dashed', 'line-color': '#7a3fa0' } },
  {
    selector: 'edge.eip-map',
    style: { 'line-color': '#a0306a', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#a0306a' },
  },
];

/** Nodes and edges of the graph from one API snapshot. */
export function elements(world) {
  const nodes = [];
  const edges = [];
  const node = (id, kind, label) => nodes.push({ group: 'nodes', data: { id, label, kind }, classes: kind });
  const edge = (source, target, kind) =>
    edges.push({ group: 'edges', data: { id: `${kind}:${source}:${target}`, source, target }, classes: kind });
  const present = new Set();
  const mark = (id) => present.add(id);
  for (const t of world.tenants) {
    node(t.tenantId, 'tenant', t.name);
    mark(t.tenantId);
  }
  for (const h of world.hosts) {
    node(h.hostId, 'host', `${h.name}\n${h.underlayIp}:${h.udpPort} (${h.status})`);
    mark(h.hostId);
  }
  for (const v of world.vpcs) {
    node(v.vpcId, 'vpc', `${v.name || v.vpcId}\n${v.cidrBlock}`);
    mark(v.vpcId);
    if (present.has(v.tenantId)) edge(v.tenantId, v.vpcId, 'owns');
  }
  // A VPC with hundreds of subnets (the VLAN lesson makes 4094) would bury the graph: subnets that hold
  // nothing are folded into one node per VPC.
  const used = new Set([...world.instances.map((i) => i.subnetId), ...world.natGateways.map((n) => n.subnetId)]);
  const perVpc = new Map();
  for (const s of world.subnets) perVpc.set(s.vpcId, (perVpc.get(s.vpcId) || 0) + 1);
  const folded = new Map();
  for (const s of world.subnets) {
    if (perVpc.get(s.vpcId) > MAX_SUBNETS_DRAWN && !used.has(s.subnetId)) {
      folded.set(s.vpcId, (folded.get(s.vpcId) || 0) + 1);
      continue;
    }
    node(
      s.subnetId,
      'subnet',
      `${s.name || s.subnetId}\n${s.cidrBlock} ${s.segmentation === 'vlan' ? 'VLAN' : 'VNI'} ${s.segmentId}`,
    );
    mark(s.subnetId);
    if (present.has(s.vpcId)) edge(s.vpcId, s.subnetId, 'contains');
  }
  for (const [vpcId, count] of folded) {
    node('folded:' + vpcId, 'subnet', `${count} more subnets`);
    if (present.has(vpcId)) edge(vpcId, 'folded:' + vpcId, 'contains');
  }
  for (const i of world.instances) {
    node(i.instanceId, 'instance', `${i.name || i.instanceId}\n${i.privateIpAddress}`);
    mark(i.instanceId);
    if (present.has(i.subnetId)) edge(i.subnetId, i.instanceId, 'contains');
    if (present.has(i.hostId)) edge(i.instanceId, i.hostId, 'placement');
  }
  for (const n of world.natGateways) {
    node(n.natGatewayId, 'nat', `${n.name || n.natGatewayId}\n${n.publicIp || ''}`);
    mark(n.natGatewayId);
    if (present.has(n.subnetId)) edge(n.subnetId, n.natGatewayId, 'contains');
  }
  for (const e of world.eips) {
    node(e.allocationId, 'eip', e.publicIp);
    mark(e.allocationId);
    const target = e.instanceId || e.natGatewayId;
    if (target && present.has(target)) edge(e.allocationId, target, 'eip-map');
  }
  for (const p of world.peerings) {
    if (p.status === 'active' && present.has(p.requesterVpcId) && present.has(p.accepterVpcId)) {
      edge(p.requesterVpcId, p.accepterVpcId, 'peering');
    }
  }
  for (const [a, b] of tunnels(world)) edge(a, b, 'tunnel');
  return [...nodes, ...edges];
}

/** Host pairs that exchange VXLAN: hosts holding instances of the same VPC (or of peered VPCs). */
export function tunnels(world) {
  const hostsByVpc = new Map();
  for (const i of world.instances) {
    if (!hostsByVpc.has(i.vpcId)) hostsByVpc.set(i.vpcId, new Set());
    hostsByVpc.get(i.vpcId).add(i.hostId);
  }
  const pairs = new Set();
  const add = (hosts) => {
    const sorted = [...hosts].sort();
    for (let x = 0; x < sorted.length; x++)
      for (let y = x + 1; y < sorted.length; y++) pairs.add(sorted[x] + '|' + sorted[y]);
  };
  for (const hosts of hostsByVpc.values()) add(hosts);
  for (const p of world.peerings.filter((p) => p.status === 'active')) {
    add(new Set([...(hostsByVpc.get(p.requesterVpcId) || []), ...(hostsByVpc.get(p.accepterVpcId) || [])]));
  }
  const known = new Set(world.hosts.map((h) => h.hostId));
  return [...pairs].map((p) => p.split('|')).filter(([a, b]) => known.has(a) && known.has(b));
}

export function startTopology(container, summary, onWorld) {
  const cy = cytoscape({ container, style: STYLE, elements: [], wheelSensitivity: 0.3 });
  window.cy = cy; // the browser tests read the graph through it
  async function refresh() {
    try {
      const world = await snapshot();
      const wanted = elements(world);
      const changed = patch(cy, wanted);
      if (changed) cy.layout(LAYOUT).run();
      summary.textContent =
        `${world.tenants.length} tenants, ${world.vpcs.length} VPCs, ${world.subnets.length} subnets, ` +
        `${world.instances.length} instances, ${world.hosts.length} hosts, ${tunnels(world).length} tunnels`;
      onWorld(world);
      document.body.dataset.ready = 'true';
    } catch (e) {
      summary.textContent = 'not loaded: ' + e.message;
      if (e.status === 401) showError(e);
      throw e; // the poller backs off
    }
  }
  // Always on, whatever the screen: every screen is fed from this snapshot.
  const polling = poller(refresh, { every: POLL_MILLIS });
  polling.start();
  return { cy, refresh: polling.now };
}

/** Adds, relabels and removes elements; answers whether the node/edge set changed. */
function patch(cy, wanted) {
  const ids = new Set(wanted.map((e) => e.data.id));
  const stale = cy.elements().filter((e) => !ids.has(e.id()));
  const fresh = wanted.filter((e) => cy.getElementById(e.data.id).empty());
  cy.batch(() => {
    stale.remove();
    cy.add(fresh.filter((e) => e.group === 'nodes'));
    cy.add(fresh.filter((e) => e.group === 'edges'));
    for (const e of wanted) {
      const existing = cy.getElementById(e.data.id);
      if (existing.data('label') !== e.data.label) existing.data('label', e.data.label);
    }
  });
  return stale.length > 0 || fresh.length > 0;
}
