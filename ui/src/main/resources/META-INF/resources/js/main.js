// Wires the screens together: sign-in, navigation by URL, and the topology snapshot that feeds every screen.
// A screen may have show(), hide() and route(route): its own polling runs only while it shows, and route() hands
// it the URL's selection (on load, on a link, on Back and Forward).
import { token, setToken, forgetToken, tokenRole } from './api.js';
import { clearError } from './dom.js';
import { currentRoute, navigate, onRoute } from './route.js';
import { startTopology } from './topology.js';
import { startResources } from './resources.js';
import { startDiagnostics } from './diagnostics.js';
import { startLessons } from './lessons/index.js';
import { startFigures } from './figures.js';
import { startFlowLogs } from './flowlogs.js';

const $ = (id) => document.getElementById(id);

function showScreen(screens, route) {
  const name = screens[route.screen] ? route.screen : 'topology';
  for (const button of document.querySelectorAll('nav button')) {
    if (button.dataset.screen === name) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  for (const screen of document.querySelectorAll('.screen')) screen.hidden = screen.id !== 'screen-' + name;
  for (const [key, screen] of Object.entries(screens)) {
    if (key === name) screen.show?.();
    else screen.hide?.();
  }
  screens[name].route?.(route);
}

/** The sign-in panel instead of the screens: on the first visit, after signing out, and when a token is refused. */
function signedOut(message) {
  $('sign-in').hidden = false;
  $('session').hidden = true;
  document.body.classList.add('signed-out');
  $('token-state').textContent = message || '';
  $('token').focus();
}

function signedIn(role) {
  $('sign-in').hidden = true;
  $('session').hidden = false;
  document.body.classList.remove('signed-out');
  $('session-state').textContent =
    role === 'admin' ? 'signed in as admin' : role === 'tenant' ? 'signed in with a tenant token' : 'signed in';
  $('token-state').textContent = '';
}

function start() {
  let topology = null;
  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    setToken($('token').value);
    $('token').value = '';
    try {
      signedIn(await tokenRole());
      clearError();
      topology.refresh();
    } catch (e) {
      forgetToken();
      signedOut(
        e.status === 401
          ? 'The server refused this token (HTTP 401). Check it and try again.'
          : 'Could not reach the server: ' + e.message,
      );
    }
  });
  $('sign-out').addEventListener('click', () => {
    forgetToken();
    signedOut('Signed out.');
  });

  const resources = startResources($('resource-tabs'), $('resource-panel'));
  const diagnostics = startDiagnostics($('diagnostics'));
  const lessons = startLessons($('lessons'));
  const figures = startFigures($('figures'));
  const flowlogs = startFlowLogs($('flowlogs'));
  topology = startTopology(
    { graph: $('cy'), summary: $('topology-summary'), filters: $('topology-filters'), details: $('details') },
    (world) => {
      resources.onWorld(world);
      diagnostics.onWorld(world);
      lessons.onWorld(world);
      figures.onWorld(world);
      flowlogs.onWorld(world);
    },
    () => signedOut('The server refused the token (HTTP 401): sign in again.'),
  );
  const screens = { topology, resources, diagnostics, flowlogs, figures, lessons };
  for (const button of document.querySelectorAll('nav button'))
    button.addEventListener('click', () => navigate({ screen: button.dataset.screen }));
  onRoute((route) => showScreen(screens, route));
  showScreen(screens, currentRoute());
  if (!token()) signedOut();
  else {
    signedIn('');
    tokenRole().then(signedIn, (e) => {
      if (e.status === 401) signedOut('The remembered token was refused: sign in again.');
    });
  }
}

start();
