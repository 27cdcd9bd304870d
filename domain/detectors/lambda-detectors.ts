import type { Detector } from './detector';
import { DetectorRegistry } from './detector-registry';
import { lambdaExemptionTagChange } from './exemption-tag-change';
import { lambdaPublicAccess } from './lambda-public-access';
import { lambdaSecretEnvironment } from './lambda-secret-environment';

/**
 * The detectors `detectLambda` runs: the same objects as in registry.ts (a unit test checks the two
 * lists agree), imported here alone so that the function's bundle leaves out the IAM engine and its
 * action catalogue, which none of them needs.
 */
export const lambdaDetectors: readonly Detector[] = [lambdaExemptionTagChange, lambdaSecretEnvironment, lambdaPublicAccess];

/** The registry `detectLambda` serves. */
export function lambdaRegistry(): DetectorRegistry {
  return new DetectorRegistry(lambdaDetectors);
}
