import type { FunctionEnvironment } from '../ports';
import { classifyInContext, type SecretHit } from './classify';
import { assertFingerprintKey, fingerprint } from './fingerprint';
import { AWS_ACCESS_KEY_ID } from './known-formats';
import type { EnvironmentScan, ScanOptions, SecretMatch } from './types';

/**
 * Scans one function configuration's environment (DESIGN.md §3.2). Output is redacted by
 * construction: a match carries the variable name, the rule, a keyed fingerprint and a location
 * path, never the value, a part of it or its length.
 */

const MIN_SHARED = 6;

/** True when `text` and `secret` share a `MIN_SHARED`-character slice (walks the short `text`). */
function sharesSlice(text: string, secret: string): boolean {
  for (let i = 0; i + MIN_SHARED <= text.length; i += 1) {
    if (secret.includes(text.slice(i, i + MIN_SHARED))) return true;
  }
  return false;
}

/**
 * Locations are built from names inside the value (JSON keys, field names); a name that repeats
 * the secret (`{"<token>": true}`) would leak it, so such a path is cut back to its kind.
 */
function safeLocation(location: string | undefined, secret: string): string | undefined {
  if (location === undefined || !sharesSlice(location, secret)) return location;
  return location.split(':')[0];
}

function toMatch(variable: string, hit: SecretHit, key: string | Uint8Array): SecretMatch {
  const base: SecretMatch = {
    variable,
    ruleId: hit.ruleId,
    kind: hit.kind,
    confidence: hit.confidence,
    severity: hit.severity,
    stage: hit.stage,
    fingerprint: fingerprint(key, hit.secret),
  };
  const location = safeLocation(hit.location, hit.secret);
  return location === undefined ? base : { ...base, location };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic order (code-unit comparison: locale-independent and fast). */
function compareMatches(a: SecretMatch, b: SecretMatch): number {
  return compareText(a.variable, b.variable) || compareText(a.location ?? '', b.location ?? '') || compareText(a.kind, b.kind);
}

function dedupe(matches: readonly SecretMatch[]): SecretMatch[] {
  const seen = new Set<string>();
  return matches.filter((m) => {
    const id = `${m.variable}\u0000${m.kind}\u0000${m.location ?? ''}\u0000${m.fingerprint}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Scans an environment. `unknown` when Lambda could not decrypt the values (`Environment.Error`,
 * KMS): an unreadable environment is never reported as clean. No environment at all is clean.
 * @throws InvalidFingerprintKeyError when the key is shorter than 16 bytes.
 */
export function scanEnvironment(env: FunctionEnvironment | undefined, options: ScanOptions): EnvironmentScan {
  assertFingerprintKey(options.fingerprintKey);
  if (env?.error) {
    // The error code is AWS's (e.g. KMSAccessDeniedException); its message may quote data, so it is dropped.
    return { status: 'unknown', reason: `environment variables could not be read: ${env.error.errorCode}` };
  }
  const variables = Object.entries(env?.variables ?? {});
  const context = { awsKeyIdNearby: variables.some(([, value]) => AWS_ACCESS_KEY_ID.test(value)) };
  const matches = variables.flatMap(([variable, value]) =>
    classifyInContext(variable, value, context).hits.map((hit) => toMatch(variable, hit, options.fingerprintKey)),
  );
  return { status: 'scanned', matches: dedupe(matches).sort(compareMatches) };
}
