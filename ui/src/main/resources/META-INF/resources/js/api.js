// The only way the UI talks to the server: the public REST API with the bearer token. Every path the UI
// calls is written here; the screens call these named functions.

const TOKEN_KEY = 'vpclab.token';
const V1 = '/api/v1';

/** The collections of the API by the key the screens and the snapshot use. */
const COLLECTIONS = {
  tenants: '/tenants',
  hosts: '/hosts',
  vpcs: '/vpcs',
  subnets: '/subnets',
  instances: '/instances',
  eips: '/eips',
  natGateways: '/nat-gateways',
  peerings: '/peerings',
  whitelists: '/whitelists',
  securityGroups: '/security-groups',
  networkAcls: '/network-acls',
  routeTables: '/route-tables',
  captures: '/captures',
  flowLogs: '/flow-logs',
  customerGateways: '/customer-gateways',
  vpnGateways: '/vpn-gateways',
  vpnConnections: '/vpn-connections',
};

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(`${code || 'Error'} (HTTP ${status}): ${detail || 'no detail'}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export function token() {
  return localStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  localStorage.setItem(TOKEN_KEY, value.trim());
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** Who the token speaks for: 'admin' (may list tenants) or 'tenant'; an ApiError (401) when it is refused. */
export async function tokenRole() {
  try {
    await get(collection('tenants') + '?maxResults=1');
    return 'admin';
  } catch (e) {
    if (e.status === 403) return 'tenant';
    throw e;
  }
}

const authorization = () => ({ Authorization: 'Bearer ' + token() });

/** asText: the answer is a text file (a refusal is still problem+json). */
async function call(method, path, body, asText = false) {
  const headers = authorization();
  if (asText) headers.Accept = 'text/plain, application/problem+json';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const text = await response.text();
  if (asText && response.ok) return text;
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // problem+json: code is the stable name, detail the sentence for humans.
    throw new ApiError(response.status, json && json.code, json && (json.detail || json.title));
  }
  return json;
}

const get = (path) => call('GET', path);
const post = (path, body) => call('POST', path, body);
const del = (path) => call('DELETE', path);
/** Reads that answer null for a resource with nothing to show yet (404) instead of failing. */
const getOrNull = (path) =>
  get(path).catch((e) => {
    if (e.status === 404) return null;
    throw e;
  });

function collection(kind) {
  if (!COLLECTIONS[kind]) throw new Error('no API collection named ' + kind);
  return V1 + COLLECTIONS[kind];
}
const one = (kind, id) => `${collection(kind)}/${encodeURIComponent(id)}`;
const query = (params) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** One page (up to 1000) of a collection, optionally filtered (e.g. { vpcId }): { items, nextToken }. */
export const listPage = (kind, filter = {}) => get(collection(kind) + '?' + query({ ...filter, maxResults: 1000 }));

/** Every item of a collection, following the AWS-style nextToken. */
export async function listAll(kind, filter = {}) {
  const items = [];
  let next = null;
  do {
    const page = await get(
      collection(kind) + '?' + query({ ...filter, maxResults: 1000, nextToken: next || undefined }),
    );
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

export const create = (kind, body) => post(collection(kind), body);
export const remove = (kind, id) => del(one(kind, id));
/** A tenant with everything it holds, in one transaction (admin). */
export const removeTenantWithEverything = (tenantId) => del(one('tenants', tenantId) + '?cascade=true');

/** The collections in the snapshot, true for those only the admin may list (a tenant sees them empty). */
const SNAPSHOT_KINDS = {
  tenants: true,
  hosts: true,
  vpcs: false,
  subnets: false,
  instances: false,
  eips: false,
  natGateways: false,
  peerings: false,
  whitelists: false,
  securityGroups: false,
  networkAcls: false,
  customerGateways: false,
  vpnGateways: false,
};

/** The whole visible world in one object; lists a token may not read come back empty. */
export async function snapshot() {
  const optional = (kind) =>
    listAll(kind).catch((e) => {
      if (e.status === 403) return [];
      throw e;
    });
  const kinds = Object.keys(SNAPSHOT_KINDS);
  const lists = await Promise.all(kinds.map((kind) => (SNAPSHOT_KINDS[kind] ? optional(kind) : listAll(kind))));
  return Object.fromEntries(kinds.map((kind, i) => [kind, lists[i]]));
}

// --- actions on one resource ------------------------------------------------------------------------

export const associateEip = (allocationId, instanceId) =>
  call('PUT', one('eips', allocationId) + '/association', { instanceId });
export const acceptPeering = (peeringId) => post(one('peerings', peeringId) + '/accept');
export const rejectPeering = (peeringId) => post(one('peerings', peeringId) + '/reject');

// --- security groups and network ACLs -----------------------------------------------------------------

export const addSecurityGroupRule = (groupId, rule) => post(one('securityGroups', groupId) + '/rules', rule);
export const revokeSecurityGroupRule = (groupId, ruleId) =>
  del(one('securityGroups', groupId) + '/rules/' + encodeURIComponent(ruleId));
export const instanceSecurityGroups = async (instanceId) =>
  (await get(one('instances', instanceId) + '/security-groups')).securityGroupIds;
export const setInstanceSecurityGroups = (instanceId, securityGroupIds) =>
  call('PUT', one('instances', instanceId) + '/security-groups', { securityGroupIds });
export const addNetworkAclEntry = (networkAclId, entry) => post(one('networkAcls', networkAclId) + '/entries', entry);
export const deleteNetworkAclEntry = (networkAclId, direction, ruleNumber) =>
  del(one('networkAcls', networkAclId) + `/entries/${encodeURIComponent(direction)}/${encodeURIComponent(ruleNumber)}`);
export const associateNetworkAcl = (subnetId, networkAclId) =>
  call('PUT', one('subnets', subnetId) + '/network-acl', { networkAclId });

// --- route tables ---------------------------------------------------------------------------------------

export const addRoute = (routeTableId, route) => post(one('routeTables', routeTableId) + '/routes', route);
export const deleteRoute = (routeTableId, destinationCidrBlock) =>
  del(one('routeTables', routeTableId) + '/routes?' + query({ destinationCidrBlock }));
export const associateRouteTable = (subnetId, routeTableId) =>
  call('PUT', one('subnets', subnetId) + '/route-table', { routeTableId });
export const disassociateRouteTable = (subnetId) => del(one('subnets', subnetId) + '/route-table');

// --- site-to-site VPN -------------------------------------------------------------------------------------

/** The on-premises side's wg-quick file of a VPN connection, as text. */
export const vpnConfiguration = (vpnConnectionId) =>
  call('GET', one('vpnConnections', vpnConnectionId) + '/configuration', undefined, true);
export const attachVpnGateway = (vpnGatewayId, vpcId) => post(one('vpnGateways', vpnGatewayId) + '/attach', { vpcId });
export const detachVpnGateway = (vpnGatewayId) => post(one('vpnGateways', vpnGatewayId) + '/detach');
export const addVpnRoute = (vpnConnectionId, destinationCidrBlock) =>
  post(one('vpnConnections', vpnConnectionId) + '/routes', { destinationCidrBlock });
export const deleteVpnRoute = (vpnConnectionId, destinationCidrBlock) =>
  del(one('vpnConnections', vpnConnectionId) + '/routes?' + query({ destinationCidrBlock }));

// --- diagnostics: probes sent by the source instance's host ----------------------------------------

export const ping = (instanceId, probe) => post(one('instances', instanceId) + '/ping', probe);
export const traceroute = (instanceId, probe) => post(one('instances', instanceId) + '/traceroute', probe);
export const probePort = (instanceId, probe) => post(one('instances', instanceId) + '/port-probe', probe);
/** The reachability analyzer: a path answered from the forwarding tables, no packet sent. */
export const analyzePath = (request) => post(V1 + '/network-insights/paths', request);

/** A bounded burst of broadcast ARP requests from a simulated instance: { target, count }. */
export const broadcastBurst = (instanceId, burst) => post(one('instances', instanceId) + '/broadcast-burst', burst);
/** ARP suppression of every subnet of a VPC, on (true) or off. */
export const setArpSuppression = (vpcId, on) =>
  call('PUT', one('vpcs', vpcId) + '/arp-suppression', { arpSuppression: on });

/** Runs a command in an instance (admin): a netns instance runs it in its namespace. */
export const execInInstance = (instanceId, command, timeoutSeconds = 10) =>
  post(one('instances', instanceId) + '/exec', { command, timeoutSeconds });
export const getInstance = (instanceId) => get(one('instances', instanceId));
/** Live migration: the instance moves to another host and keeps its IP and MAC. */
export const moveInstance = (instanceId, hostId) => call('PATCH', one('instances', instanceId), { hostId });

// --- figures reported by the agents (null before the first report) --------------------------------

export const hostStats = (hostId) => getOrNull(one('hosts', hostId) + '/stats');
export const forwardingTable = (hostId) => get(one('hosts', hostId) + '/forwarding-table');
export const natGatewayFigures = (natGatewayId) => getOrNull(one('natGateways', natGatewayId) + '/figures');
export const natGatewaySessions = (natGatewayId) => getOrNull(one('natGateways', natGatewayId) + '/sessions');

// --- packet captures --------------------------------------------------------------------------------

export const listCaptures = async () => (await get(collection('captures'))).items;
export const getCapture = (captureId) => get(one('captures', captureId));
export const stopCapture = (captureId) => post(one('captures', captureId) + '/stop');

/** A stopped capture's pcap with the server's file name (a plain link could not send the token). */
export async function capturePcap(captureId) {
  const response = await fetch(one('captures', captureId) + '/pcap', { headers: authorization() });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem.code, problem.detail || 'download refused');
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const fileName = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || `${captureId}.pcap`;
  return { fileName, blob: await response.blob() };
}

// --- flow logs ---------------------------------------------------------------------------------------

/** One page of a flow log's records, filtered ({ interfaceId, address, port, action, maxResults, nextToken }). */
export const flowLogRecords = (flowLogId, filter = {}) => get(one('flowLogs', flowLogId) + '/records?' + query(filter));

/** Every held record in the AWS text format, as a file (a plain link could not send the token). */
export async function flowLogText(flowLogId) {
  const response = await fetch(one('flowLogs', flowLogId) + '/download', { headers: authorization() });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem.code, problem.detail || 'download refused');
  }
  return { fileName: `${flowLogId}.log`, blob: await response.blob() };
}
