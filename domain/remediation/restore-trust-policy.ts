import type { Finding } from '../findings';
import { lastKnownGoodKey } from './ledger-record';
import { decodedDocument, PRINCIPAL_READS, sameJson } from './iam-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * `UpdateAssumeRolePolicy` that opened a role's trust policy → put back the ledger's
 * last-known-good trust policy; undo puts the saved current one (DESIGN.md §5). IAM events carry
 * only the new document and IAM keeps no history of trust policies, so without a last-known-good
 * document there is no exact prior state: the role is quarantined instead (the fallback).
 */

/** The live facts the planner needs. */
export interface TrustState {
  readonly roleName: string;
  readonly roleArn: string;
  /** The current trust policy, decoded. */
  readonly current: string;
  readonly lastKnownGood?: string;
}

/** The plan for a re-read state. Pure. */
export function planTrustRestore(finding: Finding, state: TrustState): Prepared {
  const { roleName, roleArn, current, lastKnownGood } = state;
  if (lastKnownGood === undefined) return { kind: 'fallback', reason: `no last-known-good trust policy of ${roleArn} in the ledger` };
  if (sameJson(lastKnownGood, current)) return { kind: 'none', reason: `the trust policy of ${roleArn} is already its last-known-good document` };
  const plan: Plan = {
    remediationId: restoreTrustPolicy.id,
    findingId: finding.id,
    steps: [
      {
        step: 'restore-trust-policy',
        target: roleArn,
        call: { action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: roleName, PolicyDocument: lastKnownGood } },
        inverse: { action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: roleName, PolicyDocument: current } },
      },
    ],
  };
  return {
    kind: 'plan',
    plan,
    priorState: { 'trust-policy': current },
    resourceArn: roleArn,
    revertsChange: true,
    // The last-known-good document was judged good and the current one is not: the change widened.
    widened: true,
    change: { label: `trust policy of ${roleArn}`, before: lastKnownGood, after: current },
  };
}

/** Put back the last-known-good trust policy of a role. */
export const restoreTrustPolicy: Remediation = {
  id: 'restore-trust-policy',
  title: 'Restore the last-known-good trust policy',
  permissions: ['iam:UpdateAssumeRolePolicy', ...PRINCIPAL_READS],
  undoPermissions: ['iam:UpdateAssumeRolePolicy'],

  appliesTo(finding: Finding): boolean {
    return finding.subject?.kind === 'role' && finding.trigger?.eventName === 'UpdateAssumeRolePolicy' && finding.category === 'trust-policy';
  },

  async prepare(finding, context) {
    const subject = finding.subject;
    const iam = context.readers.iam;
    if (subject === undefined || iam === undefined) return { kind: 'none', reason: 'no role or no IAM state to read' };
    const role = await iam.getRole(subject.name);
    if (role === undefined) return { kind: 'none', reason: `${subject.arn} no longer exists` };
    const good = await context.ledger.lastKnownGood(lastKnownGoodKey(role.arn, 'trust-policy'));
    return planTrustRestore(finding, {
      roleName: role.name,
      roleArn: role.arn,
      current: decodedDocument(role.trustPolicy),
      ...(good === undefined ? {} : { lastKnownGood: good.document }),
    });
  },
};
