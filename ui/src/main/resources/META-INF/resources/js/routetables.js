// Route tables on the Resources screen: routes in words with their state, associations, and the dialogs that change them.
import { addRoute, deleteRoute, associateRouteTable, disassociateRouteTable } from './api.js';
import { askForm } from './dialog.js';

/** One line per route, local first: "10.0.0.0/16 -> local", "0.0.0.0/0 -> instance i-0abc (blackhole)". */
export function routeLines(table) {
  return (table.routes || []).map(
    (r) =>
      `${r.destinationCidrBlock} -> ${r.targetType}` +
      (r.targetId && r.targetType !== 'local' ? ` ${r.targetId}` : '') +
      (r.state === 'blackhole' ? ' (blackhole)' : ''),
  );
}

/** The table's subnets, by name where the world knows them; the main table also serves every subnet without a table. */
export function associationLines(table, world) {
  const name = (id) => {
    const subnet = world ? world.subnets.find((s) => s.subnetId === id) : null;
    return subnet && subnet.name ? `${subnet.name} ${id}` : id;
  };
  const lines = (table.subnetIds || []).map(name);
  return table.main ? [...lines, '(main: every subnet without a table)'] : lines;
}

/** The choices of a target kind among what the world holds for the table's VPC. */
function targetChoices(table, world) {
  if (!world) return [];
  const subnets = new Set(world.subnets.filter((s) => s.vpcId === table.vpcId).map((s) => s.subnetId));
  return [
    ...world.instances
      .filter((i) => subnets.has(i.subnetId))
      .map((i) => ({
        value: `instanceId:${i.instanceId}`,
        label: `instance ${i.name || i.instanceId} ${i.privateIpAddress}`,
      })),
    ...world.natGateways
      .filter((n) => subnets.has(n.subnetId))
      .map((n) => ({ value: `natGatewayId:${n.natGatewayId}`, label: `NAT gateway ${n.name || n.natGatewayId}` })),
    ...world.peerings
      .filter((p) => p.status === 'active' && (p.requesterVpcId === table.vpcId || p.accepterVpcId === table.vpcId))
      .map((p) => ({
        value: `vpcPeeringConnectionId:${p.vpcPeeringConnectionId}`,
        label: `peering ${p.vpcPeeringConnectionId}`,
      })),
    { value: 'blackhole:true', label: 'blackhole (drop what it matches)' },
  ];
}

/** Adds a route: a destination and one target of the table's VPC; the longest prefix wins. */
export async function addTableRoute(table, world) {
  const answer = await askForm({
    id: 'rt-route',
    title: `Add a route to ${table.name || table.routeTableId}`,
    intro: `${table.routeTableId} in ${table.vpcId}: the longest matching prefix wins; a route whose target goes away stays, as a blackhole.`,
    fields: [
      { name: 'destinationCidrBlock', label: 'Destination CIDR', placeholder: '0.0.0.0/0' },
      { name: 'target', label: 'Target', options: [{ value: '', label: '(choose)' }, ...targetChoices(table, world)] },
    ],
    submitLabel: 'Add route',
    validate: (v) => {
      if (!v.destinationCidrBlock) return 'Give a destination CIDR.';
      if (!v.target) return 'Choose a target.';
      return null;
    },
  });
  if (!answer) return;
  const [kind, id] = answer.target.split(':');
  const route = { destinationCidrBlock: answer.destinationCidrBlock };
  route[kind] = kind === 'blackhole' ? true : id;
  await addRoute(table.routeTableId, route);
}

/** Asks for one choice; answers its value, or null when cancelled. */
async function chooseOne({ id, title, intro, label, choices, none, submitLabel }) {
  const answer = await askForm({
    id,
    title,
    intro,
    fields: [{ name: 'choice', label, options: [{ value: '', label: '(choose)' }, ...choices] }],
    submitLabel,
    validate: (v) => (v.choice ? null : choices.length === 0 ? none : `Choose ${label.toLowerCase()}.`),
  });
  return answer ? answer.choice : null;
}

/** Deletes one of the table's routes (the local routes stay: the API refuses them). */
export async function deleteTableRoute(table) {
  const routes = (table.routes || []).filter((r) => r.targetType !== 'local');
  const lines = routeLines({ routes });
  const destination = await chooseOne({
    id: 'rt-delete',
    title: `Delete a route of ${table.name || table.routeTableId}`,
    intro: 'Traffic the route carried follows the next longest prefix at once.',
    label: 'Route',
    choices: routes.map((r, i) => ({ value: r.destinationCidrBlock, label: lines[i] })),
    none: 'This table has no route besides the local ones.',
    submitLabel: 'Delete route',
  });
  if (destination) await deleteRoute(table.routeTableId, destination);
}

/** Makes a subnet of the table's VPC use this table (for the main table: drops the subnet's own association). */
export async function associateTableSubnet(table, world) {
  const subnets = world ? world.subnets.filter((s) => s.vpcId === table.vpcId) : [];
  const subnetId = await chooseOne({
    id: 'rt-associate',
    title: `Associate ${table.name || table.routeTableId}`,
    intro: table.main
      ? 'The subnet drops its own table and uses the main table again.'
      : 'The subnet leaves the table it uses now.',
    label: 'Subnet',
    choices: subnets.map((s) => ({ value: s.subnetId, label: `${s.name || s.subnetId} ${s.cidrBlock}` })),
    none: 'This VPC has no subnet.',
    submitLabel: 'Associate',
  });
  if (!subnetId) return;
  if (table.main) await disassociateRouteTable(subnetId);
  else await associateRouteTable(subnetId, table.routeTableId);
}
