import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOTO_TEST_TIMEOUT_MS, motoEndpoint } from './moto';

/**
 * Jest setupFiles of the integration project (runs before each test file): points the standard
 * AWS SDK configuration at this worker's moto server, so adapters are built exactly as in
 * production (AWS_ENDPOINT_URL is honoured natively by SDK v3) and can never reach a real account.
 */
for (const name of Object.keys(process.env)) {
  // Service-specific endpoints (AWS_ENDPOINT_URL_IAM, …) would win over AWS_ENDPOINT_URL.
  if (name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
}
const inherited = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_DEFAULT_REGION',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
];
for (const name of inherited) {
  delete process.env[name];
}
Object.assign(process.env, {
  AWS_ENDPOINT_URL: motoEndpoint(),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  // A developer's ~/.aws files must not change what the tests talk to.
  AWS_CONFIG_FILE: join(tmpdir(), 'warden-tests-no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'warden-tests-no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  // Handlers log through Powertools; keep test output to jest's own.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

// A reset reloads moto's ~1,300 AWS-managed policies (about 2 s), well past jest's 5 s default
// once a suite seeds a few resources on top. (A project-level testTimeout is not honoured by jest 30.)
jest.setTimeout(MOTO_TEST_TIMEOUT_MS);
