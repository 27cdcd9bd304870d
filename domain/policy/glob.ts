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
  const n = outer.length;
  const m = inner.length;
  // reach[j]: outer[0..i) can produce inner[0..j) symbolically. Two rows, swapped, not one per character.
  let reach = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  reach[0] = 1;
  for (let i = 0; i < n; i++) {
    next.fill(0);
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
  return /^\*+$/.test(pattern);
}

/** True when the string contains an IAM wildcard. */
export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}
