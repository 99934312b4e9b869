// The only way the UI talks to the server: the public REST API with the bearer token.

const TOKEN_KEY = 'vpclab.token';

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

export async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + token() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // problem+json: code is the stable name, detail the sentence for humans.
    throw new ApiError(response.status, json && json.code, json && (json.detail || json.title));
  }
  return json;
}

export const get = path => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const del = path => call('DELETE', path);

/** Every item of a paged list (AWS-style nextToken). */
export async function listAll(path) {
  const items = [];
  let next = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await get(path + separator + 'maxResults=1000' + (next ? '&nextToken=' + encodeURIComponent(next) : ''));
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

/** The whole visible world in one object; lists a token may not read come back empty. */
export async function snapshot() {
  const optional = path => listAll(path).catch(e => { if (e.status === 403) return []; throw e; });
  const [tenants, hosts, vpcs, subnets, instances, eips, natGateways, peerings, whitelists] = await Promise.all([
    optional('/api/v1/tenants'), optional('/api/v1/hosts'), listAll('/api/v1/vpcs'), listAll('/api/v1/subnets'),
    listAll('/api/v1/instances'), listAll('/api/v1/eips'), listAll('/api/v1/nat-gateways'),
    listAll('/api/v1/peerings'), listAll('/api/v1/whitelists')]);
  return { tenants, hosts, vpcs, subnets, instances, eips, natGateways, peerings, whitelists };
}
