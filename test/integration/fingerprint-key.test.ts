import { SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, WardenError } from '../../domain/errors';
import { fingerprintSecretFromEnv, SecretFingerprintKey, secretReferenceName } from '../../infra/aws/fingerprint-key';
import { FileFingerprintKey } from '../../infra/config/fingerprint-key-file';
import { createSecret } from './detectors/lambda-fixtures';
import { resetMoto } from './moto';

beforeAll(async () => {
  await resetMoto();
});

describe('SecretFingerprintKey (Secrets Manager through Parameter Store, against moto)', () => {
  it('reads the generated secret through /aws/reference/secretsmanager/', async () => {
    await createSecret('warden-test-fingerprint-key', 'generated-key-0123456789abcdefghij');
    const key = new SecretFingerprintKey('warden-test-fingerprint-key', new SSMClient({}));
    await expect(key.fingerprintKey()).resolves.toBe('generated-key-0123456789abcdefghij');
    expect(secretReferenceName('warden-test-fingerprint-key')).toBe('/aws/reference/secretsmanager/warden-test-fingerprint-key');
  });

  it('a missing secret is a non-retryable Warden error, not a crash', async () => {
    const key = new SecretFingerprintKey('no-such-secret', new SSMClient({}));
    const error: unknown = await key.fingerprintKey().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WardenError);
    expect((error as WardenError).retryable).toBe(false);
  });

  it('the secret name comes from WARDEN_FINGERPRINT_SECRET; without it the function refuses to start', () => {
    expect(fingerprintSecretFromEnv({ WARDEN_FINGERPRINT_SECRET: ' warden-prod-fingerprint-key ' })).toBe('warden-prod-fingerprint-key');
    expect(() => fingerprintSecretFromEnv({})).toThrow(ConfigError);
  });
});

describe('FileFingerprintKey (the CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-key-'));

  it('creates a random key once, mode 0600, and reads the same key afterwards', async () => {
    const path = join(dir, '.warden', 'fingerprint.key');
    const first = await new FileFingerprintKey(path, true).fingerprintKey();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(new FileFingerprintKey(path, true).fingerprintKey()).resolves.toBe(first);
    expect(readFileSync(path, 'utf8').trim()).toBe(first);
  });

  it('two runs starting together agree on one key', async () => {
    const path = join(dir, 'race', 'fingerprint.key');
    const keys = await Promise.all(Array.from({ length: 5 }, () => new FileFingerprintKey(path, true).fingerprintKey()));
    expect(new Set(keys).size).toBe(1);
  });

  it('a named file must exist and hold a long enough key; errors never quote it', async () => {
    await expect(new FileFingerprintKey(join(dir, 'missing.key'), false).fingerprintKey()).rejects.toThrow(/does not exist/);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'tiny-secret\n');
    const error: unknown = await new FileFingerprintKey(short, false).fingerprintKey().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain('tiny-secret');
  });
});
