import { detectLambdaDeps } from '../infra/deps/detect-lambda';
import { createDetectorHandler } from '../infra/runtime/detector-handler';

/** Lambda changes routed by the `aws.lambda` rules: re-read the function, evaluate, publish findings. */
export const handler = createDetectorHandler('detectLambda', () => detectLambdaDeps());
