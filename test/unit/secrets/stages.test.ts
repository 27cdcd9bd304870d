import { classifyVariable, secretRules } from '../../../domain/secrets';
import { FakeSecrets } from '../../fixtures/secrets/generate';

const g = new FakeSecrets(42);

describe('stage 0: normalisation', () => {
  it.each([
    ['an empty value', 'DB_PASSWORD', ''],
    ['blank space', 'API_KEY', '   '],
    ['an empty JSON object', 'CONFIG', '{}'],
  ])('%s is decided at stage 0', (_name, key, value) => {
    expect(classifyVariable(key, value)).toMatchObject({ verdict: 'not-secret', stage: 0 });
  });

  it('looks inside JSON arrays, nested objects and URLs inside JSON', () => {
    const value = JSON.stringify({ services: [{ name: 'a', url: `postgres://u:${g.password()}@db/x` }] });
    expect(classifyVariable('SERVICES', value)).toMatchObject({ verdict: 'secret', kind: 'database-url' });
  });

  it('reads `;`-separated connection strings field by field', () => {
    expect(classifyVariable('CONN', `Host=db;Username=app;Password=${g.password()}`)).toMatchObject({ kind: 'password', stage: 3 });
    expect(classifyVariable('CONN', 'Host=db;Username=app;Password=;')).toMatchObject({ verdict: 'not-secret' });
  });

  it('reads query parameters of URLs by their names', () => {
    expect(classifyVariable('EXPORT_URL', `https://x.example.com/e?token=${g.alnum(32)}`)).toMatchObject({ verdict: 'secret', kind: 'token' });
    expect(classifyVariable('EXPORT_URL', 'https://x.example.com/e?format=csv&page=2')).toMatchObject({ verdict: 'not-secret' });
  });

  it('does not mistake base64 padding for a key=value field', () => {
    expect(classifyVariable('LOGO', 'YWJjZGVm==')).not.toMatchObject({ verdict: 'secret' });
  });
});

describe('stage 1: known formats win over everything after', () => {
  it.each([
    ['a token under a config name', 'POWERTOOLS_SERVICE_NAME', () => `ghp_${g.alnum(36)}`],
    ['a token under a reference name', 'GITHUB_TOKEN_ARN', () => `ghp_${g.alnum(36)}`],
    ['a token inside free text', 'NOTE', () => `use npm_${g.alnum(36)} to publish`],
  ])('%s is still a secret', (_name, key, value) => {
    expect(classifyVariable(key, value())).toMatchObject({ verdict: 'secret', stage: 1 });
  });

  it('reports an AWS access key id alone as low severity', () => {
    expect(classifyVariable('AWS_ACCESS_KEY_ID', `AKIA${g.base32(16)}`)).toMatchObject({ kind: 'aws-access-key-id', severity: 'low' });
  });

  it('reports an AWS key pair in one value as critical', () => {
    const value = JSON.stringify({ accessKeyId: `AKIA${g.base32(16)}`, secretAccessKey: g.base64(40) });
    expect(classifyVariable('AWS', value)).toMatchObject({ kind: 'aws-access-key-pair', severity: 'critical', ruleId: secretRules.awsCredentials });
  });

  it('does not report Stripe publishable keys', () => {
    expect(classifyVariable('STRIPE_KEY', `pk_live_${g.alnum(24)}`).verdict).toBe('not-secret');
  });

  it('needs a real password in database URLs', () => {
    expect(classifyVariable('DATABASE_URL', 'postgres://user:@host/db').verdict).toBe('not-secret');
    expect(classifyVariable('DATABASE_URL', 'postgres://user:${PASSWORD}@host/db').verdict).toBe('not-secret');
    expect(classifyVariable('DATABASE_URL', 'postgres://user:%24%7BPASSWORD%7D@host/db').verdict).toBe('not-secret');
    expect(classifyVariable('DATABASE_URL', `postgres://user:${g.password()}@host/db`)).toMatchObject({ kind: 'database-url', stage: 1 });
  });

  it('does not read a port after a host as a password', () => {
    expect(classifyVariable('SERVICE_URL', 'https://host.example.com:8443/path?email=a@b.com').verdict).toBe('not-secret');
  });

  it('ignores tokens that are filler (xxxx, EXAMPLE)', () => {
    expect(classifyVariable('STRIPE_SECRET_KEY', `sk_live_${'x'.repeat(24)}`).verdict).toBe('not-secret');
    expect(classifyVariable('AWS_ACCESS_KEY_ID', `AKIAIOSFODNN7${'EXAMPLE'}`).verdict).toBe('not-secret');
  });
});

describe('stage 2: not secrets, whatever the name says', () => {
  it.each([
    ['MYSQL_ALLOW_EMPTY_PASSWORD', 'yes', 'boolean'],
    ['DB_PASSWORD', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf', 'arn'],
    ['DB_PASSWORD', '{{resolve:secretsmanager:db:SecretString:password}}', 'template'],
    ['DB_PASSWORD', '*******', 'placeholder'],
    ['API_KEY', '<your-api-key>', 'placeholder'],
    ['API_KEY', 'REDACTED', 'placeholder'],
    ['SECRET', `AQICAHh${'Ab12'.repeat(30)}`, 'kms-ciphertext'],
    ['TOKEN_PATH', '/prod/app/token', 'path'],
    ['AWS_CA_BUNDLE', '/etc/ssl/ca.pem', 'path'],
    ['PASSWORD_MAX_AGE', '90d', 'duration'],
    ['SECRETS_REGION', 'eu-central-1', 'region'],
  ])('%s=%s is not a secret (%s)', (key, value, reason) => {
    expect(classifyVariable(key, value)).toMatchObject({ verdict: 'not-secret', stage: 2, reason });
  });

  it('dismisses UUIDs unless the name says secret', () => {
    const uuid = g.uuid();
    expect(classifyVariable('REQUEST', uuid)).toMatchObject({ verdict: 'not-secret', reason: 'uuid' });
    expect(classifyVariable('API_TOKEN', uuid)).toMatchObject({ verdict: 'secret', stage: 3 });
  });

  it('dismisses hashes under COMMIT, SHA, ETAG, CHECKSUM names', () => {
    for (const key of ['COMMIT', 'GIT_SHA', 'ETAG', 'CHECKSUM']) expect(classifyVariable(key, g.hex(40)).verdict).toBe('not-secret');
  });
});

describe('stage 3: names', () => {
  it.each([
    ['DB_SECRET_NAME', 'orders-db'],
    ['API_KEY_ID', g.alnum(20)],
    ['JWT_PUBLIC_KEY', g.base64(60)],
    ['OAUTH_CLIENT_ID', g.alnum(32)],
    ['TOKEN_ENABLED', 'maybe-later'],
    ['SECRET_FILE', 'secret.json'],
    ['PASSWORD_PARAMETER', 'prod-db-password'],
    ['TOKEN_LENGTH', 'thirty-two'],
    ['SESSION_TTL', 'one-hour'],
  ])('%s only refers to a secret', (key, value) => {
    expect(classifyVariable(key, value).verdict).toBe('not-secret');
  });

  it.each([
    ['DB_PASSWORD', 'Tr0ub4dor&3'],
    ['JWT_SECRET', 'k8Hf3LmQ9zR2'],
    ['GITHUB_PAT', 'p4t-f0r-ci-2024'],
    ['AUTH', 'admin:S3cure!pass'],
  ])('%s with a plausible value is a secret', (key, value) => {
    expect(classifyVariable(key, value)).toMatchObject({ verdict: 'secret', stage: 3, ruleId: secretRules.namedSecret });
  });

  it.each([
    ['a config word', 'API_TOKEN', 'disabled'],
    ['a dictionary word', 'SECRET', 'butterfly'],
    ['a short value', 'PASSWORD', 'abc'],
    ['a word identifier', 'SESSION_SECRET', 'session-secret-v2'],
  ])('%s under a secret name is not a secret', (_name, key, value) => {
    expect(classifyVariable(key, value)).toMatchObject({ verdict: 'not-secret' });
  });

  it('believes weak names (KEY, AUTH) only with random-looking values', () => {
    expect(classifyVariable('CACHE_KEY', 'orders-by-customer').verdict).toBe('not-secret');
    expect(classifyVariable('MAPS_KEY', g.alnum(32))).toMatchObject({ verdict: 'secret', kind: 'key' });
  });

  it('reads camelCase and kebab-case names', () => {
    expect(classifyVariable('dbPassword', 'Tr0ub4dor&3')).toMatchObject({ kind: 'password' });
    expect(classifyVariable('x-api-key', g.alnum(32))).toMatchObject({ kind: 'api-key' });
  });
});

describe('stage 4: entropy under neutral names', () => {
  it('reports random tokens with low confidence', () => {
    expect(classifyVariable('PARTNER_VALUE', g.alnum(40))).toMatchObject({ stage: 4, confidence: 'low', severity: 'medium' });
  });

  it.each([
    ['words with a generated suffix', 'FUNCTION', 'orders-prod-OrdersFunction-AbCdEf12GhIj'],
    ['pure hex', 'BUILD_OUTPUT', 'ab'.repeat(20)],
    ['a sentence', 'GREETING', 'Hello there, welcome to the orders service'],
    ['a short token', 'CODE', 'Ab3dE5'],
    ['base64 of a PNG', 'LOGO', `iVBORw0KGgo${'AAAA'.repeat(10)}`],
  ])('leaves %s neutral', (_name, key, value) => {
    expect(classifyVariable(key, value).verdict).not.toBe('secret');
  });
});
