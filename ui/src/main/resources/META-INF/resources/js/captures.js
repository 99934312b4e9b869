// Packet captures: start one at an instance's port or a host's underlay, watch it, stop it, download the pcap.
import { poller } from './poller.js';
import { token, create, remove, listCaptures, stopCapture, capturePcap } from './api.js';
import { el, fill, replaceKeepingFocus, showError, clearError } from './dom.js';

const POLL_MILLIS = 1000;

export function startCaptures(root) {
  let world = { instances: [], hosts: [], tenants: [] };
  const point = el('select', { id: 'cap-point' });
  const maxPackets = el('input', { id: 'cap-max-packets', type: 'number', value: '1000', min: 1, max: 10000, size: 6 });
  const maxSeconds = el('input', { id: 'cap-max-seconds', type: 'number', value: '60', min: 1, max: 600, size: 4 });
  const status = el('p', { id: 'cap-status', role: 'status', 'aria-live': 'polite' });
  const list = el('div', { id: 'captures' });

  async function start() {
    const [kind, id] = point.value.split(':');
    if (!id) {
      status.textContent = 'Pick a port or a host underlay to capture at.';
      return;
    }
    const body = { maxPackets: Number(maxPackets.value), maxSeconds: Number(maxSeconds.value) };
    body[kind === 'host' ? 'hostId' : 'instanceId'] = id;
    try {
      const capture = await create('captures', body);
      clearError();
      status.textContent = `Capture ${capture.captureId} asked of its host's agent.`;
      await polling.now();
    } catch (e) {
      status.textContent = `Capture refused: ${e.message}`;
      showError(e);
    }
  }

  async function act(label, action, done) {
    try {
      const answer = await action();
      clearError();
      status.textContent = done(answer);
    } catch (e) {
      status.textContent = `${label} failed: ${e.message}`;
      showError(e);
    }
    await polling.now();
  }

  let shown = '';
  async function refresh() {
    if (!token()) return;
    let captures;
    try {
      captures = await listCaptures();
    } catch (e) {
      list.textContent = `Captures cannot be listed: ${e.message}`;
      shown = '';
      throw e; // the poller backs off
    }
    const signature = JSON.stringify(captures) + world.instances.length + world.hosts.length;
    if (signature === shown) return;
    shown = signature;
    replaceKeepingFocus(list, render(captures));
  }

  function describe(capture) {
    const t = capture.target;
    if (t.kind === 'underlay') {
      const host = world.hosts.find((h) => h.hostId === t.hostId);
      return `underlay of ${host ? host.name : t.hostId}`;
    }
    const instance = world.instances.find((i) => i.instanceId === t.instanceId);
    return `port of ${instance ? (instance.name || instance.instanceId) + ' ' + instance.privateIpAddress : t.instanceId}`;
  }

  function render(captures) {
    if (captures.length === 0) return el('p', {}, 'No captures yet.');
    return el(
      'table',
      { 'aria-label': 'Captures', id: 'capture-list' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Capture at', 'Status', 'Packets', 'Size', 'Started (UTC)', 'Actions'].map((h) =>
            el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        captures.map((c) =>
          el(
            'tr',
            { 'data-capture': c.captureId, 'data-status': c.status },
            el('td', {}, describe(c)),
            el(
              'td',
              { class: c.status === 'failed' ? 'bad' : c.status === 'stopped' ? 'ok' : '' },
              c.status + (c.stopReason ? ` (${c.stopReason})` : '') + (c.error ? `: ${c.error}` : ''),
            ),
            el('td', { class: 'num' }, c.packets),
            el('td', { class: 'num' }, c.status === 'stopped' ? `${c.bytes} B` : ''),
            el('td', {}, c.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')),
            el(
              'td',
              {},
              c.status === 'starting' || c.status === 'running'
                ? el(
                    'button',
                    {
                      type: 'button',
                      id: `cap-stop-${c.captureId}`,
                      onclick: () =>
                        act(
                          'Stop',
                          () => stopCapture(c.captureId),
                          (s) => `Capture ${s.captureId} ${s.status}: ${s.packets} packets.`,
                        ),
                    },
                    'Stop',
                  )
                : null,
              c.status === 'stopped'
                ? el(
                    'button',
                    {
                      type: 'button',
                      id: `cap-download-${c.captureId}`,
                      onclick: () =>
                        act(
                          'Download',
                          () => download(c.captureId),
                          (name) => `Saved ${name} (${c.packets} packets) to your downloads.`,
                        ),
                    },
                    'Download pcap',
                  )
                : null,
              el(
                'button',
                {
                  type: 'button',
                  id: `cap-delete-${c.captureId}`,
                  onclick: () =>
                    act(
                      'Delete',
                      () => remove('captures', c.captureId),
                      () => `Capture ${c.captureId} and its pcap are deleted.`,
                    ),
                },
                'Delete',
              ),
            ),
          ),
        ),
      ),
    );
  }

  root.append(
    el('h3', {}, 'Packet capture'),
    el(
      'p',
      {},
      "At an instance's port you see the frames as the instance sees them; at a host's underlay (admin token) " +
        "you see the VXLAN datagrams with their outer headers and VNI. The host's agent writes the pcap; open it in Wireshark.",
    ),
    el(
      'div',
      { class: 'create' },
      el('label', { for: 'cap-point' }, 'Capture at', point),
      el('label', { for: 'cap-max-packets' }, 'Max packets', maxPackets),
      el('label', { for: 'cap-max-seconds' }, 'Max seconds', maxSeconds),
      el('button', { type: 'button', id: 'cap-start', onclick: start }, 'Start capture'),
    ),
    status,
    list,
  );

  // Polls only while the diagnostics screen shows: a running capture's packet count moves every second.
  const polling = poller(refresh, { every: POLL_MILLIS });

  return {
    show: polling.start,
    hide: polling.stop,
    onWorld(next) {
      world = next;
      fill(point, [
        ...world.instances.map((i) => ({
          value: 'instance:' + i.instanceId,
          label: `port of ${i.name || i.instanceId} ${i.privateIpAddress}`,
        })),
        ...world.hosts.map((h) => ({ value: 'host:' + h.hostId, label: `underlay of host ${h.name}` })),
      ]);
    },
  };
}

/** Saves a stopped capture's pcap under the server's file name. */
async function download(captureId) {
  const { fileName, blob } = await capturePcap(captureId);
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}
