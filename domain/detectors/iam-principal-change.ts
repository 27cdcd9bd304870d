import type { Change } from '../events';
import type { Finding } from '../findings';
import { analyzePrincipal, compareAccess, type PrincipalPolicies, type PrincipalPolicy } from '../policy';
import type { StateReaders } from '../ports';
import type { Detector, Loaded } from './detector';
import { toFinding, triggerOf, stringParam } from './finding-factory';
import {
  decodeFromEvent,
  isAwsManagedArn,
  loadPrincipalState,
  principalArn,
  principalOf,
  resolveManagedPolicy,
  targetOf,
  type LoadedPrincipal,
  type PrincipalTarget,
} from './iam/load-principal';

const putPolicy = ['PutRolePolicy', 'PutUserPolicy', 'PutGroupPolicy'];
const attachPolicy = ['AttachRolePolicy', 'AttachUserPolicy', 'AttachGroupPolicy'];
const triggerKeys = ['roleName', 'userName', 'groupName', 'policyName', 'policyArn', 'permissionsBoundary'];

/** What the detector evaluates: the principal after the change, and its baseline if one is known. */
export interface PrincipalChangeState {
  readonly after: LoadedPrincipal;
  /** The principal before the change, derived by removing what the change added; absent when unknown. */
  readonly before?: PrincipalPolicies | 'none';
  readonly baseline: 'derived-from-event' | 'new-principal' | 'unknown';
}

/**
 * IAM changes to a principal's permissions or trust: re-reads the role, user or group with every
 * inline, attached and group policy, its boundary and trust policy, and reports every over-breadth
 * category of DESIGN.md §3.1 with evidence, marking whether this change widened access.
 */
export const iamPrincipalChange: Detector<PrincipalChangeState> = {
  metadata: {
    id: 'iam-principal-change',
    title: 'IAM principal made over-broad',
    category: 'iam',
    severity: 'critical',
    risk: 'An over-broad role, user or group lets whoever holds it (or can assume it) reach far more than its job needs: in the worst case the whole account.',
    fix: 'Grant the specific actions on the specific resources the workload needs; scope trust policies to known principals with restricting conditions.',
  },
  runsIn: 'detectIam',
  trigger: {
    source: 'aws.iam',
    eventNames: [...putPolicy, ...attachPolicy, 'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary', 'AddUserToGroup', 'CreateRole', 'UpdateAssumeRolePolicy'],
  },
  permissions: [
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:GetUser',
    'iam:GetUserPolicy',
    'iam:ListUserPolicies',
    'iam:ListAttachedUserPolicies',
    'iam:ListGroupsForUser',
    'iam:GetGroup',
    'iam:GetGroupPolicy',
    'iam:ListGroupPolicies',
    'iam:ListAttachedGroupPolicies',
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
  ],

  async load(change: Change, readers: StateReaders): Promise<Loaded<PrincipalChangeState>> {
    const target = targetOf(change);
    if (target === undefined) return { status: 'unresolved', reason: `${change.eventName} names no role, user or group` };
    const loaded = readers.iam ? await loadPrincipalState(target, change, readers) : await fromEvent(target, change, readers);
    if (loaded.status !== 'resolved') return loaded;
    return { status: 'resolved', state: withBaseline(change, loaded.state) };
  },

  evaluate(change: Change, state: PrincipalChangeState): readonly Finding[] {
    const issues = analyzePrincipal(state.after.principal);
    if (issues.length === 0) return [];
    const widened = state.before === undefined ? undefined : compareAccess(state.before === 'none' ? undefined : state.before, state.after.principal).widened;
    const evidence = { judgedFrom: state.after.judgedFrom, baseline: state.baseline };
    return issues.map((issue) => toFinding(issue, change, { subject: state.after.subject, trigger: triggerOf(change, triggerKeys), evidence, ...(widened === undefined ? {} : { widened }) }));
  },
};

/** Without IAM state, judges the document or policy the event itself carries (DESIGN.md §7). */
async function fromEvent(target: PrincipalTarget, change: Change, readers: StateReaders): Promise<Loaded<LoadedPrincipal>> {
  const arn = principalArn(change, target);
  const eventOnly = (policies: PrincipalPolicy[], trust?: Parameters<typeof principalOf>[6]): Loaded<LoadedPrincipal> => ({
    status: 'resolved',
    state: principalOf(target.kind, arn, target.name, change, policies, {}, trust, 'event'),
  });
  if (putPolicy.includes(change.eventName)) {
    const decoded = decodeFromEvent(change.requestParameters.policyDocument, 'policyDocument');
    if (!decoded.ok) return { status: 'unresolved', reason: decoded.reason };
    return eventOnly([{ name: stringParam(change, 'policyName') ?? 'inline', source: 'inline', document: decoded.document }]);
  }
  if (attachPolicy.includes(change.eventName)) return attachedFromEvent(change, readers, eventOnly);
  if (change.eventName === 'CreateRole' || change.eventName === 'UpdateAssumeRolePolicy') {
    const field = change.eventName === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument';
    const decoded = decodeFromEvent(change.requestParameters[field], field);
    if (!decoded.ok) return { status: 'unresolved', reason: decoded.reason };
    return eventOnly([], decoded.document);
  }
  return { status: 'unresolved', reason: `${change.eventName} needs IAM state (use --snapshot or --live)` };
}

async function attachedFromEvent(
  change: Change,
  readers: StateReaders,
  eventOnly: (policies: PrincipalPolicy[]) => Loaded<LoadedPrincipal>,
): Promise<Loaded<LoadedPrincipal>> {
  const policyArn = stringParam(change, 'policyArn');
  if (policyArn === undefined) return { status: 'unresolved', reason: `${change.eventName} carries no policyArn` };
  if (!isAwsManagedArn(policyArn)) return { status: 'unresolved', reason: `needs the document of customer policy ${policyArn} (use --snapshot or --live)` };
  const policy = await resolveManagedPolicy(policyArn, readers);
  if (policy === undefined) return { status: 'unresolved', reason: `AWS-managed policy ${policyArn} is not in the bundled set` };
  const decoded = decodeFromEvent(policy.document, policyArn);
  if (!decoded.ok) return { status: 'unresolved', reason: decoded.reason };
  return eventOnly([{ name: policy.name, arn: policyArn, source: 'managed', document: decoded.document }]);
}

/**
 * The principal before the change, where the event says exactly what was added: an attachment,
 * a group membership, a new role. An inline Put may have overwritten an earlier document, and a
 * boundary or trust change replaces something the event does not show: those stay unknown until
 * the ledger's last-known-good state answers them.
 */
function withBaseline(change: Change, after: LoadedPrincipal): PrincipalChangeState {
  const principal = after.principal;
  if (change.eventName === 'CreateRole') return { after, before: 'none', baseline: 'new-principal' };
  if (attachPolicy.includes(change.eventName)) {
    const arn = stringParam(change, 'policyArn');
    return { after, before: { ...principal, policies: principal.policies.filter((p) => !(p.arn === arn && (p.source === 'managed' || p.source === 'group-managed'))) }, baseline: 'derived-from-event' };
  }
  const group = stringParam(change, 'groupName');
  if (change.eventName === 'AddUserToGroup' && group !== undefined) {
    const fromGroup = (p: PrincipalPolicy): boolean => (p.source === 'group-inline' || p.source === 'group-managed') && p.name.startsWith(`${group}/`);
    return { after, before: { ...principal, policies: principal.policies.filter((p) => !fromGroup(p)) }, baseline: 'derived-from-event' };
  }
  return { after, baseline: 'unknown' };
}
