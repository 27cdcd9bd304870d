import type { Finding } from '../findings';
import { lastKnownGoodKey } from './ledger-record';
import { decodedDocument, sameJson, triggerParam } from './iam-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * `CreatePolicyVersion` (as default) or `SetDefaultPolicyVersion` that made a managed policy
 * over-broad → set the previous version as the default again (DESIGN.md §5). The bad version is
 * kept as evidence: nothing is created or deleted, so IAM's limit of five versions per policy is
 * never hit by Warden (a later CreatePolicyVersion by someone else may need to delete one).
 *
 * Which version: the one whose document is the ledger's last-known-good default document, else
 * the highest version older than the current default (the baseline the detector judged against).
 * Undo sets the saved default back.
 */

const TRIGGERS = new Set(['CreatePolicyVersion', 'SetDefaultPolicyVersion']);

/** One version with its decoded document when it was read. */
export interface VersionInfo {
  readonly versionId: string;
  readonly document?: string;
}

/** The live facts the planner needs. */
export interface PolicyVersionState {
  readonly policyArn: string;
  readonly defaultVersionId: string;
  /** The default document, decoded. */
  readonly defaultDocument: string;
  readonly versions: readonly VersionInfo[];
  readonly lastKnownGood?: string;
}

function versionNumber(id: string): number {
  return Number(id.replace(/^v/i, ''));
}

/** The version to restore: the last-known-good one, else the newest older than the default. */
export function previousVersion(state: PolicyVersionState): VersionInfo | undefined {
  const others = state.versions.filter((version) => version.versionId !== state.defaultVersionId);
  const good = state.lastKnownGood;
  if (good !== undefined) {
    const match = others.find((version) => version.document !== undefined && sameJson(version.document, good));
    if (match !== undefined) return match;
  }
  const current = versionNumber(state.defaultVersionId);
  return others.filter((version) => versionNumber(version.versionId) < current).sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId))[0];
}

/** The plan for a re-read state. Pure. */
export function planVersionRestore(finding: Finding, state: PolicyVersionState): Prepared {
  const { policyArn, defaultVersionId } = state;
  if (state.lastKnownGood !== undefined && sameJson(state.lastKnownGood, state.defaultDocument)) {
    return { kind: 'none', reason: `the default version of ${policyArn} is its last-known-good document` };
  }
  const previous = previousVersion(state);
  if (previous === undefined) return { kind: 'none', reason: `${policyArn} has no earlier version to restore` };
  const plan: Plan = {
    remediationId: restorePolicyVersion.id,
    findingId: finding.id,
    steps: [
      {
        step: 'set-default-version',
        target: policyArn,
        call: { action: 'iam:SetDefaultPolicyVersion', params: { PolicyArn: policyArn, VersionId: previous.versionId } },
        inverse: { action: 'iam:SetDefaultPolicyVersion', params: { PolicyArn: policyArn, VersionId: defaultVersionId } },
      },
    ],
  };
  return {
    kind: 'plan',
    plan,
    priorState: { defaultVersionId, restoredVersionId: previous.versionId, 'default-version': state.defaultDocument },
    resourceArn: policyArn,
    revertsChange: true,
    change: { label: `default version of ${policyArn} (${previous.versionId} → ${defaultVersionId})`, ...(previous.document === undefined ? {} : { before: previous.document }), after: state.defaultDocument },
  };
}

/** Set the previous default version of the over-broad managed policy again. */
export const restorePolicyVersion: Remediation = {
  id: 'restore-policy-version',
  title: 'Restore the previous default policy version',
  permissions: ['iam:SetDefaultPolicyVersion', 'iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
  undoPermissions: ['iam:SetDefaultPolicyVersion'],

  appliesTo(finding: Finding): boolean {
    return finding.subject?.kind === 'policy' && finding.trigger !== undefined && TRIGGERS.has(finding.trigger.eventName);
  },

  async prepare(finding, context) {
    const policyArn = finding.subject?.arn ?? triggerParam(finding, 'policyArn');
    const iam = context.readers.iam;
    if (policyArn === undefined || iam === undefined) return { kind: 'none', reason: 'no policy or no IAM state to read' };
    const policy = await iam.getManagedPolicy(policyArn);
    if (policy === undefined) return { kind: 'none', reason: `${policyArn} no longer exists` };
    const versions: VersionInfo[] = [];
    for (const version of policy.versions) {
      const raw = version.document ?? (version.isDefault ? policy.document : await iam.getPolicyVersion(policyArn, version.versionId));
      versions.push({ versionId: version.versionId, ...(raw === undefined ? {} : { document: decodedDocument(raw) }) });
    }
    const good = await context.ledger.lastKnownGood(lastKnownGoodKey(policyArn, 'default-version'));
    return planVersionRestore(finding, {
      policyArn,
      defaultVersionId: policy.defaultVersionId,
      defaultDocument: decodedDocument(policy.document),
      versions,
      ...(good === undefined ? {} : { lastKnownGood: good.document }),
    });
  },
};
