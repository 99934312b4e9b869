// The URL names the screen and what is selected on it, so a view can be linked, reloaded, and left with Back:
// #screen[/part...][?key=value&...], e.g. #topology?tenant=t-1&node=i-2 or #resources/instances/i-2.

const listeners = new Set();

/** The route of a hash: { screen, path: [...], params: { key: value } }. */
export function parseRoute(hash) {
  const text = (hash || '').replace(/^#/, '');
  const [where, query = ''] = text.split('?', 2);
  const [screen, ...path] = where
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const params = {};
  for (const pair of query.split('&').filter((p) => p !== '')) {
    const [key, value = ''] = pair.split('=', 2);
    params[decodeURIComponent(key)] = decodeURIComponent(value);
  }
  return { screen: screen || 'topology', path, params };
}

/** The hash of a route; empty params are left out. */
export function routeHash({ screen, path = [], params = {} }) {
  const query = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return '#' + [screen, ...path].map(encodeURIComponent).join('/') + (query ? '?' + query : '');
}

export const currentRoute = () => parseRoute(location.hash);

/**
 * Goes to a route: a new history entry (Back returns here), or with replace the current one is rewritten (a
 * choice not worth a Back step). pushState rather than location.hash: a hash naming an element id would move
 * the keyboard's place to it. Listeners hear every change, as they do for Back and Forward.
 */
export function navigate(route, { replace = false } = {}) {
  const hash = routeHash(route);
  if (hash === location.hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  announce();
}

/** Calls listener(route) on every change of the route, whether by navigate() or by Back and Forward. */
export function onRoute(listener) {
  listeners.add(listener);
}

function announce() {
  const route = currentRoute();
  for (const listener of listeners) listener(route);
}

window.addEventListener('popstate', announce);
