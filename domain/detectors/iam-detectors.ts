import type { Detector } from './detector';
import { DetectorRegistry } from './detector-registry';
import { iamExemptionTagChange } from './exemption-tag-change';
import { iamManagedPolicyChange } from './iam-managed-policy-change';
import { iamPrincipalChange } from './iam-principal-change';

/**
 * The detectors `detectIam` runs: the same objects as in registry.ts (a unit test checks the two
 * lists agree), imported here alone so that the function's bundle leaves out the secrets scanner
 * and the exposure analysis, which none of them needs.
 */
export const iamDetectors: readonly Detector[] = [iamPrincipalChange, iamManagedPolicyChange, iamExemptionTagChange];

/** The registry `detectIam` serves. */
export function iamRegistry(): DetectorRegistry {
  return new DetectorRegistry(iamDetectors);
}
