import { createHmac } from 'node:crypto';
import { FINGERPRINT_LENGTH, InvalidFingerprintKeyError, scanEnvironment, SecretScanError, type SecretMatch } from '../../../domain/secrets';
import { InvalidInputError } from '../../../domain/errors';
import { FakeSecrets } from '../../fixtures/secrets/generate';

const g = new FakeSecrets(7);
const fingerprintKey = 'per-deployment-key-0123456789';

function matchesOf(variables: Record<string, string>, key: string | Uint8Array = fingerprintKey): readonly SecretMatch[] {
  const scan = scanEnvironment({ variables }, { fingerprintKey: key });
  if (scan.status !== 'scanned') throw new Error('expected a scan');
  return scan.matches;
}

describe('scanEnvironment', () => {
  it('is unknown, never clean, when Lambda could not decrypt the variables', () => {
    const scan = scanEnvironment(
      { error: { errorCode: 'KMSAccessDeniedException', message: 'Lambda was unable to decrypt the environment variables' } },
      { fingerprintKey },
    );
    expect(scan).toEqual({ status: 'unknown', reason: expect.stringContaining('KMSAccessDeniedException') as unknown });
    // AWS's message may quote data; only the error code is kept.
    expect(JSON.stringify(scan)).not.toContain('unable to decrypt');
  });

  it('treats a function without environment as clean', () => {
    expect(scanEnvironment(undefined, { fingerprintKey })).toEqual({ status: 'scanned', matches: [] });
    expect(scanEnvironment({}, { fingerprintKey })).toEqual({ status: 'scanned', matches: [] });
  });

  it('reports the known false positives of DESIGN.md as clean', () => {
    const matches = matchesOf({
      MYSQL_ALLOW_EMPTY_PASSWORD: 'yes',
      DB_SECRET_NAME: 'prod/db',
      AWS_CA_BUNDLE: '/opt/ca.pem',
      POWERTOOLS_SERVICE_NAME: 'orders',
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
      DB_PASSWORD: '*******',
      GIT_SHA: g.hex(40),
      COMMIT: g.hex(40),
      BUILD_ID: g.hex(12),
    });
    expect(matches).toEqual([]);
  });

  it('pairs an access key id with a secret key in another variable (critical)', () => {
    const matches = matchesOf({ AWS_ACCESS_KEY_ID: `AKIA${g.base32(16)}`, AWS_SECRET_ACCESS_KEY: g.base64(40), STAGE: 'prod' });
    expect(matches.map((m) => [m.variable, m.kind, m.severity])).toEqual([
      ['AWS_ACCESS_KEY_ID', 'aws-access-key-id', 'low'],
      ['AWS_SECRET_ACCESS_KEY', 'aws-access-key-pair', 'critical'],
    ]);
  });

  it('pairs under a secret-ish name only when a key id is present', () => {
    const secret = g.base64(40);
    expect(matchesOf({ S3_SECRET: secret }).map((m) => m.kind)).toEqual(['secret']);
    expect(matchesOf({ S3_KEY: `AKIA${g.base32(16)}`, S3_SECRET: secret }).map((m) => m.kind)).toContain('aws-access-key-pair');
  });

  it('fingerprints with HMAC-SHA256 of the secret under the deployment key, truncated', () => {
    const password = g.password();
    const [match] = matchesOf({ DB_PASSWORD: password });
    const expected = createHmac('sha256', fingerprintKey).update(password).digest('hex').slice(0, FINGERPRINT_LENGTH);
    expect(match?.fingerprint).toBe(expected);
    expect(match?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same secret the same fingerprint across variables and functions, and another under another key', () => {
    const token = `ghp_${g.alnum(36)}`;
    const a = matchesOf({ GITHUB_TOKEN: token });
    const b = matchesOf({ CI_TOKEN: token, OTHER: JSON.stringify({ token }) });
    const c = matchesOf({ GITHUB_TOKEN: token }, new Uint8Array(32).fill(9));
    expect(new Set([...a, ...b].map((m) => m.fingerprint)).size).toBe(1);
    expect(c[0]?.fingerprint).not.toBe(a[0]?.fingerprint);
  });

  it('fingerprints the password of a URL, so the same password is recognised in other shapes', () => {
    const password = g.password();
    const matches = matchesOf({ DATABASE_URL: `postgres://app:${password}@db:5432/app`, DB_PASSWORD: password });
    expect(new Set(matches.map((m) => m.fingerprint)).size).toBe(1);
  });

  it('says where inside the value the secret is, by path', () => {
    const matches = matchesOf({
      CONFIG: JSON.stringify({ db: { password: g.password() } }),
      DATABASE_URL: `mysql://root:${g.password()}@db/x`,
      CONN: `Server=x;Password=${g.password()}`,
      TOKEN: `ghp_${g.alnum(36)}`,
    });
    expect(matches.map((m) => [m.variable, m.location])).toEqual([
      ['CONFIG', 'json:$.db.password'],
      ['CONN', 'field:Password'],
      ['DATABASE_URL', 'url:password'],
      ['TOKEN', undefined],
    ]);
  });

  it('cuts a location that would repeat the secret back to its kind', () => {
    const token = g.alnum(40);
    const matches = matchesOf({ CONFIG: JSON.stringify({ [token]: { apiKey: token } }) });
    expect(matches).toHaveLength(1);
    expect(matches[0]?.location).toBe('json');
  });

  it('reports several secrets in one value, each once', () => {
    const matches = matchesOf({ SECRETS: JSON.stringify({ github: `ghp_${g.alnum(36)}`, npm: `npm_${g.alnum(36)}`, again: 'x' }) });
    expect(matches.map((m) => m.kind).sort()).toEqual(['github-token', 'npm-token']);
  });

  it('is deterministic: sorted by variable and location', () => {
    const variables = { Z_TOKEN: `ghp_${g.alnum(36)}`, A_PASSWORD: g.password(), M_KEY: `npm_${g.alnum(36)}` };
    expect(matchesOf(variables).map((m) => m.variable)).toEqual(['A_PASSWORD', 'M_KEY', 'Z_TOKEN']);
    expect(matchesOf(variables)).toEqual(matchesOf({ ...variables }));
  });

  it('refuses a fingerprint key shorter than 16 bytes with a typed error', () => {
    const run = (): unknown => scanEnvironment({ variables: {} }, { fingerprintKey: 'short' });
    expect(run).toThrow(InvalidFingerprintKeyError);
    expect(run).toThrow(SecretScanError);
    expect(run).toThrow(InvalidInputError);
    try {
      run();
    } catch (error) {
      expect((error as Error).name).toBe('InvalidFingerprintKeyError');
    }
  });
});
