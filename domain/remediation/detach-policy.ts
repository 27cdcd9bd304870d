import type { Finding } from '../findings';
import { QUARANTINE_POLICY_PATH, QUARANTINE_POLICY_PREFIX } from './quarantine';
import { nameParam, PRINCIPAL_READS, principalOfFinding, readPrincipal, triggerParam, type PrincipalRef } from './iam-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * `Attach*Policy` of an over-broad policy → detach it; undo re-attaches it (DESIGN.md §5). The
 * policy itself is not touched (other principals may use it). Warden's own quarantine policies
 * are never detached by this remediation.
 */

const TRIGGERS: Readonly<Record<string, string>> = { AttachRolePolicy: 'Role', AttachUserPolicy: 'User', AttachGroupPolicy: 'Group' };

/** The live facts the planner needs. */
export interface DetachState {
  readonly principal: PrincipalRef;
  readonly policyArn: string;
  /** Whether the policy is attached right now (re-read). */
  readonly attached: boolean;
}

/** The plan for a re-read state. Pure. */
export function planDetach(finding: Finding, state: DetachState): Prepared {
  const { principal, policyArn } = state;
  if (!state.attached) return { kind: 'none', reason: `${policyArn} is no longer attached to ${principal.arn}` };
  const params = { ...nameParam(principal), PolicyArn: policyArn };
  const plan: Plan = {
    remediationId: detachPolicy.id,
    findingId: finding.id,
    steps: [
      {
        step: 'detach-policy',
        target: principal.arn,
        call: { action: `iam:Detach${principal.kind}Policy`, params },
        inverse: { action: `iam:Attach${principal.kind}Policy`, params },
      },
    ],
  };
  return { kind: 'plan', plan, priorState: { attachedPolicyArn: policyArn }, resourceArn: principal.arn, revertsChange: true };
}

function isQuarantinePolicy(arn: string): boolean {
  return arn.includes(`:policy${QUARANTINE_POLICY_PATH}${QUARANTINE_POLICY_PREFIX}`);
}

/** Detach the over-broad managed policy the event attached. */
export const detachPolicy: Remediation = {
  id: 'detach-policy',
  title: 'Detach the over-broad managed policy',
  permissions: ['iam:DetachRolePolicy', 'iam:DetachUserPolicy', 'iam:DetachGroupPolicy', ...PRINCIPAL_READS],
  undoPermissions: ['iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:AttachGroupPolicy'],

  appliesTo(finding: Finding): boolean {
    const trigger = finding.trigger;
    const principal = principalOfFinding(finding);
    const arn = triggerParam(finding, 'policyArn');
    return trigger !== undefined && principal !== undefined && TRIGGERS[trigger.eventName] === principal.kind && arn !== undefined && !isQuarantinePolicy(arn);
  },

  async prepare(finding, context) {
    const principal = principalOfFinding(finding);
    const policyArn = triggerParam(finding, 'policyArn');
    if (principal === undefined || policyArn === undefined) return { kind: 'none', reason: 'finding names no principal or policy' };
    const live = await readPrincipal(principal, context.readers);
    if (live === undefined) return { kind: 'none', reason: `${principal.arn} no longer exists` };
    const attached = live.attachedPolicies.some((policy) => policy.arn === policyArn);
    return planDetach(finding, { principal, policyArn, attached });
  },
};
