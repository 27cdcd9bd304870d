import fc from 'fast-check';

/**
 * Generators shared by the fuzz suites: the kinds of bad input issue 7 names (valid, truncated,
 * wrong types, huge, deeply nested, invalid UTF-8 as lone surrogates or raw bytes), kept small
 * enough that 10,000 runs of a suite take seconds.
 */

/** The run count of every fuzz property (issue 7: at least 10,000 generated inputs each). */
export const FUZZ_RUNS = 10_000;

/** One unpaired UTF-16 surrogate: a string JavaScript allows and UTF-8 cannot encode. */
export const loneSurrogate: fc.Arbitrary<string> = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** Text with lone surrogates, control characters and structural characters mixed in. */
export const brokenText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.string({ maxLength: 4 }), loneSurrogate, fc.constantFrom('\u0000', '\n', '\r', '\ufeff', '\ufffd', '"', '\\', '{', '}', '[', ']', '%', '%E0%A4', '*', '?')), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));

/** A long string made by repeating a short one (cheap to build, up to `max` characters). */
export function hugeText(min = 10_000, max = 300_000): fc.Arbitrary<string> {
  return fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min, max })).map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
}

/** Any text the suites feed: ordinary, binary (any code point), broken, occasionally huge. */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 3, arbitrary: brokenText },
  { weight: 1, arbitrary: hugeText(1_000, 50_000) },
);

/** Raw bytes, as a Buffer (what a stream or an SDK may hand over instead of a string). */
export const buffer: fc.Arbitrary<Buffer> = fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes));

/** A value nested `depth` levels deep (arrays or objects), built without recursion. */
export function nested(depth: number, kind: 'array' | 'object', leaf: unknown = 'x'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** The JSON text of {@link nested}, built as a string (cheaper than stringifying the value). */
export function nestedText(depth: number, kind: 'array' | 'object', leaf = '"x"'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

function deepFreeze(value: unknown): unknown {
  let current = value;
  while (typeof current === 'object' && current !== null && !Object.isFrozen(current)) {
    Object.freeze(current);
    current = Array.isArray(current) ? current[0] : (current as Record<string, unknown>).a;
  }
  return value;
}

/**
 * Deeply nested values, 100 to 50,000 levels, built once and frozen: building them per run would
 * dominate the suites' time, and a frozen value also catches code that writes into its input.
 */
const DEEP_VALUES: readonly unknown[] = [100, 1_000, 10_000, 50_000].flatMap((depth) => [deepFreeze(nested(depth, 'array')), deepFreeze(nested(depth, 'object'))]);

/** A deeply nested value (shared and frozen: never mutate it). */
export const deep: fc.Arbitrary<unknown> = fc.constantFrom(...DEEP_VALUES);

/** A value of a type a field rarely expects (fresh, safe to mutate). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, '', [], {}),
  fc.integer(),
  fc.double(),
  nastyText,
  buffer,
  fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 3 }),
  fc.constant(Object.create(null) as unknown),
);

/** Any wrong value, deep ones included (not for further mutation). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: wrongType }, { weight: 1, arbitrary: deep });

type Json = Record<string, unknown>;

/**
 * Fails the property with `message` when `ok` is false. Plain checks rather than `expect` inside
 * the properties: at 10,000 runs, expect's bookkeeping would cost more than the code under test.
 */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

function isContainer(value: unknown): value is Json | unknown[] {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}

/** Every path to a value inside `root` (objects and arrays; at most `limit`), root first. */
function paths(root: unknown, limit = 200): (string | number)[][] {
  const out: (string | number)[][] = [[]];
  const queue: { readonly value: unknown; readonly path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const { value, path } = queue.shift() as { value: unknown; path: (string | number)[] };
    if (!isContainer(value)) continue;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push([...path, key]);
      queue.push({ value: child, path: [...path, key] });
    }
  }
  return out;
}

/** One edit of a valid input: drop a field, give it a wrong value, or cut a string short. */
export type Edit = { readonly at: number; readonly kind: 'delete' } | { readonly at: number; readonly kind: 'replace'; readonly value: unknown } | { readonly at: number; readonly kind: 'truncate'; readonly keep: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const) }),
  fc.record({ at: fc.nat(), kind: fc.constant('replace' as const), value: wrongType }),
  fc.record({ at: fc.nat(), kind: fc.constant('truncate' as const), keep: fc.nat({ max: 40 }) }),
);

function applyEdit(root: unknown, e: Edit): unknown {
  const all = paths(root);
  const path = all[e.at % all.length] ?? [];
  if (path.length === 0) {
    if (e.kind === 'replace') return e.value;
    if (e.kind === 'truncate') return typeof root === 'string' ? root.slice(0, e.keep) : root;
    return undefined;
  }
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] as string | number;
  let parent: unknown = root;
  for (const step of parentPath) parent = (parent as Json)[step as string];
  const container = parent as Json;
  const current = container[key as string];
  if (e.kind === 'delete') {
    if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
    else delete container[key as string];
  } else if (e.kind === 'replace') {
    container[key as string] = e.value;
  } else if (typeof current === 'string') {
    container[key as string] = current.slice(0, e.keep);
  }
  return root;
}

/** A mutated deep copy of `valid` (JSON values only). */
export function mutate(valid: unknown, edits: readonly Edit[]): unknown {
  let value: unknown = valid === undefined ? undefined : (JSON.parse(JSON.stringify(valid)) as unknown);
  for (const e of edits) value = applyEdit(value, e);
  return value;
}

/** JSON text cut at a random point (a truncated file, a line cut short). */
export function truncated(text: string, at: number): string {
  return text.slice(0, text.length === 0 ? 0 : at % text.length);
}
