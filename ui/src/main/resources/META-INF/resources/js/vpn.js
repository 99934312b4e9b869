// Site-to-site VPN on the Resources screen: customer gateways, VPN gateways and connections, each
// connection's tunnel as its gateway's agent last reported it, and its wg-quick file to download.
import { vpnConfiguration, attachVpnGateway, detachVpnGateway, addVpnRoute, deleteVpnRoute } from './api.js';
import { el, showError, clearError } from './dom.js';
import { askForm } from './dialog.js';

/** The tunnel in words: "up, handshake 12:01:02", "in 3 packets / 240 B", "out ..."; "(no report yet)" before the first. */
export function tunnelLines(connection) {
  const t = connection.tunnel;
  if (!t) return ['(no report yet)'];
  const handshake = t.lastHandshakeAt
    ? `handshake ${new Date(t.lastHandshakeAt).toLocaleTimeString()}`
    : 'no handshake';
  return [
    `${t.state}, ${handshake}`,
    ...(t.peerEndpoint ? [`peer ${t.peerEndpoint}`] : []),
    `in ${t.packetsIn} packets / ${bytes(t.bytesIn)}`,
    `out ${t.packetsOut} packets / ${bytes(t.bytesOut)}`,
  ];
}

function bytes(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(1) + ' GB';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + ' MB';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + ' kB';
  return `${n} B`;
}

/**
 * Downloads the connection's wg-quick file as <connection>.conf. The link stays in the page
 * (hidden, id vpn-configuration-<connection>) until the next download, so its file can be read back.
 */
export async function downloadConfiguration(connection) {
  try {
    const text = await vpnConfiguration(connection.vpnConnectionId);
    clearError();
    const id = 'vpn-configuration-' + connection.vpnConnectionId;
    const previous = document.getElementById(id);
    if (previous) {
      URL.revokeObjectURL(previous.href);
      previous.remove();
    }
    const link = el('a', {
      id,
      hidden: true,
      download: connection.vpnConnectionId + '.conf',
      href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })),
    });
    document.body.append(link);
    link.click();
  } catch (e) {
    showError(e);
  }
}

const opt = (list, id, label) => (world) => (world[list] || []).map((x) => ({ value: x[id], label: label(x) }));
const named = (title, list, idKey) => ({
  title,
  value: (item, world) => {
    const found = world && item[idKey] ? (world[list] || []).find((x) => x[idKey] === item[idKey]) : null;
    return found ? found.name || found[idKey] : item[idKey];
  },
});

/** Attaches a detached gateway to a VPC of its tenant (only an attached gateway forwards). */
async function attach(gateway, world) {
  const vpcs = world ? world.vpcs.filter((v) => v.tenantId === gateway.tenantId) : [];
  const answer = await askForm({
    id: 'vgw-attach',
    title: `Attach ${gateway.name || gateway.vpnGatewayId}`,
    intro: "The VPC routes the connections' on-premises blocks into the tunnel once attached.",
    fields: [
      {
        name: 'vpcId',
        label: 'VPC',
        options: [
          { value: '', label: '(choose)' },
          ...vpcs.map((v) => ({ value: v.vpcId, label: `${v.name || v.vpcId} ${v.cidrBlock}` })),
        ],
      },
    ],
    submitLabel: 'Attach',
    validate: (v) => (v.vpcId ? null : vpcs.length === 0 ? 'This tenant has no VPC.' : 'Choose a VPC.'),
  });
  if (answer) await attachVpnGateway(gateway.vpnGatewayId, answer.vpcId);
}

/** Adds a static route (an on-premises block) to a connection. */
async function addRouteTo(connection) {
  const answer = await askForm({
    id: 'vpn-route',
    title: `Add a static route to ${connection.vpnConnectionId}`,
    intro: 'An on-premises block every subnet of the VPC sends into the tunnel.',
    fields: [{ name: 'destinationCidrBlock', label: 'On-premises CIDR', placeholder: '192.168.70.0/24' }],
    submitLabel: 'Add route',
    validate: (v) => (v.destinationCidrBlock ? null : 'Give a CIDR block.'),
  });
  if (answer) await addVpnRoute(connection.vpnConnectionId, answer.destinationCidrBlock);
}

/** Removes one of the connection's static routes. */
async function deleteRouteOf(connection) {
  const blocks = connection.onPremisesCidrBlocks || [];
  const answer = await askForm({
    id: 'vpn-route-delete',
    title: `Delete a static route of ${connection.vpnConnectionId}`,
    intro: 'The VPC stops sending that block into the tunnel.',
    fields: [
      {
        name: 'destinationCidrBlock',
        label: 'Route',
        options: [{ value: '', label: '(choose)' }, ...blocks.map((b) => ({ value: b, label: b }))],
      },
    ],
    submitLabel: 'Delete route',
    validate: (v) =>
      v.destinationCidrBlock ? null : blocks.length === 0 ? 'This connection has no route.' : 'Choose a route.',
  });
  if (answer) await deleteVpnRoute(connection.vpnConnectionId, answer.destinationCidrBlock);
}

/** The three VPN kinds of the Resources screen (see resources.js KINDS for what each entry says). */
export const VPN_KINDS = [
  {
    key: 'customerGateways',
    title: 'Customer gateways',
    id: 'customerGatewayId',
    columns: ['name', 'customerGatewayId', named('tenant', 'tenants', 'tenantId'), 'ipAddress', 'publicKey'],
    fields: [
      { name: 'tenantId', options: opt('tenants', 'tenantId', (t) => t.name) },
      { name: 'name', placeholder: 'office' },
      { name: 'ipAddress', required: true, placeholder: '203.0.113.7' },
      { name: 'publicKey', required: true, placeholder: 'wg pubkey < private.key' },
    ],
  },
  {
    key: 'vpnGateways',
    title: 'VPN gateways',
    id: 'vpnGatewayId',
    columns: [
      'name',
      'vpnGatewayId',
      named('VPC', 'vpcs', 'vpcId'),
      'attachmentState',
      'state',
      'endpointIp',
      'listenPort',
      'publicKey',
    ],
    fields: [
      { name: 'vpcId', options: opt('vpcs', 'vpcId', (v) => `${v.name || v.vpcId} ${v.cidrBlock}`) },
      { name: 'name', placeholder: 'vgw' },
      { name: 'hostId', options: opt('hosts', 'hostId', (h) => `${h.name} ${h.underlayIp}`) },
      { name: 'listenPort', type: 'number', placeholder: '51820' },
    ],
    actions: [
      { label: 'Attach', run: attach },
      { label: 'Detach', run: (g) => detachVpnGateway(g.vpnGatewayId) },
    ],
  },
  {
    key: 'vpnConnections',
    title: 'VPN connections',
    id: 'vpnConnectionId',
    columns: [
      'vpnConnectionId',
      named('VPN gateway', 'vpnGateways', 'vpnGatewayId'),
      named('customer gateway', 'customerGateways', 'customerGatewayId'),
      'onPremisesCidrBlocks',
      'presharedKeySet',
      { title: 'tunnel', lines: tunnelLines },
    ],
    fields: [
      {
        name: 'vpnGatewayId',
        required: true,
        options: opt('vpnGateways', 'vpnGatewayId', (g) => `${g.name || g.vpnGatewayId} ${g.vpcId}`),
      },
      {
        name: 'customerGatewayId',
        required: true,
        options: opt('customerGateways', 'customerGatewayId', (c) => `${c.name || c.customerGatewayId} ${c.ipAddress}`),
      },
      { name: 'onPremisesCidrBlocks', type: 'list', required: true, placeholder: '192.168.50.0/24, 192.168.60.0/24' },
      { name: 'generatePresharedKey', type: 'boolean', options: () => [{ value: 'true', label: 'true' }] },
    ],
    actions: [
      { label: 'Download configuration', run: downloadConfiguration, stays: true },
      { label: 'Add route', run: addRouteTo },
      { label: 'Delete route', run: deleteRouteOf },
    ],
  },
];
