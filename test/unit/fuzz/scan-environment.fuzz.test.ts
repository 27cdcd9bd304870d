import fc from 'fast-check';
import { WardenError } from '../../../domain/errors';
import type { FunctionEnvironment } from '../../../domain/ports';
import { classifyVariable, FINGERPRINT_LENGTH, scanEnvironment, SecretScanError, type EnvironmentScan } from '../../../domain/secrets';
import { brokenText, buffer, check, FUZZ_RUNS, loneSurrogate, nastyText, nestedText } from './arbitraries';

/**
 * Fuzz of the secret scanner (issue 7): environments with realistic and random names, values that
 * are secrets, look-alikes, JSON/URL/connection strings (truncated, deeply nested), lone
 * surrogates, bytes decoded as text, up to Lambda's 4 KB and well past it; unreadable
 * environments; bad keys. scanEnvironment returns a typed scan or throws a SecretScanError, and
 * what it returns names only variables it was given and never holds a whole value. (Values are
 * strings by contract: every adapter validates them before they reach the scanner.)
 */

const KEY = 'fuzz-fingerprint-key-0123456789';

const names = fc.oneof(
  fc.constantFrom('DB_PASSWORD', 'API_KEY', 'GITHUB_TOKEN', 'DATABASE_URL', 'CONFIG', 'STAGE', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'SLACK_WEBHOOK', 'MYSQL_ALLOW_EMPTY_PASSWORD'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ''),
  fc.stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/),
  brokenText,
);

const secretLike = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{36}$/).map((s) => `ghp_${s}`),
  fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((s) => `sk_live_${s}`),
  fc.stringMatching(/^[A-Za-z0-9+/]{40}$/),
  fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((p) => `postgres://app:${p}@db.internal:5432/app`),
  fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((p) => `Server=db;User Id=app;Password=${p};`),
  fc.constantFrom('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'AKIAIOSFODNN7EXAMPLE'),
);

const lookAlike = fc.constantFrom(
  'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db',
  '/prod/db/password',
  '{{resolve:secretsmanager:prod/db}}',
  '${ssm:/prod/key}',
  'true',
  '3600',
  'us-east-1',
  'https://api.example.com/v1',
  '*******',
  'prod/db',
  '6f1c2a3e-8b7d-4c5e-9f0a-1b2c3d4e5f60',
);

/** Structured values cut short or nested deep: what the normaliser looks inside. */
const structured = fc.oneof(
  fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([json, at]) => {
    const text = JSON.stringify(json) ?? 'null';
    return text.slice(0, (at % (text.length + 1)) + 1);
  }),
  fc.tuple(fc.constantFrom(10, 300, 1_500), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, kind]) => nestedText(depth, kind, '"hunter2hunter2"')),
  fc.tuple(fc.nat({ max: 50 }), fc.constantFrom('postgres://u:p@h/d', 'Password=x;', 'https://u:p@h/?token=abc')).map(([cut, url]) => url.slice(0, cut)),
);

const values = fc.oneof(
  { weight: 3, arbitrary: secretLike },
  { weight: 2, arbitrary: lookAlike },
  { weight: 3, arbitrary: structured },
  { weight: 3, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.array(loneSurrogate, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: buffer.map((bytes) => bytes.toString('utf8')) },
  { weight: 1, arbitrary: buffer.map((bytes) => bytes.toString('latin1')) },
);

const environment: fc.Arbitrary<FunctionEnvironment | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.dictionary(names, values, { maxKeys: 8 }).map((variables) => ({ variables })) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ errorCode: fc.constantFrom('KMSAccessDeniedException', 'KMSDisabledException', ''), message: nastyText }).map((error) => ({ error })) },
);

const fingerprintKey = fc.oneof(
  { weight: 10, arbitrary: fc.constant<string | Uint8Array>(KEY) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
);

/** The values of the environment that are long enough that finding one in the output means a leak. */
function telltales(env: FunctionEnvironment | undefined): string[] {
  const names = Object.keys(env?.variables ?? {});
  return Object.values(env?.variables ?? {}).filter((v) => v.length >= 12 && !names.some((n) => n.includes(v)));
}

function checkScan(scan: EnvironmentScan, env: FunctionEnvironment | undefined): void {
  if (scan.status === 'unknown') {
    check(env?.error !== undefined, 'unknown without an environment error');
    check(typeof scan.reason === 'string', 'unknown without a reason');
    return;
  }
  check(scan.status === 'scanned', `unexpected status ${String((scan as { status: unknown }).status)}`);
  const given = new Set(Object.keys(env?.variables ?? {}));
  for (const match of scan.matches) {
    check(given.has(match.variable), 'a match names a variable that was not given');
    check(match.fingerprint.length === FINGERPRINT_LENGTH, 'a fingerprint of the wrong length');
    check(typeof match.ruleId === 'string' && match.ruleId.length > 0, 'a match without a rule id');
  }
  const output = JSON.stringify(scan);
  for (const value of telltales(env)) check(!output.includes(value), 'the scan holds a whole value');
}

describe('scanEnvironment fuzz', () => {
  it(`returns a typed scan or throws a SecretScanError for ${FUZZ_RUNS} generated environments`, () => {
    fc.assert(
      fc.property(environment, fingerprintKey, (env, key) => {
        let scan: EnvironmentScan;
        try {
          scan = scanEnvironment(env, { fingerprintKey: key });
        } catch (error) {
          check(error instanceof SecretScanError && error instanceof WardenError, `untyped error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          return;
        }
        checkScan(scan, env);
      }),
      { numRuns: FUZZ_RUNS, seed: 7_301 },
    );
  });

  it('classifies any single (key, value) pair, huge values included, without throwing', () => {
    const hugeValue = fc.tuple(fc.constantFrom('a', 'Ab1', '{"a":', 'x:y@', '=;', '%'), fc.integer({ min: 4_096, max: 40_000 })).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
    fc.assert(
      fc.property(names, fc.oneof(values, hugeValue), (key, value) => {
        const verdict = classifyVariable(key, value).verdict;
        check(verdict === 'secret' || verdict === 'not-secret' || verdict === 'neutral', `unexpected verdict ${String(verdict)}`);
      }),
      { numRuns: 1_000, seed: 7_302 },
    );
  });
});
