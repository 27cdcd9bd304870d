import { detectIamDeps } from '../infra/deps/detect-iam';
import { createDetectorHandler } from '../infra/runtime/detector-handler';

/** IAM changes routed by the `aws.iam` rule: re-read the principal, evaluate, publish findings. */
export const handler = createDetectorHandler('detectIam', () => detectIamDeps());
