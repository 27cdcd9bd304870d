import { matchesWildcard, wildcardToRegExp } from '../wildcard';
import { complement, emptyBits, fullBits, orInto, setBit, setRange, type ActionSet } from './action-set';
import { catalogue } from './catalogue';
import { hasWildcard, isMatchAll } from './glob';

/**
 * Expansion of IAM action patterns (`s3:Get*`, `*`, `i*:*`, `NotAction` lists) against the
 * catalogue. Action names are case-insensitive; only `*` and `?` are wildcards. Expansions are
 * memoised by lowercase pattern, so `*` and common patterns are computed once per process.
 */

/** What one pattern matched, and what Warden could not know about it. */
export interface PatternExpansion {
  /** The pattern, lowercased. */
  readonly pattern: string;
  readonly bits: Uint32Array;
  /** Number of catalogue actions matched. */
  readonly matched: number;
  /** The service part holds a wildcard: it may also match services newer than the catalogue. */
  readonly servicePrefixWildcard: boolean;
  /** The service prefix (literal) is not in the catalogue. */
  readonly unknownService: boolean;
  /** The pattern may match actions the catalogue does not list (wildcard, or an unknown literal). */
  readonly open: boolean;
  /** Malformed: no `service:` part and not `*`. IAM rejects such actions; they match nothing. */
  readonly malformed: boolean;
}

const memo = new Map<string, PatternExpansion>();
const MEMO_LIMIT = 20_000;

function matchAll(pattern: string): PatternExpansion {
  const bits = fullBits();
  return { pattern, bits, matched: catalogue().names.length, servicePrefixWildcard: true, unknownService: false, open: true, malformed: false };
}

function malformed(pattern: string): PatternExpansion {
  return { pattern, bits: emptyBits(), matched: 0, servicePrefixWildcard: false, unknownService: false, open: false, malformed: true };
}

/** A pattern without `service:` but with a wildcard (`*Get*`) is matched against whole names. */
function expandWhole(pattern: string): PatternExpansion {
  const t = catalogue();
  const bits = emptyBits();
  const regex = wildcardToRegExp(pattern, { caseInsensitive: true });
  let matched = 0;
  t.lower.forEach((name, i) => {
    if (regex.test(name)) {
      setBit(bits, i);
      matched++;
    }
  });
  return { pattern, bits, matched, servicePrefixWildcard: true, unknownService: false, open: true, malformed: false };
}

function expandService(bits: Uint32Array, service: number, actionPattern: string): number {
  const t = catalogue();
  const start = t.serviceStart[service] ?? 0;
  const end = t.serviceStart[service + 1] ?? start;
  if (isMatchAll(actionPattern)) {
    setRange(bits, start, end);
    return end - start;
  }
  if (!hasWildcard(actionPattern)) {
    // A literal name: one lookup instead of a scan.
    const index = t.byLower.get(`${t.prefixes[service] ?? ''}:${actionPattern}`);
    if (index === undefined) return 0;
    setBit(bits, index);
    return 1;
  }
  const regex = wildcardToRegExp(actionPattern, { caseInsensitive: true });
  let matched = 0;
  for (let i = start; i < end; i++) {
    if (regex.test(t.actionParts[i] ?? '')) {
      setBit(bits, i);
      matched++;
    }
  }
  return matched;
}

function compute(pattern: string): PatternExpansion {
  if (isMatchAll(pattern)) return matchAll(pattern);
  const colon = pattern.indexOf(':');
  const bits = emptyBits();
  if (colon < 0) return hasWildcard(pattern) ? expandWhole(pattern) : malformed(pattern);
  const servicePart = pattern.slice(0, colon);
  const actionPart = pattern.slice(colon + 1);
  const t = catalogue();
  const servicePrefixWildcard = hasWildcard(servicePart);
  const services = servicePrefixWildcard
    ? t.prefixes.flatMap((p, i) => (matchesWildcard(servicePart, p, { caseInsensitive: true }) ? [i] : []))
    : [t.serviceByPrefix.get(servicePart)].filter((s): s is number => s !== undefined);
  const matched = services.reduce((sum, s) => sum + expandService(bits, s, actionPart), 0);
  const unknownService = !servicePrefixWildcard && services.length === 0;
  const open = hasWildcard(pattern) || matched === 0;
  return { pattern, bits, matched, servicePrefixWildcard, unknownService, open, malformed: false };
}

/** Expands one action pattern (memoised). */
export function expandActionPattern(raw: string): PatternExpansion {
  const pattern = raw.toLowerCase();
  const hit = memo.get(pattern);
  if (hit) return hit;
  const expansion = compute(pattern);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(pattern, expansion);
  return expansion;
}

/** The set an `Action` list names: its known actions plus, symbolically, future ones. */
export function actionSetOf(patterns: readonly string[]): ActionSet {
  const bits = emptyBits();
  const open: string[] = [];
  for (const raw of patterns) {
    const expansion = expandActionPattern(raw);
    orInto(bits, expansion.bits);
    if (expansion.open && !expansion.malformed) open.push(expansion.pattern);
  }
  return { bits, future: open.length > 0 ? { kind: 'matching', patterns: [...new Set(open)] } : { kind: 'none' } };
}

/** The set a statement grants or denies: `Action`, or everything but `NotAction`. */
export function statementActionSet(statement: { readonly actions?: readonly string[]; readonly notActions?: readonly string[] }): ActionSet {
  if (statement.notActions) return complement(actionSetOf(statement.notActions));
  return actionSetOf(statement.actions ?? []);
}

/**
 * Brute-force reference for tests: the catalogue actions a pattern matches, by testing every
 * action name with the generic wildcard matcher.
 */
export function bruteForceMatches(pattern: string): string[] {
  return catalogue().names.filter((name) => matchesWildcard(pattern, name, { caseInsensitive: true }));
}
