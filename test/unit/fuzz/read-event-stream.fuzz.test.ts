import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { isEventInputError, readEventStream, type EventReadItem, type ReadEventsOptions } from '../../../cli/read-events';
import { check, FUZZ_RUNS, loneSurrogate } from './arbitraries';

/**
 * Fuzz of the CLI input reader on byte streams (issue 7; readEventStream needs no file system):
 * every layout `warden replay` accepts, then cut short, gzipped (whole, truncated, corrupted),
 * mixed with bytes that are not UTF-8 or strings with lone surrogates, deeply nested, split into
 * chunks of every size and type, from streams that fail part-way, under tight limits. The reader
 * never throws, always says something, names where each item came from, writes each error on one
 * line without quoting the input, and reads valid input exactly.
 */

/** Planted in every event: an error message that contains it quotes the input. */
const CANARY = 'CANARYwJalrXUtnFEMIK7MDENG';
const ORIGIN = 'fuzz.json';

const eventArb = fc.record({ eventID: fc.uuid(), eventName: fc.constantFrom('PutRolePolicy', 'CreateFunction20150331'), n: fc.integer() }).map((e) => ({ ...e, eventSource: 'iam.amazonaws.com', secret: CANARY }));

type Layout = 'object' | 'pretty' | 'array' | 'lines' | 'records' | 'lookup' | 'concatenated';

/** The text of `events` in one layout, and the values the reader must yield for it. */
function render(events: readonly Record<string, unknown>[], layout: Layout): { readonly text: string; readonly expected: readonly unknown[] } {
  switch (layout) {
    case 'object':
      return { text: JSON.stringify(events[0] ?? {}), expected: [events[0] ?? {}] };
    case 'pretty':
      return { text: JSON.stringify(events[0] ?? {}, null, 2), expected: [events[0] ?? {}] };
    case 'array':
      return { text: JSON.stringify(events, null, 1), expected: events };
    case 'lines':
      return { text: events.map((e) => JSON.stringify(e)).join('\n'), expected: events };
    case 'records':
      return { text: JSON.stringify({ Records: events }), expected: events };
    case 'lookup':
      return { text: JSON.stringify({ Events: events.map((e) => ({ EventId: 'x', CloudTrailEvent: JSON.stringify(e) })) }), expected: events };
    case 'concatenated':
      return { text: events.map((e) => JSON.stringify(e, null, 2)).join('\n'), expected: events };
  }
}

const layout = fc.constantFrom<Layout>('object', 'pretty', 'array', 'lines', 'records', 'lookup', 'concatenated');
const valid = fc.tuple(fc.array(eventArb, { minLength: 1, maxLength: 3 }), layout, fc.boolean()).map(([events, l, bom]) => {
  const { text, expected } = render(events, l);
  return { text: bom ? `\ufeff${text}` : text, expected };
});

/** One way to damage the bytes of a valid input. */
type Damage =
  | { readonly kind: 'none' }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'bytes'; readonly at: number; readonly junk: Uint8Array }
  | { readonly kind: 'surrogates'; readonly at: number; readonly junk: string }
  | { readonly kind: 'gzip' }
  | { readonly kind: 'gzip-truncated'; readonly at: number }
  | { readonly kind: 'gzip-corrupt'; readonly at: number; readonly byte: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.constant<Damage>({ kind: 'none' }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('surrogates' as const), at: fc.nat(), junk: fc.array(loneSurrogate, { minLength: 1, maxLength: 3 }).map((s) => s.join('')) }),
  fc.constant<Damage>({ kind: 'gzip' }),
  fc.record({ kind: fc.constant('gzip-truncated' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('gzip-corrupt' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

/** The input as chunks (bytes or strings) and whether it is still intact (valid values expected). */
interface Input {
  readonly chunks: readonly unknown[];
  readonly intact: boolean;
}

function damaged(text: string, d: Damage): { readonly content: Buffer | string; readonly intact: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  const cut = (at: number, length: number) => at % Math.max(1, length);
  switch (d.kind) {
    case 'none':
      return { content: bytes, intact: true };
    case 'truncate':
      return { content: bytes.subarray(0, cut(d.at, bytes.length)), intact: false };
    case 'bytes': {
      const at = cut(d.at, bytes.length);
      return { content: Buffer.concat([bytes.subarray(0, at), d.junk, bytes.subarray(at)]), intact: false };
    }
    case 'surrogates': {
      // A string chunk: the reader encodes it; lone surrogates become U+FFFD.
      const at = cut(d.at, text.length);
      return { content: `${text.slice(0, at)}${d.junk}${text.slice(at)}`, intact: false };
    }
    case 'gzip':
      return { content: gzipSync(bytes), intact: true };
    case 'gzip-truncated': {
      const zipped = gzipSync(bytes);
      return { content: zipped.subarray(0, Math.max(2, cut(d.at, zipped.length))), intact: false };
    }
    case 'gzip-corrupt': {
      const zipped = Buffer.from(gzipSync(bytes));
      const at = 2 + cut(d.at, zipped.length - 2);
      zipped[at] = d.byte;
      return { content: zipped, intact: false };
    }
  }
}

/** Splits content into chunks at the given cut points; Buffers, Uint8Array views, or strings. */
function chunked(content: Buffer | string, cuts: readonly number[], style: 'buffer' | 'view' | 'string'): unknown[] {
  if (typeof content === 'string') return cuts.length === 0 ? [content] : splitAt(content, cuts, content.length);
  const parts = splitAt(content, cuts, content.length);
  if (style === 'string') return parts;
  if (style === 'view') return parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return parts;
}

function splitAt<T extends Buffer | string>(content: T, cuts: readonly number[], length: number): T[] {
  const points = [...new Set(cuts.map((c) => c % Math.max(1, length)))].sort((a, b) => a - b);
  const out: T[] = [];
  let from = 0;
  for (const p of points) {
    out.push(content.slice(from, p) as T);
    from = p;
  }
  out.push(content.slice(from) as T);
  return out;
}

const structured: fc.Arbitrary<{ readonly input: Input; readonly expected: readonly unknown[] }> = fc
  .tuple(valid, damage, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom<'buffer' | 'view' | 'string'>('buffer', 'view', 'string'))
  .map(([{ text, expected }, d, cuts, style]) => {
    const { content, intact } = damaged(text, d);
    // Cutting a Buffer into strings would split UTF-8 sequences: only for text that stayed text.
    const safeStyle = style === 'string' && (d.kind !== 'none' || !Buffer.isBuffer(content)) ? 'buffer' : style;
    return { input: { chunks: chunked(content, cuts, safeStyle === 'string' ? 'buffer' : safeStyle), intact }, expected };
  });

/** Deeply nested and oversized documents (built once). */
const BIG: readonly string[] = [
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  `{"Records":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
  `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
  `[${'{"eventID":"x"},'.repeat(20_000)}{}]`,
  `${'{"eventID":"x"}\n'.repeat(10_000)}`,
  `{"eventID":"${'x'.repeat(300_000)}"}`,
  `${'{'.repeat(30_000)}`,
  `${'garbage line\n'.repeat(5_000)}`,
];

const BIG_INPUTS: readonly Input[] = BIG.map((text) => ({ chunks: [Buffer.from(text)], intact: false }));

const garbage: fc.Arbitrary<Input> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => ({ chunks: [Buffer.from(b)], intact: false })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ chunks: [s], intact: false })),
  fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('{', '}', '[', ']', '"', '\n', ',', ':', '\\', 'null', '1e', '-', '\ufeff')), { maxLength: 30 }).map((parts) => ({
    chunks: [parts.join('')],
    intact: false,
  })),
  fc.constant<Input>({ chunks: [], intact: false }),
  fc.tuple(valid, fc.oneof(fc.integer(), fc.constant(null), fc.constant({}), fc.constant([1]))).map(([{ text }, bad]) => ({ chunks: [Buffer.from(text.slice(0, 5)), bad], intact: false })),
);

/** A stream of the chunks that may fail after `failAfter` chunks with an Error or a non-Error. */
function stream(chunks: readonly unknown[], failure: { readonly after: number; readonly value: unknown } | undefined): AsyncIterable<unknown> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const [i, chunk] of chunks.entries()) {
        if (failure !== undefined && i === failure.after) throw failure.value;
        yield await Promise.resolve(chunk);
      }
      if (failure !== undefined && failure.after >= chunks.length) throw failure.value;
    },
  };
}

const failureArb = fc.option(
  fc.record({ after: fc.nat({ max: 6 }), value: fc.oneof(fc.constant<unknown>(new Error(`EIO ${CANARY}`)), fc.constant<unknown>(Object.assign(new Error('x'), { code: 'EIO' })), fc.constant<unknown>(CANARY), fc.constant<unknown>(undefined)) }),
  { freq: 8, nil: undefined },
);

const optionsArb: fc.Arbitrary<ReadEventsOptions> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ maxBytes: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ maxErrorsPerFile: fc.integer({ min: 0, max: 3 }) }) },
);

async function readAll(bytes: AsyncIterable<unknown>, options: ReadEventsOptions): Promise<EventReadItem[]> {
  const items: EventReadItem[] = [];
  for await (const item of readEventStream(ORIGIN, bytes, options)) items.push(item);
  return items;
}

function checkItems(items: readonly EventReadItem[], input: Input): void {
  check(items.length > 0, 'no item at all');
  const size = input.chunks.reduce<number>((sum, c) => sum + (typeof c === 'string' || c instanceof Uint8Array ? c.length : 1), 0);
  check(items.length <= size + 2, `more items (${items.length}) than the input has bytes`);
  for (const item of items) {
    check(typeof item.origin === 'string' && item.origin.startsWith(ORIGIN), 'an item does not name its origin');
    if (isEventInputError(item)) {
      check(typeof item.error === 'string' && item.error.length > 0, 'an empty error');
      check(!item.error.includes('\n'), 'an error spans lines');
      check(!item.error.includes(CANARY), 'an error quotes the input');
    }
  }
}

describe('readEventStream fuzz', () => {
  it(`reads ${FUZZ_RUNS} generated streams without throwing, one line per error, never quoting the input`, async () => {
    const input = fc.oneof(
      { weight: 30, arbitrary: structured.map((s) => s.input) },
      { weight: 10, arbitrary: garbage },
      { weight: 1, arbitrary: fc.constantFrom(...BIG_INPUTS) },
    );
    await fc.assert(
      fc.asyncProperty(input, failureArb, optionsArb, async (given, failure, options) => {
        checkItems(await readAll(stream(given.chunks, failure), options), given);
      }),
      // `timeout` fails a run that does not settle (a hang); the jest timeout bounds the whole suite.
      { numRuns: FUZZ_RUNS, seed: 7_401, timeout: 10_000 },
    );
  }, 120_000);

  it('reads intact input, in any layout, gzipped or not, in any chunking, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(structured, async ({ input, expected }) => {
        const items = await readAll(stream(input.chunks, undefined), {});
        if (!input.intact) return;
        const errors = items.filter(isEventInputError);
        check(errors.length === 0, `errors on intact input: ${errors.map((e) => e.error).join(' | ')}`);
        check(JSON.stringify(items.map((i) => (isEventInputError(i) ? null : i.value))) === JSON.stringify(expected), 'values differ from the events written');
      }),
      { numRuns: 1_000, seed: 7_402, timeout: 10_000 },
    );
  }, 60_000);
});
