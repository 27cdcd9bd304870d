import type { QuarantineStyle } from './quarantine';
import type { Finding } from '../findings';
import { InvalidInputError } from '../errors';
import { buildQuarantinePolicy, quarantinePolicyArn, quarantinePolicyArnPattern, quarantinePrincipal, quarantineSteps, type QuarantinePolicy } from './quarantine';
import { PRINCIPAL_READS } from './iam-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * Quarantine (DESIGN.md §5): Warden's deny policy attached to a role or user that has no exact
 * prior state to return to, or whose breadth no revert can remove. Surgical (the dangerous actions
 * the finding names, plus the ways out) or deny-all, by configuration; optionally revoking older
 * sessions. Undo detaches and deletes the policy.
 *
 * One quarantine per principal: the plan's ledger key is the principal, not the finding
 * (`quarantine:<principal ARN>`), so fifty findings of one event on one role share one record,
 * and a principal already carrying its quarantine policy is not quarantined again.
 */

/** The ledger key (the plan's `findingId`) of a principal's quarantine. */
export function quarantineKey(principalArn: string): string {
  return `quarantine:${principalArn}`;
}

/** The dangerous actions a finding names (catalogue names or `service:*`); empty when it names none completely. */
export function dangerousActionsOf(finding: Finding): string[] {
  if (finding.category === 'trust-policy' || finding.category === 'admin-equivalent') return [];
  const evidence = finding.evidence;
  const count = evidence['actionCount'];
  const listed = Array.isArray(evidence['actions']) ? evidence['actions'] : [];
  if (typeof count === 'number' && count > listed.length) return []; // a capped list: surgical would miss some
  const actions = new Set<string>();
  collectActions(evidence, actions, 0);
  if (finding.ruleId === 'iam-passrole-unrestricted') actions.add('iam:PassRole');
  return [...actions].sort();
}

function collectActions(value: unknown, into: Set<string>, depth: number): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectActions(item, into, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const item of asStrings(record['actions'])) if (/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(item)) into.add(item);
  for (const service of asStrings(record['services'])) if (/^[a-z0-9-]+$/.test(service)) into.add(`${service}:*`);
  for (const key of ['paths', 'statements']) collectActions(record[key], into, depth + 1);
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The live facts the planner needs. */
export interface QuarantineState {
  readonly principalArn: string;
  /** The quarantine policy is attached already. */
  readonly attached: boolean;
  /** The quarantine policy exists already (left by an earlier, partly undone quarantine). */
  readonly policyExists: boolean;
  readonly style: QuarantineStyle;
  readonly revokeSessionsBefore?: Date;
}

function build(finding: Finding, state: QuarantineState): { policy: QuarantinePolicy; note?: string } {
  const actions = dangerousActionsOf(finding);
  const style: QuarantineStyle = state.style === 'surgical' && actions.length > 0 ? 'surgical' : 'deny-all';
  const note = state.style === 'surgical' && style === 'deny-all' ? 'the finding names no complete action list: deny-all' : undefined;
  const revoke = state.revokeSessionsBefore === undefined ? {} : { revokeSessionsBefore: state.revokeSessionsBefore };
  try {
    return { policy: buildQuarantinePolicy({ principalArn: state.principalArn, style, dangerousActions: actions, ...revoke }), ...(note === undefined ? {} : { note }) };
  } catch (error) {
    if (!(error instanceof InvalidInputError) || style === 'deny-all') throw error;
    // Unknown or too many actions: deny-all is the safe superset.
    return { policy: buildQuarantinePolicy({ principalArn: state.principalArn, style: 'deny-all', dangerousActions: [] }), note: `surgical quarantine impossible (${error.message}): deny-all` };
  }
}

/** The plan for a re-read state. Pure. */
export function planQuarantine(finding: Finding, state: QuarantineState): Prepared {
  if (state.attached) return { kind: 'none', reason: `${state.principalArn} is already quarantined` };
  const { policy } = build(finding, state);
  const steps = quarantineSteps(policy);
  // A policy left in place by an earlier quarantine is only re-attached (and kept on undo).
  const plan: Plan = { remediationId: quarantinePrincipalRemediation.id, findingId: quarantineKey(state.principalArn), steps: state.policyExists ? steps.slice(1) : steps };
  return {
    kind: 'plan',
    plan,
    priorState: { quarantinePolicyArn: policy.policyArn, quarantinePolicyExisted: state.policyExists, quarantineStyle: policy.document.Statement[0]?.Sid === 'WardenQuarantineDenyAll' ? 'deny-all' : 'surgical' },
    resourceArn: state.principalArn,
    revertsChange: false,
  };
}

/** Attach Warden's deny policy to the role or user. */
export const quarantinePrincipalRemediation: Remediation = {
  id: 'quarantine-principal',
  title: "Quarantine the principal with Warden's deny policy",
  permissions: ['iam:CreatePolicy', 'iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions', 'iam:ListPolicies', ...PRINCIPAL_READS],
  undoPermissions: ['iam:DetachRolePolicy', 'iam:DetachUserPolicy', 'iam:DeletePolicy'],

  appliesTo(finding: Finding): boolean {
    const kind = finding.subject?.kind;
    return (kind === 'role' || kind === 'user') && finding.ruleId.startsWith('iam-');
  },

  async prepare(finding, context) {
    const subject = finding.subject;
    const iam = context.readers.iam;
    if (subject === undefined || iam === undefined || (subject.kind !== 'role' && subject.kind !== 'user')) return { kind: 'none', reason: 'quarantine needs a role or user and IAM state' };
    const live = subject.kind === 'role' ? await iam.getRole(subject.name) : await iam.getUser(subject.name);
    if (live === undefined) return { kind: 'none', reason: `${subject.arn} no longer exists` };
    const policyArn = quarantinePolicyArn(quarantinePrincipal(live.arn));
    const existing = await iam.getManagedPolicy(policyArn);
    const { style, revokeSessions } = context.config.quarantine;
    return planQuarantine(finding, {
      principalArn: live.arn,
      attached: live.attachedPolicies.some((policy) => policy.arn === policyArn),
      policyExists: existing !== undefined,
      style,
      ...(revokeSessions ? { revokeSessionsBefore: context.now } : {}),
    });
  },
};

/** The pattern of every quarantine policy ARN, for the remediate role's scoping. */
export const QUARANTINE_POLICY_ARNS = quarantinePolicyArnPattern();
