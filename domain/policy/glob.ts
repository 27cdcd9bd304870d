/**
 * Reasoning about two IAM wildcard patterns at once (only `*` and `?` are wildcards), where
 * {@link matchesWildcard} only matches a pattern against a concrete value. Used to ask whether a
 * Deny's resources cover an Allow's, whether a Resource can reach a resource type's ARNs, and
 * whether one action pattern covers another. Comparison is case-sensitive; lowercase both sides
 * for action names.
 */

const STAR = 42; // '*'
const QUESTION = 63; // '?'

/**
 * True when every string `inner` can match is also matched by `outer` (decided symbolically:
 * `outer`'s `*` may absorb `inner`'s wildcards, its literals and `?` must meet literals). Sound:
 * `true` is always right; a few exotic inclusions are reported as `false`, which callers treat
 * as "not covered" (fail closed).
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const first = firstWildcard(outer);
  if (first < 0) return false;
  if (!literalEnds(outer, inner, first)) return false;
  if (isMatchAll(outer)) return true;
  return coversSymbolically(outer, inner);
}

/** Index of the first `*` or `?` of `pattern`, or -1. */
function firstWildcard(pattern: string): number {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QUESTION) return i;
  }
  return -1;
}

/**
 * Outer's literal head (before its first wildcard) and tail (after its last) must be inner's,
 * character for character: only wildcards absorb anything. Most Deny/Allow resource pairs name
 * different ARNs and are told apart here without the table below.
 */
function literalEnds(outer: string, inner: string, first: number): boolean {
  if (inner.length < first) return false;
  for (let i = 0; i < first; i++) if (outer.charCodeAt(i) !== inner.charCodeAt(i)) return false;
  for (let o = outer.length - 1, i = inner.length - 1; o > first; o--, i--) {
    const c = outer.charCodeAt(o);
    if (c === STAR || c === QUESTION) break;
    if (i < first || c !== inner.charCodeAt(i)) return false;
  }
  return true;
}

/** Rows of the table below, reused across calls (the matcher calls nothing while it holds them). */
let rows: [Uint8Array, Uint8Array] = [new Uint8Array(64), new Uint8Array(64)];

function coversSymbolically(outer: string, inner: string): boolean {
  const n = outer.length;
  const m = inner.length;
  if (rows[0].length < m + 1) rows = [new Uint8Array(2 * (m + 1)), new Uint8Array(2 * (m + 1))];
  // reach[j]: outer[0..i) can produce inner[0..j) symbolically. Two rows, swapped, not one per character.
  let [reach, next] = rows;
  reach.fill(0, 0, m + 1);
  reach[0] = 1;
  for (let i = 0; i < n; i++) {
    next.fill(0, 0, m + 1);
    const o = outer.charCodeAt(i);
    if (o === STAR) {
      let seen = 0;
      for (let j = 0; j <= m; j++) {
        seen |= reach[j] ?? 0;
        next[j] = seen;
      }
    } else {
      for (let j = 0; j < m; j++) {
        if (!reach[j]) continue;
        const c = inner.charCodeAt(j);
        if (c !== STAR && c !== QUESTION && (o === QUESTION || o === c)) next[j + 1] = 1;
        else if (o === QUESTION && c === QUESTION) next[j + 1] = 1;
      }
    }
    const done = reach;
    reach = next;
    next = done;
  }
  return reach[m] === 1;
}

/** True when some string matches both patterns. */
export function globsIntersect(a: string, b: string): boolean {
  const n = a.length;
  const m = b.length;
  // can[i][j]: suffixes a[i..] and b[j..] share a string. Filled backwards, row by row.
  let below = new Uint8Array(m + 1); // row i + 1
  let row = new Uint8Array(m + 1); // every cell is rewritten, so two buffers take turns
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) row[j] = cell(a, b, i, j, row, below);
    const done = below;
    below = row;
    row = done;
  }
  return below[0] === 1;
}

/** One cell of the intersection table: `row` is row i (filled from the right), `below` row i + 1. */
function cell(a: string, b: string, i: number, j: number, row: Uint8Array, below: Uint8Array): number {
  const n = a.length;
  const m = b.length;
  if (i === n && j === m) return 1;
  const ca = i < n ? a.charCodeAt(i) : -1;
  const cb = j < m ? b.charCodeAt(j) : -1;
  // A star may match nothing (skip it) or absorb the other side's next character.
  if (ca === STAR && (below[j] || (j < m && row[j + 1]))) return 1;
  if (cb === STAR && (row[j + 1] || (i < n && below[j]))) return 1;
  if (ca < 0 || cb < 0 || ca === STAR || cb === STAR) return 0;
  const compatible = ca === QUESTION || cb === QUESTION || ca === cb;
  return compatible ? (below[j + 1] ?? 0) : 0;
}

/** True when the pattern matches every string (it consists of `*` only). */
export function isMatchAll(pattern: string): boolean {
  if (pattern.length === 0) return false;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) !== STAR) return false;
  return true;
}

/** True when the string contains an IAM wildcard. */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}
