/**
 * Glob matching with IAM's grammar: only `*` (any run of characters) and `?` (one character) are
 * wildcards; every other character is literal. Used for Warden's own-role patterns and, with
 * `caseInsensitive`, for IAM action names (which are case-insensitive, unlike ARNs).
 *
 * Patterns come from policy documents anyone may write, so matching must not be a regular
 * expression: `*a*a*a…b` backtracks exponentially there, and V8 refuses sources over 32k
 * characters. This matcher scans once, backtracking only to the last `*` seen, which bounds the
 * work by pattern length × value length in the worst case (linear for typical patterns).
 * Characters are UTF-16 code units.
 */
export interface WildcardOptions {
  /** IAM action names compare case-insensitively; resource ARNs do not. */
  readonly caseInsensitive?: boolean;
  /** `?` matches one character in IAM; set false where only `*` is a wildcard. */
  readonly questionMark?: boolean;
}

/** A pattern compiled once for repeated matching (the drop-in for a compiled RegExp). */
export interface WildcardMatcher {
  /** The pattern as written. */
  readonly pattern: string;
  /** True when `value` matches the whole pattern. */
  test(value: string): boolean;
}

/** Pattern codes below every code unit: a run of `*`, and `?` as a wildcard. */
const STAR = -1;
const ANY = -2;

/**
 * Case folding as a case-insensitive (non-unicode) RegExp does it, so that results stay those
 * of the former implementation: upper-case a code unit when that yields one code unit, but
 * never fold a non-ASCII unit into ASCII (the `ſ`/`K` rule).
 */
function fold(code: number): number {
  if (code < 0x80) return code >= 0x61 && code <= 0x7a ? code - 0x20 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const folded = upper.charCodeAt(0);
  return folded < 0x80 ? code : folded;
}

/** Pattern as codes: literals (folded when asked), `?` as ANY, each run of `*` as one STAR. */
function encode(pattern: string, caseInsensitive: boolean, questionMark: boolean): Int32Array {
  const codes = new Int32Array(pattern.length);
  let n = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x2a) {
      if (n === 0 || codes[n - 1] !== STAR) codes[n++] = STAR;
    } else if (c === 0x3f && questionMark) codes[n++] = ANY;
    else codes[n++] = caseInsensitive ? fold(c) : c;
  }
  return codes.subarray(0, n);
}

/**
 * Greedy scan: literals and `?` advance both sides; a `*` first matches nothing and, on a later
 * mismatch, absorbs one more value character. Only the last `*` matters for backtracking (what
 * an earlier `*` could absorb, the last one can absorb too), so each value position is retried at
 * most once per pattern position: pattern × value steps at worst, never exponential.
 */
function matchCodes(codes: Int32Array, value: string, caseInsensitive: boolean): boolean {
  const m = codes.length;
  const n = value.length;
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < n) {
    if (p < m) {
      const pc = codes[p] as number;
      if (pc === STAR) {
        star = ++p;
        mark = v;
        continue;
      }
      const vc = caseInsensitive ? fold(value.charCodeAt(v)) : value.charCodeAt(v);
      if (pc === ANY || pc === vc) {
        p++;
        v++;
        continue;
      }
    }
    if (star < 0) return false;
    p = star;
    v = ++mark;
  }
  while (p < m && codes[p] === STAR) p++;
  return p === m;
}

function compile(pattern: string, caseInsensitive: boolean, questionMark: boolean): WildcardMatcher {
  const wild = pattern.includes('*') || (questionMark && pattern.includes('?'));
  if (!wild && !caseInsensitive) return { pattern, test: (value) => value === pattern };
  const codes = encode(pattern, caseInsensitive, questionMark);
  if (codes.length === 1 && codes[0] === STAR) return { pattern, test: () => true };
  return { pattern, test: (value) => matchCodes(codes, value, caseInsensitive) };
}

/** One memo per option combination (index: caseInsensitive × 2 + questionMark), keyed by pattern. */
const caches: readonly Map<string, WildcardMatcher>[] = [new Map(), new Map(), new Map(), new Map()];
const CACHE_LIMIT = 10_000;

/** Compiles `pattern` into a reusable matcher (memoised); never throws, whatever its length. */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): WildcardMatcher {
  const caseInsensitive = options.caseInsensitive === true;
  const questionMark = options.questionMark ?? true;
  const cache = caches[(caseInsensitive ? 2 : 0) + (questionMark ? 1 : 0)] as Map<string, WildcardMatcher>;
  const hit = cache.get(pattern);
  if (hit) return hit;
  const compiled = compile(pattern, caseInsensitive, questionMark);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** True when `value` matches the wildcard `pattern`. */
export function matchesWildcard(pattern: string, value: string, options: WildcardOptions = {}): boolean {
  return compileWildcard(pattern, options).test(value);
}
