import { compileWildcard, matchesWildcard } from '../wildcard';
import { complement, emptyBits, fullBits, setBit, setRange, type ActionSet } from './action-set';
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
  const matcher = compileWildcard(pattern, { caseInsensitive: true });
  let matched = 0;
  t.lower.forEach((name, i) => {
    if (matcher.test(name)) {
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
  const matcher = compileWildcard(actionPattern, { caseInsensitive: true });
  let matched = 0;
  for (let i = start; i < end; i++) {
    if (matcher.test(t.actionParts[i] ?? '')) {
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

/**
 * Literal catalogue actions, by index: most patterns in real policies are these, and there are
 * more distinct ones than the memo holds. Their one-bit set is only built when asked for.
 */
const literals: (PatternExpansion | undefined)[] = [];

function literalExpansion(pattern: string, index: number): PatternExpansion {
  let found = literals[index];
  if (!found) {
    let bits: Uint32Array | undefined;
    found = {
      pattern,
      get bits(): Uint32Array {
        if (!bits) {
          bits = emptyBits();
          setBit(bits, index);
        }
        return bits;
      },
      matched: 1,
      servicePrefixWildcard: false,
      unknownService: false,
      open: false,
      malformed: false,
    };
    literals[index] = found;
  }
  return found;
}

/** Expansions by the pattern as written, so a repeated spelling costs no lowercase copy. */
const rawMemo = new Map<string, PatternExpansion>();

/** Expands one action pattern (memoised). */
export function expandActionPattern(raw: string): PatternExpansion {
  const known = rawMemo.get(raw);
  if (known !== undefined) return known;
  const expansion = expandLowercase(raw.toLowerCase());
  if (rawMemo.size >= MEMO_LIMIT) rawMemo.clear();
  rawMemo.set(raw, expansion);
  return expansion;
}

function expandLowercase(pattern: string): PatternExpansion {
  const index = catalogue().byLower.get(pattern);
  if (index !== undefined) return literalExpansion(pattern, index);
  const hit = memo.get(pattern);
  if (hit) return hit;
  const expansion = compute(pattern);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(pattern, expansion);
  return expansion;
}

/** First and past-the-last non-zero word of an expansion: most cover one service, a few words. */
const spans = new WeakMap<PatternExpansion, readonly [number, number]>();

function spanOf(expansion: PatternExpansion): readonly [number, number] {
  let span = spans.get(expansion);
  if (!span) {
    const bits = expansion.bits;
    let lo = 0;
    let hi = bits.length;
    while (lo < hi && bits[lo] === 0) lo++;
    while (hi > lo && bits[hi - 1] === 0) hi--;
    span = [lo, hi];
    spans.set(expansion, span);
  }
  return span;
}

/** The set an `Action` list names: its known actions plus, symbolically, future ones. */
export function actionSetOf(patterns: readonly string[]): ActionSet {
  const bits = emptyBits();
  const open: string[] = [];
  const byLower = catalogue().byLower;
  for (const raw of patterns) {
    const index = byLower.get(raw.toLowerCase());
    if (index !== undefined) {
      // A literal catalogue action: one bit, nothing open.
      setBit(bits, index);
      continue;
    }
    const expansion = expandActionPattern(raw);
    const [lo, hi] = spanOf(expansion);
    for (let w = lo; w < hi; w++) bits[w] = (bits[w] ?? 0) | (expansion.bits[w] ?? 0);
    if (expansion.open && !expansion.malformed) open.push(expansion.pattern);
  }
  return { bits, future: open.length > 0 ? { kind: 'matching', patterns: [...new Set(open)] } : { kind: 'none' } };
}

/**
 * Long action lists (AWS-managed `ReadOnlyAccess` has hundreds of patterns) recur across the
 * principals they are attached to, each decoded afresh: their sets are shared by content.
 */
const listMemo = new Map<string, ActionSet>();
const LIST_MEMO_LIMIT = 2_000;
const LONG_LIST = 8;

/** The set a statement grants or denies: `Action`, or everything but `NotAction`. */
export function statementActionSet(statement: { readonly actions?: readonly string[]; readonly notActions?: readonly string[] }): ActionSet {
  const list = statement.notActions ?? statement.actions ?? [];
  if (list.length < LONG_LIST) return statement.notActions ? complement(actionSetOf(list)) : actionSetOf(list);
  const key = `${statement.notActions ? 'not' : 'is'}\u0000${list.join('\u0000')}`;
  let set = listMemo.get(key);
  if (!set) {
    set = statement.notActions ? complement(actionSetOf(list)) : actionSetOf(list);
    if (listMemo.size >= LIST_MEMO_LIMIT) listMemo.clear();
    listMemo.set(key, set);
  }
  return set;
}

/**
 * Brute-force reference for tests: the catalogue actions a pattern matches, by testing every
 * action name with the generic wildcard matcher.
 */
export function bruteForceMatches(pattern: string): string[] {
  return catalogue().names.filter((name) => matchesWildcard(pattern, name, { caseInsensitive: true }));
}
