// The live topology graph: polls the API every second (the one snapshot that feeds every screen) and draws
// tenants, VPCs and subnets as boxes holding their instances, filtered by tenant and VPC; a node clicked shows
// its details. The URL holds the filter and the selection: #topology?tenant=ID&vpc=ID&node=ID.
import { snapshot, token } from './api.js';
import { poller } from './poller.js';
import { el, fill, showError } from './dom.js';
import { navigate } from './route.js';
import { layout, LABEL_ROOM, COMPACT_CELL } from './layout.js';
import { showDetails } from './details.js';

const POLL_MILLIS = 1000;
const MAX_SUBNETS_DRAWN = 40;
/** Above this many instances on screen, an instance's line to its host is drawn only while it is selected. */
const PLACEMENT_EDGES_MAX = 60;

const STYLE = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 13,
      'min-zoomed-font-size': 7,
      'text-background-color': '#fff',
      'text-background-opacity': 0.8,
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-wrap': 'wrap',
      'text-max-width': 116,
      color: '#111',
      'background-color': '#888',
      width: 28,
      height: 28,
    },
  },
  {
    selector: ':parent',
    style: {
      'text-valign': 'top',
      'text-halign': 'center',
      'text-margin-y': -4,
      'text-max-width': 2000,
      'background-opacity': 0.07,
      'border-width': 2,
      padding: 10,
      'min-zoomed-font-size': 4,
    },
  },
  { selector: 'node.tenant', style: { 'background-color': '#444', 'border-color': '#444', shape: 'round-rectangle' } },
  { selector: 'node.tenant:parent', style: { 'font-size': 26, 'font-weight': 'bold' } },
  {
    selector: 'node.vpc',
    style: { 'background-color': '#0b5cad', 'border-color': '#0b5cad', shape: 'round-rectangle' },
  },
  { selector: 'node.vpc:parent', style: { 'font-size': 19, color: '#0b3d75' } },
  { selector: 'node.subnet', style: { 'background-color': '#2a8f8f', 'border-color': '#2a8f8f', shape: 'rectangle' } },
  { selector: 'node.subnet:parent', style: { 'font-size': 14, 'border-style': 'dashed', color: '#1d6363' } },
  { selector: 'node.instance', style: { 'background-color': '#2b7a2b', shape: 'ellipse', width: 18, height: 18 } },
  { selector: 'node.instance.pending', style: { 'background-color': '#c9a000' } },
  { selector: 'node.instance.unreachable', style: { 'background-color': '#a40000' } },
  {
    selector: 'node.host',
    style: { 'background-color': '#b35c00', shape: 'hexagon', width: 36, height: 32, 'font-size': 15 },
  },
  { selector: 'node.nat', style: { 'background-color': '#7a3fa0', shape: 'diamond', width: 22, height: 22 } },
  // boxes and hosts of a big lab: labels sized to read at the zoom that shows it all, as wide as their box
  // a box's label wraps within the box, so the box (which grows to hold its children's labels) keeps its size
  { selector: 'node[labelWidth]:parent', style: { 'text-max-width': 'data(labelWidth)' } },
  { selector: 'node[fontSize]:parent', style: { 'font-size': 'data(fontSize)' } },
  { selector: 'node.host[fontSize]', style: { 'font-size': 'data(fontSize)', 'text-max-width': 1000 } },
  { selector: 'node.compact', style: { label: '' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#999', 'curve-style': 'bezier' } },
  { selector: 'edge.placement', style: { 'line-style': 'dotted', 'line-color': '#c9a070' } },
  { selector: 'edge.tunnel', style: { width: 5, 'line-color': '#e07b00' } },
  { selector: 'edge.peering', style: { width: 3, 'line-style': 'dashed', 'line-color': '#7a3fa0' } },
  { selector: 'node:selected', style: { 'border-width': 5, 'border-color': '#f0a000', 'border-opacity': 1 } },
  { selector: 'edge.chosen', style: { width: 3, 'line-style': 'solid', 'line-color': '#f0a000' } },
  { selector: 'node.highlighted', style: { 'border-width': 5, 'border-color': '#d0006f', 'border-opacity': 1 } },
  { selector: 'edge.highlighted', style: { width: 5, 'line-color': '#d0006f', 'z-index': 10 } },
];

const nameOf = (x, idKey) => x.name || x[idKey];

/** The part of the world the filter shows: one tenant, one VPC, or everything. */
export function filtered(world, { tenant, vpc } = {}) {
  const vpcs = world.vpcs.filter((v) => (!tenant || v.tenantId === tenant) && (!vpc || v.vpcId === vpc));
  if (!tenant && !vpc) return world;
  const vpcIds = new Set(vpcs.map((v) => v.vpcId));
  const subnets = world.subnets.filter((s) => vpcIds.has(s.vpcId));
  const subnetIds = new Set(subnets.map((s) => s.subnetId));
  const instances = world.instances.filter((i) => subnetIds.has(i.subnetId));
  const tenantIds = new Set(vpcs.map((v) => v.tenantId).concat(tenant ? [tenant] : []));
  const hostIds = new Set(instances.map((i) => i.hostId));
  return {
    ...world,
    tenants: world.tenants.filter((t) => tenantIds.has(t.tenantId)),
    vpcs,
    subnets,
    instances,
    natGateways: world.natGateways.filter((n) => subnetIds.has(n.subnetId)),
    hosts: world.hosts.filter((h) => hostIds.has(h.hostId)),
    peerings: world.peerings.filter((p) => vpcIds.has(p.requesterVpcId) || vpcIds.has(p.accepterVpcId)),
  };
}

/** Screen pixels a label should have at the zoom that shows the whole graph, and the size it never goes over. */
/** Below this zoom, instance labels (13 px at zoom 1) would be unreadable specks. */
const COMPACT_BELOW_ZOOM = 0.45;
const READABLE = { tenant: [15, 26, 150], vpc: [11, 19, 90], host: [12, 15, 90] };

/** Nodes (with their parent box, position and label size) and edges of the graph from one (filtered) snapshot. */
export function elements(world, view) {
  const nodes = [];
  const edges = [];
  const present = new Set();
  const node = (id, kind, label, parent, classes = '') => {
    nodes.push({ group: 'nodes', data: { id, label, kind, parent }, classes: `${kind} ${classes}`.trim() });
    present.add(id);
  };
  const edge = (source, target, kind) =>
    edges.push({ group: 'edges', data: { id: `${kind}:${source}:${target}`, source, target }, classes: kind });

  // the boxes: a tenant token lists no tenants, so its VPCs' tenant is named from its instances
  const tenantName = new Map(world.tenants.map((t) => [t.tenantId, t.name]));
  for (const i of world.instances)
    if (!tenantName.has(i.tenantId)) tenantName.set(i.tenantId, i.tenantName || i.tenantId);
  for (const v of world.vpcs) if (!tenantName.has(v.tenantId)) tenantName.set(v.tenantId, v.tenantId);
  const tree = [...tenantName.keys()]
    .sort((a, b) => tenantName.get(a).localeCompare(tenantName.get(b)))
    .map((tenantId) => ({ id: tenantId, vpcs: [] }));
  const tenantBox = new Map(tree.map((t) => [t.id, t]));
  for (const [tenantId, name] of tenantName) node(tenantId, 'tenant', name);

  const vpcBox = new Map();
  for (const v of [...world.vpcs].sort((a, b) => nameOf(a, 'vpcId').localeCompare(nameOf(b, 'vpcId')))) {
    node(v.vpcId, 'vpc', `${nameOf(v, 'vpcId')}\n${v.cidrBlock}`, v.tenantId);
    const box = { id: v.vpcId, subnets: [] };
    vpcBox.set(v.vpcId, box);
    tenantBox.get(v.tenantId).vpcs.push(box);
  }
  // A VPC with hundreds of subnets (the VLAN lesson makes 4094) would bury the graph: subnets that hold
  // nothing are folded into one node per VPC.
  const used = new Set([...world.instances.map((i) => i.subnetId), ...world.natGateways.map((n) => n.subnetId)]);
  const perVpc = new Map();
  for (const s of world.subnets) perVpc.set(s.vpcId, (perVpc.get(s.vpcId) || 0) + 1);
  const folded = new Map();
  const subnetBox = new Map();
  for (const s of [...world.subnets].sort((a, b) => a.cidrBlock.localeCompare(b.cidrBlock, 'en', { numeric: true }))) {
    if (!vpcBox.has(s.vpcId)) continue;
    if (perVpc.get(s.vpcId) > MAX_SUBNETS_DRAWN && !used.has(s.subnetId)) {
      folded.set(s.vpcId, (folded.get(s.vpcId) || 0) + 1);
      continue;
    }
    const segment = `${s.segmentation === 'vlan' ? 'VLAN' : 'VNI'} ${s.segmentId}`;
    node(s.subnetId, 'subnet', `${nameOf(s, 'subnetId')} ${s.cidrBlock} ${segment}`, s.vpcId);
    const box = { id: s.subnetId, items: [] };
    subnetBox.set(s.subnetId, box);
    vpcBox.get(s.vpcId).subnets.push(box);
  }
  for (const [vpcId, count] of folded) {
    node('folded:' + vpcId, 'subnet', `${count} more subnets`, vpcId);
    vpcBox.get(vpcId).subnets.push({ id: 'folded:' + vpcId, items: [] });
  }
  const byName = (a, b) => nameOf(a, 'instanceId').localeCompare(nameOf(b, 'instanceId'), 'en', { numeric: true });
  const drawnInstances = [...world.instances].sort(byName).filter((i) => subnetBox.has(i.subnetId));
  for (const i of drawnInstances) {
    const label = `${nameOf(i, 'instanceId')}\n${i.privateIpAddress}${i.publicIp ? ' ' + i.publicIp : ''}`;
    node(i.instanceId, 'instance', label, i.subnetId, i.state || '');
    subnetBox.get(i.subnetId).items.push(i.instanceId);
  }
  for (const n of world.natGateways.filter((g) => subnetBox.has(g.subnetId))) {
    node(n.natGatewayId, 'nat', `${nameOf(n, 'natGatewayId')}\n${n.publicIp || ''}`, n.subnetId);
    subnetBox.get(n.subnetId).items.push(n.natGatewayId);
  }

  const hostIds = world.hosts.map((h) => h.hostId);
  for (const h of world.hosts) node(h.hostId, 'host', `${h.name}\n${h.underlayIp}:${h.udpPort} (${h.status})`);
  if (drawnInstances.length <= PLACEMENT_EDGES_MAX) {
    for (const i of drawnInstances) if (present.has(i.hostId)) edge(i.instanceId, i.hostId, 'placement');
  }
  for (const p of world.peerings) {
    if (p.status === 'active' && present.has(p.requesterVpcId) && present.has(p.accepterVpcId)) {
      edge(p.requesterVpcId, p.accepterVpcId, 'peering');
    }
  }
  for (const [a, b] of tunnels(world)) edge(a, b, 'tunnel');

  // laid out once to learn the zoom that fits, then again with room above each box for labels that read there
  let first = layout(tree, hostIds, view);
  // too big to read instance labels at the zoom that shows it all: dots only (a click or a filter tells more)
  const compact = first.zoom < COMPACT_BELOW_ZOOM;
  if (compact) first = layout(tree, hostIds, view, LABEL_ROOM, COMPACT_CELL);
  const fonts = Object.fromEntries(
    Object.entries(READABLE).map(([kind, [pixels, least, most]]) => [
      kind,
      Math.min(most, Math.max(least, pixels / first.zoom)),
    ]),
  );
  const rooms = {
    tenant: Math.max(LABEL_ROOM.tenant, fonts.tenant * 1.3 + 10),
    vpc: Math.max(LABEL_ROOM.vpc, fonts.vpc * 2.6 + 8),
    subnet: LABEL_ROOM.subnet, // a subnet's name is for zooming in: the overview reads by tenant and VPC
  };
  const { positions, widths } =
    fonts.tenant > READABLE.tenant[1] ? layout(tree, hostIds, view, rooms, compact ? COMPACT_CELL : undefined) : first;
  for (const n of nodes) {
    if (compact && (n.data.kind === 'instance' || n.data.kind === 'nat')) n.classes += ' compact';
    if (positions[n.data.id]) n.position = positions[n.data.id];
    // a subnet box of dots is narrow: its name alone fits above it
    if (compact && n.data.kind === 'subnet') n.data.label = n.data.label.split(' ')[0];
    const kind = n.data.kind;
    if (widths[n.data.id]) n.data.labelWidth = Math.round(widths[n.data.id]);
    if (READABLE[kind] && fonts[kind] > READABLE[kind][1]) n.data.fontSize = Math.round(fonts[kind]);
  }
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

let graph = null; // the one cytoscape instance, for highlight()
let path = []; // the node ids highlight() marked: marked again after every redraw, which resets classes

/**
 * Marks a path on the graph: the nodes with these ids, and the edges between consecutive ones (diagnostics
 * show the way a packet takes); an empty list clears the marks. Answers how many nodes were found.
 */
export function highlight(nodeIds = []) {
  path = nodeIds;
  return markPath();
}

function markPath() {
  if (!graph) return 0;
  graph.elements('.highlighted').removeClass('highlighted');
  let found = 0;
  path.forEach((id, k) => {
    const node = graph.getElementById(id);
    if (node.empty()) return;
    found++;
    node.addClass('highlighted');
    if (k > 0) node.edgesWith(graph.getElementById(path[k - 1])).addClass('highlighted');
  });
  return found;
}

export function startTopology({ graph: container, summary, filters, details }, onWorld, onUnauthorized) {
  const cy = cytoscape({ container, style: STYLE, elements: [], wheelSensitivity: 0.3, boxSelectionEnabled: false });
  graph = cy;
  window.cy = cy; // the browser tests read the graph through it
  let world = null;
  let view = { tenant: '', vpc: '', node: '' }; // what the URL asks for
  let drawn = { signature: null, filter: null };

  const tenantSelect = el('select', { id: 'topo-tenant' });
  const vpcSelect = el('select', { id: 'topo-vpc' });
  const go = (changes) => navigate({ screen: 'topology', params: { ...view, ...changes } });
  tenantSelect.addEventListener('change', () => go({ tenant: tenantSelect.value, vpc: '', node: '' }));
  vpcSelect.addEventListener('change', () => go({ vpc: vpcSelect.value, node: '' }));
  filters.append(
    el('label', { for: 'topo-tenant' }, 'Tenant ', tenantSelect),
    el('label', { for: 'topo-vpc' }, 'VPC ', vpcSelect),
    el('button', { type: 'button', id: 'topo-fit', onclick: () => cy.fit(undefined, 20) }, 'Fit'),
  );
  cy.on('tap', 'node', (event) => {
    const id = event.target.id();
    if (!id.startsWith('folded:')) go({ node: id });
  });
  cy.on('tap', (event) => {
    if (event.target === cy) go({ node: '' });
  });

  function fillFilters() {
    const tenants = [...world.tenants].sort((a, b) => a.name.localeCompare(b.name));
    fill(tenantSelect, [
      { value: '', label: `all tenants (${tenants.length})` },
      ...tenants.map((t) => ({ value: t.tenantId, label: t.name })),
    ]);
    tenantSelect.value = view.tenant;
    const tenantName = new Map(world.tenants.map((t) => [t.tenantId, t.name]));
    const vpcs = world.vpcs
      .filter((v) => !view.tenant || v.tenantId === view.tenant)
      .map((v) => ({
        value: v.vpcId,
        label:
          `${nameOf(v, 'vpcId')} ${v.cidrBlock}` +
          (view.tenant ? '' : ` (${tenantName.get(v.tenantId) || v.tenantId})`),
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
    fill(vpcSelect, [{ value: '', label: `all VPCs (${vpcs.length})` }, ...vpcs]);
    vpcSelect.value = view.vpc;
  }

  function draw() {
    if (!world) return;
    fillFilters();
    const shown = filtered(world, view);
    const wanted = elements(shown, { w: container.clientWidth || 1000, h: container.clientHeight || 700 });
    const signature = wanted.map((e) => `${e.data.id}>${e.data.parent || ''}@${e.data.fontSize || ''}`).join('|');
    const filter = view.tenant + '|' + view.vpc;
    if (signature !== drawn.signature) {
      cy.batch(() => {
        cy.elements().remove();
        cy.add(wanted);
      });
      if (filter !== drawn.filter || drawn.signature === null) cy.fit(undefined, 20);
    } else {
      cy.batch(() => {
        for (const e of wanted) {
          const existing = cy.getElementById(e.data.id);
          if (existing.data('label') !== e.data.label) existing.data('label', e.data.label);
          if (e.group === 'nodes' && existing.classes().join(' ') !== e.classes) existing.classes(e.classes);
        }
      });
    }
    drawn = { signature, filter };
    if (path.length > 0) markPath();
    select();
    summary.textContent =
      `${world.tenants.length} tenants, ${world.vpcs.length} VPCs, ${world.subnets.length} subnets, ` +
      `${world.instances.length} instances, ${world.hosts.length} hosts, ${tunnels(world).length} tunnels` +
      (shown === world ? '' : ` (showing ${shown.instances.length} instances of ${shown.vpcs.length} VPCs)`);
  }

  /** Selects the URL's node, draws its line to its host, and fills the details panel. */
  function select() {
    cy.elements('.chosen').removeClass('chosen');
    cy.edges('.transient').remove();
    cy.nodes(':selected').unselect();
    const node = view.node ? cy.getElementById(view.node) : null;
    if (node && node.nonempty()) {
      node.select();
      const instance = world.instances.find((i) => i.instanceId === view.node);
      if (instance && cy.getElementById(instance.hostId).nonempty()) {
        const placed = node.edgesWith(cy.getElementById(instance.hostId));
        if (placed.empty()) {
          cy.add({
            group: 'edges',
            data: { id: 'transient:' + view.node, source: view.node, target: instance.hostId },
            classes: 'placement transient chosen',
          });
        } else placed.addClass('chosen');
      }
    }
    showDetails(details, world, view.node);
  }

  async function refresh() {
    if (!token()) return; // signed out: the sign-in panel shows, nothing to fetch
    try {
      world = await snapshot();
      draw();
      onWorld(world);
      document.body.dataset.ready = 'true';
    } catch (e) {
      summary.textContent = 'not loaded: ' + e.message;
      if (e.status === 401) onUnauthorized();
      else showError(e);
      throw e; // the poller backs off
    }
  }
  // Always on, whatever the screen: every screen is fed from this snapshot.
  const polling = poller(refresh, { every: POLL_MILLIS });
  polling.start();
  return {
    cy,
    refresh: polling.now,
    show() {
      // the graph was drawn hidden (zero size): measure and fit again now that it shows
      requestAnimationFrame(() => {
        cy.resize();
        cy.fit(undefined, 20);
      });
    },
    route(route) {
      const next = { tenant: route.params.tenant || '', vpc: route.params.vpc || '', node: route.params.node || '' };
      const filterChanged = next.tenant !== view.tenant || next.vpc !== view.vpc;
      view = next;
      if (!world) return;
      if (filterChanged) draw();
      else select();
    },
  };
}
