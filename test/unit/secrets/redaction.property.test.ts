import fc from 'fast-check';
import { scanEnvironment, type EnvironmentScan } from '../../../domain/secrets';

/**
 * DESIGN.md §3.2 redaction: for random secrets in every shape the detector understands, nothing
 * it outputs contains the secret, any 6-character slice of it, or its length as a number.
 */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const BASE64 = [...ALNUM, '+', '/'];
const fingerprintKey = 'redaction-property-key-0123456789';

function token(alphabet: readonly string[], min: number, max = min): fc.Arbitrary<string> {
  return fc
    .string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max })
    .filter((s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s));
}

type Shape = (secret: string) => Record<string, string>;

/** Each shape embeds the generated secret in a realistic environment. */
const shapes: readonly (readonly [string, fc.Arbitrary<string>, Shape])[] = [
  ['github token', token(ALNUM, 36), (s) => ({ GITHUB_TOKEN: `ghp_${s}` })],
  ['stripe key in JSON', token(ALNUM, 24, 60), (s) => ({ CONFIG: JSON.stringify({ stripe: { key: `sk_live_${s}` } }) })],
  ['named password', token(ALNUM, 8, 40), (s) => ({ DB_PASSWORD: s })],
  ['database URL', token(ALNUM, 8, 40), (s) => ({ DATABASE_URL: `postgres://app:${s}@db.internal:5432/app` })],
  ['connection string', token(ALNUM, 8, 40), (s) => ({ CONN: `Server=db;User Id=app;Password=${s};` })],
  ['JSON password', token(ALNUM, 8, 40), (s) => ({ DB: JSON.stringify({ host: 'db', password: s }) })],
  ['query token', token(ALNUM, 20, 48), (s) => ({ EXPORT_URL: `https://x.example.com/?api_key=${s}` })],
  ['neutral high entropy', token(ALNUM, 24, 64), (s) => ({ PARTNER_VALUE: s })],
  ['AWS pair', token(BASE64, 40), (s) => ({ AWS_ACCESS_KEY_ID: 'AKIA' + 'QWERTYUIOPASDFGH', AWS_SECRET_ACCESS_KEY: s })],
];

function strings(scan: EnvironmentScan): string[] {
  if (scan.status === 'unknown') return [scan.reason];
  return scan.matches.flatMap((m) => Object.values(m).filter((v): v is string => typeof v === 'string'));
}

function numbers(scan: EnvironmentScan): number[] {
  if (scan.status === 'unknown') return [];
  return scan.matches.flatMap((m) => Object.values(m).filter((v): v is number => typeof v === 'number'));
}

function leaks(text: string, secret: string): boolean {
  for (let i = 0; i + 6 <= secret.length; i += 1) if (text.includes(secret.slice(i, i + 6))) return true;
  return false;
}

describe('redaction', () => {
  it.each(shapes.map(([name, arb, shape]) => [name, arb, shape] as const))('%s: no output holds the secret, a slice of it or its length', (_name, arb, shape) => {
    fc.assert(
      fc.property(arb, (secret) => {
        const scan = scanEnvironment({ variables: { STAGE: 'prod', ...shape(secret) } }, { fingerprintKey });
        expect(scan.status).toBe('scanned');
        if (scan.status === 'scanned') expect(scan.matches.length).toBeGreaterThan(0);
        for (const text of [...strings(scan), JSON.stringify(scan)]) expect(leaks(text, secret)).toBe(false);
        expect(numbers(scan)).not.toContain(secret.length);
      }),
      { seed: 20240501, numRuns: 150 },
    );
  });
});
