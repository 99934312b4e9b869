// Where each node of the topology graph goes: boxes inside boxes (tenant > VPC > subnet > instances), packed in
// shelves, computed once per snapshot. Deterministic, so a node keeps its place while the lab changes around it,
// and fast at 50 tenants and 500 instances where a force-directed layout turns into a hairball.

/** Room for one instance or NAT gateway: its dot and two label lines under it. */
export const CELL = { w: 124, h: 66 };
/** Room for a dot alone, when the lab is too big for instance labels to read at the zoom that shows it all. */
export const COMPACT_CELL = { w: 34, h: 30 };
const MAX_COLUMNS = 5; // instances per row in a subnet
const GAP = 26; // between sibling boxes
const PAD = 14; // inside a box, around its content
/** Above a box's content by default: its label, by box kind (the label is drawn at the box's top). */
export const LABEL_ROOM = { tenant: 40, vpc: 30, subnet: 24 };

/** A box with no children: it is the node itself, placed at its centre. */
function leaf(id, positions, w, h) {
  return {
    w,
    h,
    place(x, y) {
      positions[id] = { x: x + w / 2, y: y + Math.min(18, h / 2) };
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

/** A compound node's box: its children packed, or itself as a leaf when it holds nothing; its width is noted. */
function compound(id, kind, children, maxWidth, positions, rooms, widths) {
  const box =
    children.length === 0
      ? leaf(id, positions, 150, CELL.h)
      : shelves(children, maxWidth, kind === 'subnet' ? 0 : GAP, rooms[kind]);
  widths[id] = box.w;
  return box;
}

/**
 * Positions of the leaf nodes (compound nodes take the box of their children): hosts on a shallow arc above,
 * tenants below in shelves, as many per shelf as makes the whole fit the view largest (view = { w, h } in
 * pixels). tree: [{ id, vpcs: [{ id, subnets: [{ id, items: [id] }] }] }], hostIds: [id]; rooms: the height
 * above each kind of box for its label. Answers { positions, widths (of the boxes by id), zoom (that fits) }.
 */
export function layout(tree, hostIds, view = { w: 1000, h: 700 }, rooms = LABEL_ROOM, cell = CELL) {
  const positions = {};
  const widths = {};
  const tenantBoxes = tree.map((tenant) => {
    const vpcBoxes = tenant.vpcs.map((vpc) => {
      const subnetBoxes = vpc.subnets.map((subnet) => {
        const items = subnet.items.map((id) => leaf(id, positions, cell.w, cell.h));
        const columns = Math.min(MAX_COLUMNS, Math.max(1, Math.ceil(Math.sqrt(items.length))));
        return compound(subnet.id, 'subnet', items, columns * cell.w, positions, rooms, widths);
      });
      return compound(vpc.id, 'vpc', subnetBoxes, 3 * (MAX_COLUMNS * CELL.w), positions, rooms, widths);
    });
    // a tenant's VPCs one under the other: each is already as wide as its subnets need
    return compound(tenant.id, 'tenant', vpcBoxes, 1, positions, rooms, widths);
  });
  // the shelf width that lets the view show everything at the largest zoom (the hosts' arc takes 250 above)
  const widest = tenantBoxes.reduce((max, b) => Math.max(max, b.w), 0);
  const total = tenantBoxes.reduce((sum, b) => sum + b.w + GAP * 2, 0);
  let all = null;
  let zoom = 0;
  for (let k = 1; k <= 40; k++) {
    const candidate = shelves(tenantBoxes, Math.max(widest, (total * k) / 40), GAP * 2, 0);
    const fits = Math.min(view.w / Math.max(candidate.w, hostIds.length * 150), view.h / (candidate.h + 250));
    if (fits > zoom) {
      zoom = fits;
      all = candidate;
    }
  }
  all = all || shelves(tenantBoxes, widest, GAP * 2, 0);
  const hostRowTop = -140;
  all.place(0, 0);
  // hosts evenly across the width, on an arc, so a tunnel between two far hosts does not run through the middle ones
  const span = Math.max(all.w, hostIds.length * 150);
  hostIds.forEach((id, i) => {
    const t = hostIds.length === 1 ? 0.5 : i / (hostIds.length - 1);
    positions[id] = { x: t * span, y: hostRowTop - Math.sin(Math.PI * t) * 70 };
  });
  return { positions, widths, zoom };
}
