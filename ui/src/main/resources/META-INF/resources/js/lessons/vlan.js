// Lesson 1, VLAN vs VXLAN: creates /28 subnets until the control plane refuses one (VLAN mode) or goes past 4094 (VXLAN).
import { listAll, create, removeTenantWithEverything } from '../api.js';
import { el, showError } from '../dom.js';
import { withPollersHeld } from '../poller.js';
import { VLAN_ID_LIMIT, VNI_LIMIT, stamp } from './shared.js';

export function vlanLesson() {
  const progress = el('p', { id: 'vlan-progress', class: 'progress', role: 'status', 'aria-live': 'polite' });
  const verdict = el('p', { id: 'vlan-verdict', role: 'status' });
  const node = el(
    'section',
    { class: 'lesson', id: 'lesson-vlan', 'aria-labelledby': 'lesson-vlan-title' },
    el('h3', { id: 'lesson-vlan-title' }, 'VLAN vs VXLAN: 4094 segments, or 16 million'),
    el(
      'p',
      {},
      `An 802.1Q tag carries a 12-bit VLAN ID: 4096 values, of which 0 and 4095 are reserved, so a switched
      network has at most ${VLAN_ID_LIMIT} broadcast domains, shared by every tenant. A VXLAN header carries a 24-bit VNI:
      ${VNI_LIMIT.toLocaleString('en')} segments. VPC Lab gives every subnet one segment. Start a server in VLAN mode on
      its own data with
      `,
      el(
        'code',
        {},
        'java -jar control-plane/target/vpclab-server.jar --vpclab.segmentation=vlan --vpclab.data-dir=./data-vlan',
      ),
      `
      (sign in with the token in `,
      el('code', {}, './data-vlan/admin-token'),
      `; VLAN IDs and VNIs share the wire, so
      the mode belongs to the data and a server refuses data that holds subnets of the other mode) and this lesson
      creates /28 subnets until the control plane refuses the 4095th; in the default VXLAN mode the same button
      allocates past ${VLAN_ID_LIMIT} without a refusal.`,
    ),
    el(
      'button',
      // thousands of subnets: the one-second snapshot of the whole network waits until the run ends
      { type: 'button', id: 'vlan-run', onclick: () => withPollersHeld(() => runVlan(progress, verdict)) },
      'Create subnets until the limit',
    ),
    ' ',
    el('button', { type: 'button', id: 'vlan-clean', onclick: () => cleanVlan(progress) }, 'Clean up lesson tenants'),
    progress,
    verdict,
  );
  return { node };
}

/** The n-th /28 of the lesson: 4096 fit in one /16, so every 4096 subnets the lesson opens another VPC. */
function lessonCidr(n) {
  const inVpc = n % 4096;
  return `10.${Math.floor(n / 4096)}.${inVpc >> 4}.${(inVpc & 15) * 16}/28`;
}

/**
 * Creates one subnet; a request that got no HTTP answer (the browser's fetch failed on the way) is sent again,
 * up to three times. An answered refusal is final: it is what the lesson is looking for.
 */
async function createSubnet(body) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create('subnets', body);
    } catch (e) {
      if (e.status !== undefined || attempt === 3) throw e;
    }
  }
}

async function runVlan(progress, verdict) {
  verdict.textContent = '';
  verdict.dataset.result = 'running';
  try {
    const tenant = await create('tenants', { name: 'lesson-vlan-' + stamp() });
    const vpcs = [];
    const vpcFor = async (index) => {
      if (!vpcs[index]) {
        vpcs[index] = create('vpcs', {
          tenantId: tenant.tenantId,
          name: `lesson-vlan-${index}`,
          cidrBlock: `10.${index}.0.0/16`,
        });
      }
      return vpcs[index];
    };
    const first = await create('subnets', { vpcId: (await vpcFor(0)).vpcId, cidrBlock: lessonCidr(0) });
    const mode = first.segmentation;
    const goal = mode === 'vlan' ? Infinity : VLAN_ID_LIMIT + 200; // VXLAN: show it goes past the VLAN ceiling
    let created = 1;
    let highest = first.segmentId;
    let refusal = null;
    let next = 1;
    const started = performance.now();
    // Four requests in flight: the server serialises per VPC anyway, this hides the round trips.
    async function worker() {
      while (!refusal && next < goal && next < 4096 * 8) {
        const n = next++;
        try {
          const subnet = await createSubnet({
            vpcId: (await vpcFor(Math.floor(n / 4096))).vpcId,
            cidrBlock: lessonCidr(n),
          });
          created++;
          highest = Math.max(highest, subnet.segmentId);
          if (created % 50 === 0)
            progress.textContent = `${mode.toUpperCase()} mode: ${created} subnets created, highest segment ID ${highest}`;
        } catch (e) {
          refusal = refusal || e;
        }
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    progress.textContent = `${mode.toUpperCase()} mode: ${created} subnets created in ${seconds} s, highest segment ID ${highest}.`;
    verdict.dataset.mode = mode;
    verdict.dataset.highest = String(highest);
    if (refusal) {
      verdict.dataset.result = 'refused';
      verdict.dataset.code = refusal.code || '';
      verdict.className = 'bad';
      verdict.textContent =
        refusal.status === undefined
          ? `The lesson stopped: a request got no answer three times (${refusal.message}).`
          : `The next subnet was refused: ${refusal.detail} (code ${refusal.code}, HTTP ${refusal.status}).` +
            (mode === 'vlan' ? ` A 12-bit VLAN ID ends at ${VLAN_ID_LIMIT}.` : '');
    } else {
      verdict.dataset.result = 'not-refused';
      verdict.className = 'ok';
      verdict.textContent = `VXLAN mode went past ${VLAN_ID_LIMIT} segments with no refusal (VNIs go up to ${VNI_LIMIT.toLocaleString('en')}).`;
    }
  } catch (e) {
    verdict.dataset.result = 'failed';
    showError(e);
  }
}

/** Every tenant a lesson made (this one's and the sample setups' of the others), with all it holds. */
async function cleanVlan(progress) {
  try {
    const tenants = (await listAll('tenants')).filter((t) => t.name.startsWith('lesson-'));
    for (const tenant of tenants) {
      progress.textContent = `Deleting lesson tenant ${tenant.name} ...`;
      await removeTenantWithEverything(tenant.tenantId);
    }
    progress.textContent = `Removed ${tenants.length} lesson tenants and everything they held.`;
  } catch (e) {
    showError(e);
  }
}
