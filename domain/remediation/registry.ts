import type { Finding } from '../findings';
import { detachPolicy } from './detach-policy';
import { killSwitchConcurrency } from './kill-switch-concurrency';
import { quarantinePrincipalRemediation } from './quarantine-principal';
import type { Remediation } from './remediation';
import { removePublicStatements } from './remove-public-statements';
import { restorePolicyVersion } from './restore-policy-version';
import { restoreTrustPolicy } from './restore-trust-policy';
import { revertInlinePolicy } from './revert-inline-policy';
import { setUrlAuthIam } from './set-url-auth-iam';

/**
 * Every remediation Warden can apply, one line each, most specific first: the first that applies
 * to a finding plans it. The contract tests check the remediator's role. The quarantine comes
 * last: it is the fallback for role and user findings no revert handles.
 */
export const remediations: readonly Remediation[] = [
  detachPolicy,
  revertInlinePolicy,
  restorePolicyVersion,
  restoreTrustPolicy,
  setUrlAuthIam,
  removePublicStatements,
  killSwitchConcurrency,
  quarantinePrincipalRemediation,
];

/** The remediation that plans when another one has no exact prior state (DESIGN.md §5). */
export const fallbackRemediation: Remediation = quarantinePrincipalRemediation;

/** The first registered remediation that applies to a finding. */
export function remediationFor(finding: Finding, registry: readonly Remediation[] = remediations): Remediation | undefined {
  return registry.find((remediation) => remediation.appliesTo(finding));
}
