import type { Detector } from './detector';
import { DetectorRegistry } from './detector-registry';
import { iamExemptionTagChange, lambdaExemptionTagChange } from './exemption-tag-change';
import { iamManagedPolicyChange } from './iam-managed-policy-change';
import { iamPrincipalChange } from './iam-principal-change';
import { lambdaPublicAccess } from './lambda-public-access';
import { lambdaSecretEnvironment } from './lambda-secret-environment';

/**
 * Every detector Warden runs, one line each. The contract tests check that each trigger has an
 * EventBridge rule in serverless.yml and that each function's role grants the detectors' permissions.
 */
export const detectors: readonly Detector[] = [
  iamPrincipalChange,
  iamManagedPolicyChange,
  iamExemptionTagChange,
  lambdaExemptionTagChange,
  lambdaSecretEnvironment,
  lambdaPublicAccess,
];

// The class lives in its own module so that a Lambda bundle can build a registry of only its own
// detectors without pulling in every detector's code (see lambda-detectors.ts).
export { DetectorRegistry } from './detector-registry';

/** The registry of everything registered above. */
export const defaultRegistry = new DetectorRegistry(detectors);
