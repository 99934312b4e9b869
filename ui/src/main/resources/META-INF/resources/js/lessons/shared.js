// What the lessons share: the wire's limits, the one-click sample topology, the pair of instances a lesson uses,
// and the agents' forwarding tables.
import { listAll, create, forwardingTable } from '../api.js';
import { el, showError, clearError } from '../dom.js';

export const VLAN_ID_LIMIT = 4094; // 12-bit VLAN ID, 0 and 4095 reserved (IEEE 802.1Q)
export const VNI_LIMIT = 16777215; // 24-bit VXLAN Network Identifier (RFC 7348)
export const VXLAN_OVERHEAD = 50; // outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
export const DOT1Q_OVERHEAD = 4; // TPID 2 + TCI 2

// Tenant names must be unique: two one-click setups within one second (two lessons) must not collide.
export const stamp = () =>
  new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(4, 17) +
  '-' +
  Math.random().toString(36).slice(2, 5);

/** A tenant, a VPC, one subnet and one simulated instance per connected host: the sample for lessons 2-4. */
async function setupSample(status) {
  const hosts = await listAll('hosts');
  if (hosts.length === 0)
    throw new Error('no hosts registered: start the server with --demo, or register an agent first');
  const tenant = await create('tenants', { name: 'lesson-' + stamp() });
  const vpc = await create('vpcs', { tenantId: tenant.tenantId, name: 'lesson', cidrBlock: '10.20.0.0/16' });
  const subnet = await create('subnets', { vpcId: vpc.vpcId, name: 'lesson-a', cidrBlock: '10.20.1.0/24' });
  let n = 0;
  for (const host of hosts) {
    for (let k = 0; k < 2; k++) {
      await create('instances', {
        subnetId: subnet.subnetId,
        hostId: host.hostId,
        kind: 'simulated',
        name: `lesson-${++n}`,
      });
    }
  }
  status.textContent = `Created tenant ${tenant.name}: VPC 10.20.0.0/16, subnet 10.20.1.0/24, ${n} instances on ${hosts.length} hosts.`;
  return subnet;
}

/** The one-click setup; {@code onCreated} gets the sample's subnet. */
export function setupButton(id, onCreated = () => {}) {
  const status = el('span', { role: 'status', id: id + '-status' });
  const button = el(
    'button',
    {
      type: 'button',
      id,
      onclick: async () => {
        try {
          onCreated(await setupSample(status));
          clearError();
        } catch (e) {
          showError(e);
        }
      },
    },
    'Set up a sample topology',
  );
  return [button, ' ', status];
}

export function pickPair(instances) {
  for (const a of instances) {
    const b = instances.find((x) => x !== a && x.subnetId === a.subnetId && x.hostId !== a.hostId);
    if (b) return [a, b];
  }
  return instances.length >= 2 ? [instances[0], instances[1]] : [null, null];
}

/** Every host's forwarding table as its agent holds it (null where it cannot be read). */
export async function agentTables(w) {
  return Promise.all(
    w.hosts.map(async (host) => ({ host, table: await forwardingTable(host.hostId).catch(() => null) })),
  );
}
