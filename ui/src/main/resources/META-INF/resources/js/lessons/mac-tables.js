// Lesson 3, MAC tables at the core: one entry per instance with VLANs, one per VTEP with VXLAN.
import { el, showError } from '../dom.js';
import { setupButton, agentTables } from './shared.js';

export function macTableLesson(world) {
  const out = el('div', { id: 'mac-tables', role: 'status' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-macs', 'aria-labelledby': 'lesson-macs-title' },
    el('h3', { id: 'lesson-macs-title' }, 'MAC tables at the core'),
    el(
      'p',
      {},
      `With VLANs the core switches forward the tenants' own frames, so they learn the MAC of every instance
      in every VLAN. With VXLAN the core only sees the outer headers: one MAC per VTEP (host). The tenants' MACs live in
      the agents' tables instead, and each agent holds only the segments it serves.`,
    ),
    setupButton('macs-setup'),
    ' ',
    el(
      'button',
      {
        type: 'button',
        id: 'macs-count',
        onclick: async () => {
          try {
            out.replaceChildren(...(await macTables(world())));
          } catch (e) {
            showError(e);
          }
        },
      },
      'Count from the current topology',
    ),
    out,
  );
  return { node };
}

async function macTables(w) {
  if (!w) return [el('p', {}, 'Topology not loaded yet.')];
  const vteps = new Set(w.instances.map((i) => i.hostId)).size;
  const perHost = await agentTables(w);
  return [
    el(
      'p',
      { id: 'macs-core' },
      `Core switch with VLANs: `,
      el('strong', { id: 'macs-vlan' }, w.instances.length),
      ` MAC entries (one per instance). With VXLAN: `,
      el('strong', { id: 'macs-vxlan' }, vteps),
      ` (one per VTEP with instances).`,
    ),
    el(
      'table',
      { 'aria-label': 'Entries per agent' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['host', 'local ports', 'remote MAC entries', 'IP bindings', 'segments', 'generation'].map((h) =>
            el('th', { scope: 'col' }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        perHost.map(({ host, table }) =>
          el(
            'tr',
            {},
            el('td', {}, host.name),
            ...(table
              ? [table.ports, table.macs, table.bindings, table.segments]
                  .map((x) => el('td', {}, (x || []).length))
                  .concat(el('td', {}, table.generation))
              : [el('td', { colspan: 5 }, 'no table')]),
          ),
        ),
      ),
    ),
  ];
}
