import type { Finding } from '../findings';
import type { Remediation } from './remediation';

/** Every remediation Warden can apply, one line each. The contract tests check the remediator's role. */
export const remediations: readonly Remediation[] = [];

/** The first registered remediation that applies to a finding. */
export function remediationFor(finding: Finding, registry: readonly Remediation[] = remediations): Remediation | undefined {
  return registry.find((remediation) => remediation.appliesTo(finding));
}
