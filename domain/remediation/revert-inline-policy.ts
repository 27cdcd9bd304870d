import type { Finding } from '../findings';
import { lastKnownGoodKey } from './ledger-record';
import { decodedDocument, nameParam, PRINCIPAL_READS, principalOfFinding, readPrincipal, sameJson, statementRefs, triggerParam, type PrincipalRef } from './iam-targets';
import type { Plan, PlanStep } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * `Put*Policy` of an over-broad inline policy (DESIGN.md §5):
 * - the ledger holds a last-known-good document of that inline policy (an overwrite) → put it
 *   back; undo puts the saved current document;
 * - no last-known-good document (a new inline policy) → delete it, the document saved in the
 *   ledger; undo puts the saved document.
 * Both are reverts; the decision runs them only for a change that widened access. When the
 * finding does not say, this remediation judges it: the event wrote exactly the document the
 * finding cites (a last-known-good document differs from it, or the finding's statements are in
 * it), so the event is what granted the access. When the finding cites other policies only,
 * removing this one would not fix the principal: the fallback (quarantine) applies.
 */

const TRIGGERS: Readonly<Record<string, string>> = { PutRolePolicy: 'Role', PutUserPolicy: 'User', PutGroupPolicy: 'Group' };

/** The live facts the planner needs. */
export interface InlineState {
  readonly principal: PrincipalRef;
  readonly policyName: string;
  /** The current document, decoded; undefined when the inline policy is gone. */
  readonly current?: string;
  /** The last-known-good document, decoded, when the ledger has one. */
  readonly lastKnownGood?: string;
}

function putCall(principal: PrincipalRef, policyName: string, document: string): PlanStep['call'] {
  return { action: `iam:Put${principal.kind}Policy`, params: { ...nameParam(principal), PolicyName: policyName, PolicyDocument: document } };
}

/** True when the finding's statements are (at least partly) in this inline policy. */
function citesPolicy(finding: Finding, policyName: string): boolean {
  return statementRefs(finding.evidence).some((ref) => ref.source === 'inline' && ref.policy === policyName);
}

/** The plan for a re-read state. Pure. */
export function planInlineRevert(finding: Finding, state: InlineState): Prepared {
  const { principal, policyName, current, lastKnownGood } = state;
  if (current === undefined) return { kind: 'none', reason: `inline policy ${policyName} of ${principal.arn} no longer exists` };
  const label = `inline policy ${policyName} of ${principal.arn}`;
  if (lastKnownGood !== undefined) {
    if (sameJson(lastKnownGood, current)) return { kind: 'none', reason: `${label} already has its last-known-good document` };
    const step: PlanStep = { step: 'restore-inline-policy', target: principal.arn, call: putCall(principal, policyName, lastKnownGood), inverse: putCall(principal, policyName, current) };
    return prepared(finding, principal, step, { [`inline:${policyName}`]: current }, { label, before: lastKnownGood, after: current });
  }
  if (!citesPolicy(finding, policyName)) return { kind: 'fallback', reason: `the finding is not (only) caused by ${label}` };
  const step: PlanStep = {
    step: 'delete-inline-policy',
    target: principal.arn,
    call: { action: `iam:Delete${principal.kind}Policy`, params: { ...nameParam(principal), PolicyName: policyName } },
    inverse: putCall(principal, policyName, current),
  };
  return prepared(finding, principal, step, { [`inline:${policyName}`]: current }, { label, after: current });
}

function prepared(finding: Finding, principal: PrincipalRef, step: PlanStep, priorState: Record<string, string>, change: { label: string; before?: string; after: string }): Prepared {
  const plan: Plan = { remediationId: revertInlinePolicy.id, findingId: finding.id, steps: [step] };
  return { kind: 'plan', plan, priorState, resourceArn: principal.arn, revertsChange: true, widened: true, change };
}

/** Put back the last-known-good inline document, or delete a new over-broad inline policy. */
export const revertInlinePolicy: Remediation = {
  id: 'revert-inline-policy',
  title: 'Revert the over-broad inline policy',
  permissions: ['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy', 'iam:DeleteRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteGroupPolicy', ...PRINCIPAL_READS],
  undoPermissions: ['iam:PutRolePolicy', 'iam:PutUserPolicy', 'iam:PutGroupPolicy'],

  appliesTo(finding: Finding): boolean {
    const trigger = finding.trigger;
    const principal = principalOfFinding(finding);
    return trigger !== undefined && principal !== undefined && TRIGGERS[trigger.eventName] === principal.kind && triggerParam(finding, 'policyName') !== undefined;
  },

  async prepare(finding, context) {
    const principal = principalOfFinding(finding);
    const policyName = triggerParam(finding, 'policyName');
    if (principal === undefined || policyName === undefined) return { kind: 'none', reason: 'finding names no principal or inline policy' };
    const live = await readPrincipal(principal, context.readers);
    if (live === undefined) return { kind: 'none', reason: `${principal.arn} no longer exists` };
    const raw = live.inlinePolicies.find((policy) => policy.name === policyName)?.document;
    const good = await context.ledger.lastKnownGood(lastKnownGoodKey(principal.arn, `inline:${policyName}`));
    return planInlineRevert(finding, {
      principal,
      policyName,
      ...(raw === undefined ? {} : { current: decodedDocument(raw) }),
      ...(good === undefined ? {} : { lastKnownGood: good.document }),
    });
  },
};
