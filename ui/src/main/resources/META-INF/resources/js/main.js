// Wires the screens together: token, navigation, and the topology snapshot that feeds every screen.
// A screen may have show() and hide(): its own polling runs only while it shows.
import { token, setToken } from './api.js';
import { clearError } from './dom.js';
import { startTopology } from './topology.js';
import { startResources } from './resources.js';
import { startDiagnostics } from './diagnostics.js';
import { startLessons } from './lessons/index.js';
import { startFigures } from './figures.js';
import { startFlowLogs } from './flowlogs.js';

const $ = (id) => document.getElementById(id);

function showScreen(screens, name) {
  for (const button of document.querySelectorAll('nav button')) {
    if (button.dataset.screen === name) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  for (const screen of document.querySelectorAll('.screen')) screen.hidden = screen.id !== 'screen-' + name;
  for (const [key, screen] of Object.entries(screens)) {
    if (key === name) screen.show?.();
    else screen.hide?.();
  }
  if (name === 'topology' && window.cy) {
    window.cy.resize();
    window.cy.fit(undefined, 30);
  }
  // replaceState, not location.hash: a hash naming an element id would move the keyboard's place to it
  history.replaceState(null, '', '#' + name);
}

function start() {
  const tokenInput = $('token');
  tokenInput.value = token();
  $('token-state').textContent = token()
    ? 'token remembered'
    : 'paste the admin token the server printed at start (also in ./data/admin-token), or a tenant token';
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(tokenInput.value);
    $('token-state').textContent = 'token saved';
    clearError();
    topology.refresh();
  });

  const resources = startResources($('resource-tabs'), $('resource-panel'));
  const diagnostics = startDiagnostics($('diagnostics'));
  const lessons = startLessons($('lessons'));
  const figures = startFigures($('figures'));
  const flowlogs = startFlowLogs($('flowlogs'));
  const topology = startTopology($('cy'), $('topology-summary'), (world) => {
    resources.onWorld(world);
    diagnostics.onWorld(world);
    lessons.onWorld(world);
    figures.onWorld(world);
    flowlogs.onWorld(world);
  });
  const screens = { topology, resources, diagnostics, flowlogs, figures, lessons };
  for (const button of document.querySelectorAll('nav button'))
    button.addEventListener('click', () => showScreen(screens, button.dataset.screen));
  showScreen(screens, (location.hash || '#topology').slice(1));
}

start();
