import { catalogue } from './catalogue';
import { globCovers, globsIntersect } from './glob';

/**
 * Sets of IAM actions. Known actions are a bitset over the catalogue's dense indexes; actions the
 * catalogue does not know yet (new services, new actions) are described symbolically, because
 * `Action: "s3:*"` and, above all, `NotAction` with `Allow` also grant actions AWS adds later.
 *
 * Operations on the symbolic part over-approximate what is granted (fail closed): a result may
 * claim a future action is included when it is not, never the reverse.
 */

/** Which not-yet-catalogued actions a set holds; patterns are lowercase `service:action` globs. */
export type FutureSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'matching'; readonly patterns: readonly string[] }
  | { readonly kind: 'all-except'; readonly except: readonly string[] };

/** An action set: known actions as bits, future ones as a spec. Treat as immutable. */
export interface ActionSet {
  readonly bits: Uint32Array;
  readonly future: FutureSpec;
}

const NONE: FutureSpec = { kind: 'none' };

/** Words of a bitset over the catalogue. */
export function wordCount(): number {
  return Math.ceil(catalogue().names.length / 32);
}

/** A bitset with no action. */
export function emptyBits(): Uint32Array {
  return new Uint32Array(wordCount());
}

/** The set of nothing. */
export function emptySet(): ActionSet {
  return { bits: emptyBits(), future: NONE };
}

/** Sets bit `index`. */
export function setBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5] = (bits[index >>> 5] ?? 0) | (1 << (index & 31));
}

/** True when bit `index` is set. */
export function hasBit(bits: Uint32Array, index: number): boolean {
  return (((bits[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
}

/** True when every bit of `[start, end)` is set (whole words at a time where it can). */
export function hasRange(bits: Uint32Array, start: number, end: number): boolean {
  let i = start;
  for (; i < end && (i & 31) !== 0; i++) if (!hasBit(bits, i)) return false;
  for (; i + 32 <= end; i += 32) if (bits[i >>> 5] !== 0xffffffff) return false;
  for (; i < end; i++) if (!hasBit(bits, i)) return false;
  return true;
}

/** Sets bits `[start, end)`. */
export function setRange(bits: Uint32Array, start: number, end: number): void {
  let i = start;
  for (; i < end && (i & 31) !== 0; i++) setBit(bits, i);
  // Whole words at once: `*` and NotAction fill most of the catalogue.
  for (; i + 32 <= end; i += 32) bits[i >>> 5] = 0xffffffff;
  for (; i < end; i++) setBit(bits, i);
}

/** Every known action. */
export function fullBits(): Uint32Array {
  const bits = emptyBits();
  setRange(bits, 0, catalogue().names.length);
  return bits;
}

/** Number of set bits (in words `[lo, hi)`, by default all). */
export function countBits(bits: Uint32Array, lo = 0, hi = bits.length): number {
  let count = 0;
  for (let w = lo; w < hi; w++) {
    let word = bits[w] ?? 0;
    word -= (word >>> 1) & 0x55555555;
    word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
    count += (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return count;
}

/** True when no bit is set. */
export function isEmptyBits(bits: Uint32Array): boolean {
  for (let w = 0; w < bits.length; w++) if (bits[w] !== 0) return false;
  return true;
}

/** Indexes of the set bits, ascending. */
export function bitIndexes(bits: Uint32Array): number[] {
  const out: number[] = [];
  bits.forEach((word, w) => {
    let rest = word;
    while (rest !== 0) {
      const low = rest & -rest;
      out.push(w * 32 + 31 - Math.clz32(low));
      rest ^= low;
    }
  });
  return out;
}

// One loop per operation rather than a callback per word: these run for every grant and Deny.
function orBits(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) | (b[i] ?? 0);
  return out;
}

function andBits(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) & (b[i] ?? 0);
  return out;
}

function andNotBits(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) & ~(b[i] ?? 0);
  return out;
}

/** `target |= source`, in place. */
export function orInto(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) | (source[i] ?? 0);
}

/** Complement within the catalogue. */
export function complementBits(bits: Uint32Array): Uint32Array {
  return andNotBits(fullBits(), bits);
}

/** True when every bit of `inner` is set in `outer`. */
export function containsBits(outer: Uint32Array, inner: Uint32Array): boolean {
  for (let i = 0; i < inner.length; i++) if (((inner[i] ?? 0) & ~(outer[i] ?? 0)) !== 0) return false;
  return true;
}

const anyIntersects = (patterns: readonly string[], p: string): boolean => patterns.some((q) => globsIntersect(q, p));
const anyCovers = (patterns: readonly string[], p: string): boolean => patterns.some((q) => globCovers(q, p));

/** Patterns for the actions both lists match: the narrower of each overlapping pair (over-approximated). */
function intersectPatterns(a: readonly string[], b: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of a) {
    for (const q of b) {
      if (globCovers(p, q)) out.add(q);
      else if (globCovers(q, p) || globsIntersect(p, q)) out.add(p);
    }
  }
  return [...out];
}

function unionFuture(a: FutureSpec, b: FutureSpec): FutureSpec {
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  if (a.kind === 'matching' && b.kind === 'matching') return { kind: 'matching', patterns: [...new Set([...a.patterns, ...b.patterns])] };
  if (a.kind === 'all-except' && b.kind === 'all-except') return { kind: 'all-except', except: a.except.filter((e) => b.except.includes(e)) };
  const all = a.kind === 'all-except' ? a : (b as Extract<FutureSpec, { kind: 'all-except' }>);
  const some = a.kind === 'matching' ? a : (b as Extract<FutureSpec, { kind: 'matching' }>);
  return { kind: 'all-except', except: all.except.filter((e) => !anyIntersects(some.patterns, e)) };
}

function subtractFuture(a: FutureSpec, d: FutureSpec): FutureSpec {
  if (a.kind === 'none' || d.kind === 'none') return a;
  if (d.kind === 'all-except') {
    // What survives lies within d's exceptions.
    if (a.kind === 'all-except') return { kind: 'matching', patterns: d.except.filter((e) => !anyCovers(a.except, e)) };
    return { kind: 'matching', patterns: intersectPatterns(a.patterns, d.except) };
  }
  if (a.kind === 'matching') return { kind: 'matching', patterns: a.patterns.filter((p) => !anyCovers(d.patterns, p)) };
  return { kind: 'all-except', except: [...new Set([...a.except, ...d.patterns])] };
}

function intersectFuture(a: FutureSpec, b: FutureSpec): FutureSpec {
  if (a.kind === 'none' || b.kind === 'none') return NONE;
  if (a.kind === 'all-except' && b.kind === 'all-except') return { kind: 'all-except', except: [...new Set([...a.except, ...b.except])] };
  if (a.kind === 'matching' && b.kind === 'matching') return { kind: 'matching', patterns: intersectPatterns(a.patterns, b.patterns) };
  const all = a.kind === 'all-except' ? a : (b as Extract<FutureSpec, { kind: 'all-except' }>);
  const some = a.kind === 'matching' ? a : (b as Extract<FutureSpec, { kind: 'matching' }>);
  return { kind: 'matching', patterns: some.patterns.filter((p) => !anyCovers(all.except, p)) };
}

/** `*` and `*:*` match every action name. */
function matchesEveryAction(pattern: string): boolean {
  return /^\*+(:\*+)?$/.test(pattern);
}

function normalise(spec: FutureSpec): FutureSpec {
  if (spec.kind === 'matching' && spec.patterns.length === 0) return NONE;
  if (spec.kind === 'all-except' && spec.except.some(matchesEveryAction)) return NONE;
  return spec;
}

/** `a ∪ b`. */
export function union(a: ActionSet, b: ActionSet): ActionSet {
  return { bits: orBits(a.bits, b.bits), future: normalise(unionFuture(a.future, b.future)) };
}

/** `a − b`. */
export function subtract(a: ActionSet, b: ActionSet): ActionSet {
  return { bits: andNotBits(a.bits, b.bits), future: normalise(subtractFuture(a.future, b.future)) };
}

/** `a ∩ b`. */
export function intersect(a: ActionSet, b: ActionSet): ActionSet {
  return { bits: andBits(a.bits, b.bits), future: normalise(intersectFuture(a.future, b.future)) };
}

/** The complement: what `Allow` + `NotAction` grants, future actions included. */
export function complement(a: ActionSet): ActionSet {
  const future: FutureSpec =
    a.future.kind === 'none'
      ? { kind: 'all-except', except: [] }
      : a.future.kind === 'matching'
        ? { kind: 'all-except', except: a.future.patterns }
        : { kind: 'matching', patterns: a.future.except };
  return { bits: complementBits(a.bits), future: normalise(future) };
}

/** True when the set holds nothing, known or future. */
export function isEmptySet(a: ActionSet): boolean {
  return a.future.kind === 'none' && isEmptyBits(a.bits);
}

/** True when the set may hold the (uncatalogued) lowercase action name. */
export function futureIncludes(spec: FutureSpec, lowerAction: string): boolean {
  if (spec.kind === 'none') return false;
  if (spec.kind === 'matching') return anyCovers(spec.patterns, lowerAction);
  return !anyIntersects(spec.except, lowerAction);
}
