import fc from 'fast-check';
import { classifyVariable, scanEnvironment } from '../../../domain/secrets';

/**
 * The detector runs on whatever a function's environment holds (up to 4 KB): no input may make a
 * pattern backtrack for long, and no input may throw.
 */

const KEYS = ['X', 'SESSION_SECRET', 'API_KEY', 'TWILIO_AUTH_TOKEN', 'DATABASE_URL', 'AUTH', 'CONFIG', 'GIT_SHA', 'DD_API_KEY'];
const BUDGET_MS = 250;

const adversarial: readonly string[] = [
  `${'ab-'.repeat(1300)}!`,
  `${'a-'.repeat(2000)}!`,
  'a'.repeat(4000),
  `xoxb-${'1-'.repeat(1500)}`,
  `sk-${'a'.repeat(4000)}`,
  `-----BEGIN PRIVATE KEY-----${'\\n'.repeat(1500)}!`,
  `sv=2020-01-01&${'a&'.repeat(1500)}`,
  'a.'.repeat(2000),
  `eyJ${'a'.repeat(100)}.eyJ${'a'.repeat(3000)}`,
  '{'.repeat(4000),
  `${'['.repeat(2000)}${']'.repeat(2000)}`,
  'a=b;'.repeat(1000),
  `http://${'a:'.repeat(1000)}@`,
  `user:${'@'.repeat(2000)}`,
  ' '.repeat(4000),
  `Bearer ${'a'.repeat(4000)}!`,
  'aB3'.repeat(1300),
  'x@'.repeat(2000),
  `${'A'.repeat(20)}${'.'.repeat(2000)}`,
  '0'.repeat(4000),
  `${'k=v '.repeat(1000)}`,
  `https://h/${'?a=b&'.repeat(800)}`,
  `${'abc/'.repeat(1000)}`,
  `${'Ab1_'.repeat(1000)}`,
];

function timed(key: string, value: string): number {
  const start = performance.now();
  classifyVariable(key, value);
  return performance.now() - start;
}

describe('resilience', () => {
  it.each(adversarial.map((value, i) => [i, value] as const))('adversarial input %i is decided quickly under every name', (_i, value) => {
    for (const key of KEYS) expect(timed(key, value)).toBeLessThan(BUDGET_MS);
  });

  it('decides random strings over the characters the patterns care about quickly, without throwing', () => {
    const unit = fc.constantFrom(...'aA1-_./+=:@;&?#{}[]" \\$~!xX*<>,'.split(''));
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.string({ unit, minLength: 0, maxLength: 4096 }), (key, value) => {
        expect(timed(key, value)).toBeLessThan(BUDGET_MS);
      }),
      { seed: 4096, numRuns: 300 },
    );
  });

  it('scans a full 4 KB environment of mixed values', () => {
    const variables = Object.fromEntries(adversarial.map((value, i) => [`${KEYS[i % KEYS.length] ?? 'X'}_${i}`, value.slice(0, 160)]));
    expect(scanEnvironment({ variables }, { fingerprintKey: 'resilience-key-0123456789' }).status).toBe('scanned');
  });
});
