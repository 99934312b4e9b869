// Where each node of the topology graph goes: boxes inside boxes (tenant > VPC > subnet > instances), packed in
// shelves, computed once per snapshot. Deterministic, so a node keeps its place while the lab changes around it,
// and fast at 50 tenants and 500 instances where a force-directed layout turns into a hairball.

/** Room for one instance or NAT gateway: its dot and two label lines under it. */
export const CELL = { w: 124, h: 66 };
const MAX_COLUMNS = 5; // instances per row in a subnet
const GAP = 26; // between sibling boxes
const PAD = 14; // inside a box, around its content
/** Above a box's content: its label, by box kind (the label is drawn at the box's top). */
const LABEL_ROOM = { tenant: 40, vpc: 30, subnet: 24 };

/** A box with no children: it is the node itself, placed at its centre. */
function leaf(id, positions, w = CELL.w, h = CELL.h) {
  return {
    w,
    h,
    place(x, y) {
      positions[id] = { x: x + w / 2, y: y + 18 };
    },
  };
}

/** Children packed left to right, a new shelf when maxWidth is reached, inside padding and label room. */
function shelves(children, maxWidth, gap, top) {
  let x = 0;
  let y = 0;
  let shelfHeight = 0;
  let width = 0;
  const at = [];
  for (const child of children) {
    if (x > 0 && x + child.w > maxWidth) {
      x = 0;
      y += shelfHeight + gap;
      shelfHeight = 0;
    }
    at.push([x, y]);
    x += child.w + gap;
    shelfHeight = Math.max(shelfHeight, child.h);
    width = Math.max(width, x - gap);
  }
  return {
    w: width + 2 * PAD,
    h: y + shelfHeight + 2 * PAD + top,
    place(ox, oy) {
      children.forEach((child, i) => child.place(ox + PAD + at[i][0], oy + PAD + top + at[i][1]));
    },
  };
}

/** A compound node's box: its children packed, or itself as a leaf when it holds nothing. */
function compound(id, kind, children, maxWidth, positions) {
  if (children.length === 0) return leaf(id, positions, Math.max(CELL.w, 150), CELL.h);
  return shelves(children, maxWidth, kind === 'subnet' ? 0 : GAP, LABEL_ROOM[kind]);
}

/**
 * Positions of the leaf nodes (compound nodes take the box of their children): hosts on a shallow arc above,
 * tenants below in shelves about as wide as the view is wide for its height (aspect = width / height).
 * tree: [{ id, vpcs: [{ id, subnets: [{ id, items: [id] }] }] }], hostIds: [id].
 */
export function layout(tree, hostIds, aspect = 1.4) {
  const positions = {};
  const tenantBoxes = tree.map((tenant) => {
    const vpcBoxes = tenant.vpcs.map((vpc) => {
      const subnetBoxes = vpc.subnets.map((subnet) => {
        const items = subnet.items.map((id) => leaf(id, positions));
        const columns = Math.min(MAX_COLUMNS, Math.max(1, Math.ceil(Math.sqrt(items.length))));
        return compound(subnet.id, 'subnet', items, columns * CELL.w, positions);
      });
      return compound(vpc.id, 'vpc', subnetBoxes, 3 * (MAX_COLUMNS * CELL.w), positions);
    });
    // a tenant's VPCs one under the other: each is already as wide as its subnets need
    return compound(tenant.id, 'tenant', vpcBoxes, 1, positions);
  });
  const area = tenantBoxes.reduce((sum, b) => sum + (b.w + GAP) * (b.h + GAP), 0);
  const widest = tenantBoxes.reduce((max, b) => Math.max(max, b.w), 0);
  const rowWidth = Math.max(widest, Math.sqrt(area * aspect));
  const all = shelves(tenantBoxes, rowWidth, GAP * 2, 0);
  const hostRowTop = -140;
  all.place(0, 0);
  // hosts evenly across the width, on an arc, so a tunnel between two far hosts does not run through the middle ones
  const span = Math.max(all.w, hostIds.length * 150);
  hostIds.forEach((id, i) => {
    const t = hostIds.length === 1 ? 0.5 : i / (hostIds.length - 1);
    positions[id] = { x: t * span, y: hostRowTop - Math.sin(Math.PI * t) * 70 };
  });
  return positions;
}
