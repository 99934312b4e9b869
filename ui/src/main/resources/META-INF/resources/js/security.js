// Security groups and network ACLs on the Resources screen: their rules in words, and the dialogs that change them.
import {
  addSecurityGroupRule,
  revokeSecurityGroupRule,
  instanceSecurityGroups,
  setInstanceSecurityGroups,
  addNetworkAclEntry,
  deleteNetworkAclEntry,
  associateNetworkAcl,
} from './api.js';
import { askForm } from './dialog.js';

const PROTOCOLS = ['tcp', 'udp', 'icmp', '-1'];
const choices = (values) => values.map((v) => ({ value: v, label: v }));

/** "tcp 5432", "tcp 8000-8080", "icmp type 8", "all traffic": what a rule or entry admits, as a console shows it. */
export function traffic(protocol, fromPort, toPort) {
  if (protocol === '-1') return 'all traffic';
  if (protocol === 'icmp') {
    if (fromPort === undefined || fromPort === -1) return 'icmp';
    return `icmp type ${fromPort}` + (toPort === undefined || toPort === -1 ? '' : ` code ${toPort}`);
  }
  return fromPort === toPort ? `${protocol} ${fromPort}` : `${protocol} ${fromPort}-${toPort}`;
}

/** One line per rule, inbound first: "in tcp 5432 from sg-0abc", "out all traffic to 0.0.0.0/0". */
export function ruleLines(group) {
  const line = (rule, word, preposition) =>
    `${word} ${traffic(rule.ipProtocol, rule.fromPort, rule.toPort)} ${preposition} ${rule.cidrIp || rule.referencedGroupId}`;
  return [
    ...(group.ingressRules || []).map((r) => line(r, 'in', 'from')),
    ...(group.egressRules || []).map((r) => line(r, 'out', 'to')),
  ];
}

/** One line per entry in evaluation order: "in 100 allow tcp 22 from 10.0.0.0/16". */
export function entryLines(acl) {
  return (acl.entries || []).map(
    (e) =>
      `${e.direction === 'ingress' ? 'in' : 'out'} ${e.ruleNumber === 32767 ? '*' : e.ruleNumber} ${e.ruleAction} ` +
      `${traffic(e.protocol, e.fromPort, e.toPort)} ${e.direction === 'ingress' ? 'from' : 'to'} ${e.cidrBlock}`,
  );
}

const portFields = [
  { name: 'fromPort', label: 'From port (icmp: type, -1 any)', placeholder: '5432' },
  { name: 'toPort', label: 'To port (icmp: code, -1 any)', placeholder: '5432' },
];

/** Port fields as the API takes them: numbers, left out for "-1" and where empty. */
function ports(values) {
  const body = {};
  if (values.protocol === '-1') return body;
  for (const name of ['fromPort', 'toPort']) if (values[name] !== '') body[name] = Number(values[name]);
  return body;
}

const integer = (value) => value === '' || /^-?\d+$/.test(value);

/** Adds an inbound or outbound rule; the peer is a CIDR or another group of the VPC (or of a peered VPC). */
export async function addRule(group, world) {
  const groups = (world ? world.securityGroups : []).filter((g) => g.groupId !== group.groupId);
  const answer = await askForm({
    id: 'sg-rule',
    title: `Add a rule to ${group.groupName}`,
    intro: `${group.groupId} in ${group.vpcId}: security groups allow only; replies of an allowed flow pass.`,
    fields: [
      { name: 'direction', label: 'Direction', options: choices(['ingress', 'egress']) },
      { name: 'protocol', label: 'Protocol', options: choices(PROTOCOLS) },
      ...portFields,
      { name: 'cidrIp', label: 'CIDR (or choose a group below)', placeholder: '10.0.0.0/16' },
      {
        name: 'referencedGroupId',
        label: 'Group',
        options: [
          { value: '', label: '(none)' },
          { value: group.groupId, label: `${group.groupName} (this group)` },
          ...groups.map((g) => ({ value: g.groupId, label: `${g.groupName} ${g.groupId} (${g.vpcId})` })),
        ],
      },
    ],
    submitLabel: 'Add rule',
    validate: (v) => {
      if (!v.cidrIp === !v.referencedGroupId) return 'Give either a CIDR or a group.';
      if (!integer(v.fromPort) || !integer(v.toPort)) return 'Ports are whole numbers.';
      return null;
    },
  });
  if (!answer) return;
  const rule = { direction: answer.direction, ipProtocol: answer.protocol, ...ports(answer) };
  if (answer.cidrIp) rule.cidrIp = answer.cidrIp;
  else rule.referencedGroupId = answer.referencedGroupId;
  await addSecurityGroupRule(group.groupId, rule);
}

/**
 * Asks for one of {@code choices} ([{ value, label }]) in a dialog; answers its value, or null when cancelled.
 * {@code none} is the message when there is nothing to choose.
 */
async function chooseOne({ id, title, intro, label, choices, none, submitLabel }) {
  const answer = await askForm({
    id,
    title,
    intro,
    fields: [{ name: 'choice', label, options: [{ value: '', label: '(choose)' }, ...choices] }],
    submitLabel,
    validate: (v) => (v.choice ? null : choices.length === 0 ? none : `Choose ${label.toLowerCase()}.`),
  });
  return answer ? answer.choice : null;
}

/** Revokes one of the group's rules, chosen by its description in words. */
export async function revokeRule(group) {
  const rules = [...(group.ingressRules || []), ...(group.egressRules || [])];
  const lines = ruleLines(group);
  const ruleId = await chooseOne({
    id: 'sg-revoke',
    title: `Revoke a rule of ${group.groupName}`,
    intro: 'Flows already tracked stay up until they idle out, as in AWS.',
    label: 'Rule',
    choices: rules.map((r, i) => ({ value: r.securityGroupRuleId, label: `${lines[i]} (${r.securityGroupRuleId})` })),
    none: 'This group has no rule.',
    submitLabel: 'Revoke',
  });
  if (ruleId) await revokeSecurityGroupRule(group.groupId, ruleId);
}

/** Chooses the 1..5 groups of an instance among those of its VPC. */
export async function chooseGroups(instance, world) {
  const subnet = world ? world.subnets.find((s) => s.subnetId === instance.subnetId) : null;
  const groups = world ? world.securityGroups.filter((g) => subnet && g.vpcId === subnet.vpcId) : [];
  const current = await instanceSecurityGroups(instance.instanceId);
  const answer = await askForm({
    id: 'instance-groups',
    title: `Security groups of ${instance.name || instance.instanceId}`,
    intro: 'One to five groups of the instance\u2019s VPC (Ctrl or Shift chooses several).',
    fields: [
      {
        name: 'securityGroupIds',
        label: 'Groups',
        multiple: true,
        selected: current,
        options: groups.map((g) => ({ value: g.groupId, label: `${g.groupName} ${g.groupId}` })),
      },
    ],
    submitLabel: 'Save',
    validate: (v) => {
      const count = v.securityGroupIds ? v.securityGroupIds.split(',').length : 0;
      return count >= 1 && count <= 5 ? null : 'Choose one to five groups.';
    },
  });
  if (answer) await setInstanceSecurityGroups(instance.instanceId, answer.securityGroupIds.split(','));
}

/** Adds a numbered entry; lower numbers are evaluated first and the first match decides. */
export async function addEntry(acl) {
  const answer = await askForm({
    id: 'acl-entry',
    title: `Add an entry to ${acl.networkAclId}`,
    intro: 'Network ACLs are stateless: replies need their own entries (ephemeral ports 1024-65535).',
    fields: [
      { name: 'ruleNumber', label: 'Rule number (1-32766)', placeholder: '100' },
      { name: 'direction', label: 'Direction', options: choices(['ingress', 'egress']) },
      { name: 'ruleAction', label: 'Action', options: choices(['allow', 'deny']) },
      { name: 'protocol', label: 'Protocol', options: choices(PROTOCOLS) },
      ...portFields,
      { name: 'cidrBlock', label: 'CIDR', placeholder: '0.0.0.0/0' },
    ],
    submitLabel: 'Add entry',
    validate: (v) => {
      if (!/^\d+$/.test(v.ruleNumber)) return 'The rule number is a whole number.';
      if (!v.cidrBlock) return 'Give a CIDR.';
      if (!integer(v.fromPort) || !integer(v.toPort)) return 'Ports are whole numbers.';
      return null;
    },
  });
  if (!answer) return;
  await addNetworkAclEntry(acl.networkAclId, {
    ruleNumber: Number(answer.ruleNumber),
    direction: answer.direction,
    ruleAction: answer.ruleAction,
    protocol: answer.protocol,
    cidrBlock: answer.cidrBlock,
    ...ports(answer),
  });
}

/** Deletes one numbered entry (the final `*` deny stays). */
export async function deleteEntry(acl) {
  const entries = (acl.entries || []).filter((e) => e.ruleNumber !== 32767);
  const lines = entryLines({ entries });
  const entry = await chooseOne({
    id: 'acl-delete',
    title: `Delete an entry of ${acl.networkAclId}`,
    intro: 'A change applies to every packet at once, flows already open included.',
    label: 'Entry',
    choices: entries.map((e, i) => ({ value: `${e.direction}/${e.ruleNumber}`, label: lines[i] })),
    none: 'This ACL has no numbered entry.',
    submitLabel: 'Delete entry',
  });
  if (!entry) return;
  const [direction, ruleNumber] = entry.split('/');
  await deleteNetworkAclEntry(acl.networkAclId, direction, ruleNumber);
}

/** Makes a subnet of the ACL's VPC use this ACL (a subnet has exactly one). */
export async function associateSubnet(acl, world) {
  const subnets = world ? world.subnets.filter((s) => s.vpcId === acl.vpcId) : [];
  const subnetId = await chooseOne({
    id: 'acl-associate',
    title: `Associate ${acl.networkAclId}`,
    intro: 'The subnet leaves the ACL it uses now.',
    label: 'Subnet',
    choices: subnets.map((s) => ({ value: s.subnetId, label: `${s.name || s.subnetId} ${s.cidrBlock}` })),
    none: 'This VPC has no subnet.',
    submitLabel: 'Associate',
  });
  if (subnetId) await associateNetworkAcl(subnetId, acl.networkAclId);
}
