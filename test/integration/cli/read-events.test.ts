import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  DEFAULT_MAX_BYTES,
  isEventInputError,
  readEvents,
  readEventStream,
  STDIN_ORIGIN,
  type EventInput,
  type EventInputError,
  type EventReadItem,
  type ReadEventsOptions,
} from '../../../cli/read-events';
import { InvalidInputError } from '../../../domain/errors';

/** A line of a file that must never appear in an error message. */
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const event = (eventName: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09',
  eventTime: '2025-11-18T10:15:32Z',
  eventSource: 'iam.amazonaws.com',
  eventName,
  awsRegion: 'us-east-1',
  eventID: `id-${eventName}`,
  ...extra,
});

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-read-events-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(paths: readonly string[], options?: ReadEventsOptions): Promise<EventReadItem[]> {
  const items: EventReadItem[] = [];
  for await (const item of readEvents(paths, options)) items.push(item);
  return items;
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  return path;
}

function values(items: readonly EventReadItem[]): EventInput[] {
  return items.filter((item): item is EventInput => !isEventInputError(item));
}

function errors(items: readonly EventReadItem[]): EventInputError[] {
  return items.filter(isEventInputError);
}

function expectNoContentIn(items: readonly EventReadItem[], ...fragments: string[]): void {
  for (const item of errors(items)) {
    for (const fragment of fragments) expect(item.error).not.toContain(fragment);
  }
}

describe('readEvents: input forms', () => {
  it('reads a single JSON object as one event named by the path', async () => {
    const path = await file('one.json', JSON.stringify(event('PutRolePolicy'), null, 2));
    expect(await collect([path])).toEqual([{ origin: path, value: event('PutRolePolicy') }]);
  });

  it('reads a JSON array as one event per element, named path#index', async () => {
    const path = await file('many.json', JSON.stringify([event('A'), event('B')]));
    expect(await collect([path])).toEqual([
      { origin: `${path}#0`, value: event('A') },
      { origin: `${path}#1`, value: event('B') },
    ]);
  });

  it('reads a CloudTrail log file: each record is one event', async () => {
    const path = await file('log.json', JSON.stringify({ Records: [event('A'), event('B'), event('C')] }));
    const items = await collect([path]);
    expect(items.map((item) => item.origin)).toEqual([`${path}#0`, `${path}#1`, `${path}#2`]);
    expect(values(items).map((item) => (item.value as { eventName: string }).eventName)).toEqual(['A', 'B', 'C']);
  });

  it('reads aws cloudtrail lookup-events output, whose events are JSON strings', async () => {
    const output = { Events: [{ EventId: 'id-A', EventName: 'A', CloudTrailEvent: JSON.stringify(event('A')) }] };
    const path = await file('lookup.json', JSON.stringify(output, null, 4));
    expect(await collect([path])).toEqual([{ origin: `${path}#0`, value: event('A') }]);
  });

  it('reads JSON lines, skipping blank lines, one event per line named path:line', async () => {
    const content = [JSON.stringify(event('A')), '', '   ', JSON.stringify(event('B')), JSON.stringify(event('C'))].join('\r\n');
    const path = await file('events.jsonl', `${content}\n`);
    expect(await collect([path])).toEqual([
      { origin: `${path}:1`, value: event('A') },
      { origin: `${path}:4`, value: event('B') },
      { origin: `${path}:5`, value: event('C') },
    ]);
  });

  it('reports a bad JSON line as one error naming file and line, and continues', async () => {
    const lines = [JSON.stringify(event('A')), `{"eventName": "B", "secretKey": "${SECRET}"`, `not json at all ${SECRET}`, JSON.stringify(event('D'))];
    const path = await file('events.ndjson', lines.join('\n'));
    const items = await collect([path]);
    expect(items.map((item) => item.origin)).toEqual([`${path}:1`, `${path}:2`, `${path}:3`, `${path}:4`]);
    expect(values(items).map((item) => (item.value as { eventName: string }).eventName)).toEqual(['A', 'D']);
    const [truncated, garbage] = errors(items);
    expect(truncated?.error).toMatch(/line 2: incomplete JSON value/);
    expect(garbage?.error).toMatch(/line 3, column \d+: /);
    expect(truncated?.error).toContain(path);
    expectNoContentIn(items, SECRET, 'secretKey', 'not json');
  });

  it('reads concatenated pretty-printed JSON values (jq output) as one event each', async () => {
    const content = `${JSON.stringify(event('A'), null, 2)}\n${JSON.stringify(event('B'), null, 2)}\n`;
    const path = await file('jq.json', content);
    const items = await collect([path]);
    expect(values(items).map((item) => (item.value as { eventName: string }).eventName)).toEqual(['A', 'B']);
    expect(items[0]?.origin).toBe(`${path}:1`);
    expect(items[1]?.origin).toMatch(new RegExp(`^${escapeRegExp(path)}:\\d+$`));
  });

  it('reads a byte order mark and surrounding whitespace without complaint', async () => {
    const path = await file('bom.json', `\uFEFF\n\n  ${JSON.stringify(event('A'))}  \n\n`);
    expect(await collect([path])).toEqual([{ origin: path, value: event('A') }]);
  });

  it('reports a top-level scalar as not an event', async () => {
    const path = await file('scalar.json', '42');
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(errors(items)[0]?.error).toMatch(/not JSON, JSON lines or a CloudTrail log/);
  });

  it('reports an empty array and an empty Records array as one error each', async () => {
    const empty = await file('empty-array.json', '[]');
    const emptyLog = await file('empty-log.json', '{"Records": []}');
    const items = await collect([empty, emptyLog]);
    expect(items).toEqual([
      { origin: empty, error: `${empty}: no events (an empty array)` },
      { origin: emptyLog, error: `${emptyLog}: no events (the Records array is empty)` },
    ]);
  });
});

describe('readEvents: the shipped examples and fixtures', () => {
  const root = join(__dirname, '..', '..', '..');

  it('reads every example event, the gzipped CloudTrail log included, without an error', async () => {
    const items = await collect([join(root, 'examples', 'events')]);
    expect(errors(items)).toEqual([]);
    const log = join(root, 'examples', 'events', 'cloudtrail-log.json.gz');
    expect(items.filter((item) => item.origin.startsWith(`${log}#`))).toHaveLength(4);
  });

  it('reads every fixture as exactly one EventBridge event', async () => {
    const items = await collect([join(root, 'test', 'fixtures', 'events')]);
    expect(errors(items)).toEqual([]);
    for (const item of values(items)) {
      expect(item.origin).toMatch(/\.json$/);
      expect(item.value).toMatchObject({ 'detail-type': 'AWS API Call via CloudTrail' });
    }
  });
});

describe('readEvents: gzip', () => {
  it('reads a gzipped CloudTrail log file', async () => {
    const path = await file('111122223333_CloudTrail_us-east-1_20251118T1015Z_abc.json.gz', gzipSync(JSON.stringify({ Records: [event('A'), event('B')] })));
    const items = await collect([path]);
    expect(items).toEqual([
      { origin: `${path}#0`, value: event('A') },
      { origin: `${path}#1`, value: event('B') },
    ]);
  });

  it('detects gzip by its magic bytes, not the extension', async () => {
    const path = await file('not-obviously-gzipped.json', gzipSync(`${JSON.stringify(event('A'))}\n${JSON.stringify(event('B'))}\n`));
    expect(await collect([path])).toEqual([
      { origin: `${path}:1`, value: event('A') },
      { origin: `${path}:2`, value: event('B') },
    ]);
  });

  it('reads a file named .gz that is not compressed as plain JSON', async () => {
    const path = await file('plain.json.gz', JSON.stringify(event('A')));
    expect(await collect([path])).toEqual([{ origin: path, value: event('A') }]);
  });

  it('reports corrupt and truncated gzip data as one error', async () => {
    const compressed = gzipSync(JSON.stringify({ Records: [event('A')] }));
    const corrupt = Buffer.concat([compressed.subarray(0, 10), Buffer.alloc(200, 0xff)]); // reserved block type
    const corruptPath = await file('corrupt.json.gz', corrupt);
    const truncatedPath = await file('truncated.json.gz', compressed.subarray(0, compressed.length - 12));
    const items = await collect([corruptPath, truncatedPath]);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({ origin: corruptPath, error: expect.stringMatching(/gzip/) as unknown });
    expect(items[1]).toEqual({ origin: truncatedPath, error: expect.stringMatching(/gzip/) as unknown });
  });

  it('stops a gzip bomb at the size limit', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)); // 8 MiB of spaces, a few KiB compressed
    expect(bomb.length).toBeLessThan(64 * 1024);
    const path = await file('bomb.json.gz', bomb);
    const items = await collect([path], { maxBytes: 1024 * 1024 });
    expect(items).toEqual([{ origin: path, error: `${path}: decompressed data is larger than the 1 MiB limit (a gzip bomb?)` }]);
  });
});

describe('readEvents: directories and paths', () => {
  it('walks directories recursively in sorted order, reading only event files and skipping hidden ones', async () => {
    await file('b.json', JSON.stringify(event('B')));
    await file('a/z.jsonl', `${JSON.stringify(event('AZ'))}\n`);
    await file('a/c.ndjson', `${JSON.stringify(event('AC'))}\n`);
    await file('c.json.gz', gzipSync(JSON.stringify(event('C'))));
    await file('d.gz', gzipSync(JSON.stringify(event('D'))));
    await file('notes.txt', 'not an event file');
    await file('.hidden.json', JSON.stringify(event('HIDDEN')));
    await file('.git/config.json', JSON.stringify(event('GIT')));
    await symlink(join(dir, 'a'), join(dir, 'same-as-a')); // read once, not twice
    await symlink(dir, join(dir, 'a', 'back-to-top')); // a cycle
    const items = await collect([dir]);
    expect(errors(items)).toEqual([]);
    expect(values(items).map((item) => (item.value as { eventName: string }).eventName)).toEqual(['AC', 'AZ', 'B', 'C', 'D']);
    expect(items.map((item) => item.origin)).toEqual([
      join(dir, 'a', 'c.ndjson'),
      join(dir, 'a', 'z.jsonl'),
      join(dir, 'b.json'),
      join(dir, 'c.json.gz'),
      join(dir, 'd.gz'),
    ]);
  });

  it('reads a file named on the command line whatever its extension', async () => {
    const path = await file('events.txt', JSON.stringify(event('A')));
    expect(await collect([path])).toEqual([{ origin: path, value: event('A') }]);
  });

  it('reports a directory without event files', async () => {
    await file('readme.md', '# nothing here');
    const items = await collect([dir]);
    expect(items).toHaveLength(1);
    expect(errors(items)[0]?.error).toMatch(/no event files/);
  });

  it('throws InvalidInputError naming a path that does not exist, before reading anything', async () => {
    const good = await file('good.json', JSON.stringify(event('A')));
    const missing = join(dir, 'missing.json');
    const iterator = readEvents([good, missing]);
    await expect(iterator.next()).rejects.toThrow(InvalidInputError);
    await expect(collect([missing])).rejects.toThrow(`no such file or directory: ${missing}`);
    await expect(collect([join(good, 'below-a-file.json')])).rejects.toThrow(InvalidInputError);
    await expect(collect([])).rejects.toThrow(InvalidInputError);
  });

  it('reads - from stdin', async () => {
    const stdin = Readable.from([Buffer.from(`${JSON.stringify(event('A'))}\n`), Buffer.from(`${JSON.stringify(event('B'))}\n`)]);
    expect(await collect(['-'], { stdin })).toEqual([
      { origin: `${STDIN_ORIGIN}:1`, value: event('A') },
      { origin: `${STDIN_ORIGIN}:2`, value: event('B') },
    ]);
  });

  it('reads gzipped stdin split into one-byte chunks', async () => {
    const compressed = gzipSync(JSON.stringify({ Records: [event('A')] }));
    const stdin = Readable.from([...compressed].map((byte) => Buffer.from([byte])));
    expect(await collect(['-'], { stdin })).toEqual([{ origin: `${STDIN_ORIGIN}#0`, value: event('A') }]);
  });
});

describe('readEvents: bad and hostile input', () => {
  it('reports an empty file, and a file of only whitespace, as "empty file"', async () => {
    const empty = await file('empty.json', '');
    const blank = await file('blank.jsonl', '\n\n   \n');
    expect(await collect([empty, blank])).toEqual([
      { origin: empty, error: `${empty}: empty file` },
      { origin: blank, error: `${blank}: empty file` },
    ]);
  });

  it('reports a garbage file as one error without quoting it', async () => {
    const path = await file('garbage.json', `password=${SECRET}\nuser=admin\n${'x'.repeat(100)}\n<xml/>\n!!\n#\n`);
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({ origin: path, error: expect.stringContaining('not JSON, JSON lines or a CloudTrail log') as unknown });
    expectNoContentIn(items, SECRET, 'password', 'admin');
  });

  it('reports a pretty-printed document with a syntax error as one error', async () => {
    const broken = JSON.stringify({ Records: [event('A'), event('B')] }, null, 2).replace('"eventName": "B",', `"eventName": "B" "token": "${SECRET}",`);
    const path = await file('broken.json', broken);
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(errors(items)[0]?.error).toMatch(/not JSON, JSON lines or a CloudTrail log/);
    expectNoContentIn(items, SECRET, 'token');
  });

  it('caps per-line errors and summarises the rest', async () => {
    const lines = [JSON.stringify(event('A'))];
    for (let i = 0; i < 100; i += 1) lines.push(`garbage line ${i}`);
    lines.push(JSON.stringify(event('Z')));
    const path = await file('mostly-bad.jsonl', lines.join('\n'));
    const items = await collect([path]);
    expect(values(items)).toHaveLength(2);
    expect(errors(items)).toHaveLength(21);
    expect(items[items.length - 1]).toEqual({ origin: path, error: `${path}: 80 more malformed lines not shown` });
  });

  it('reports a file over the size limit as one error without reading it', async () => {
    const path = await file('big.json', JSON.stringify([event('A'), event('B')]));
    expect(await collect([path], { maxBytes: 100 })).toEqual([{ origin: path, error: `${path}: file is ${Buffer.byteLength(JSON.stringify([event('A'), event('B')]))} bytes, larger than the 100 bytes limit` }]);
    expect(DEFAULT_MAX_BYTES).toBe(512 * 1024 * 1024);
  });

  it('stops reading stdin at the size limit', async () => {
    const stdin = Readable.from([Buffer.from(`${JSON.stringify(event('A'))}\n`), Buffer.alloc(4096, 0x20)]);
    const items = await collect(['-'], { stdin, maxBytes: 1024 });
    expect(values(items)).toHaveLength(1);
    expect(errors(items)).toEqual([{ origin: STDIN_ORIGIN, error: `${STDIN_ORIGIN}: input is larger than the 1 KiB limit` }]);
  });

  it('gives one quick error for a 50 MB file of random bytes', async () => {
    const path = join(dir, 'random.json');
    await writeLarge(path, 50 * 1024 * 1024, (size) => {
      const chunk = randomBytes(size);
      if (chunk[0] === 0x1f) chunk[0] = 0x00; // not gzip
      return chunk;
    });
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(items[0]).toEqual({ origin: path, error: expect.stringContaining('not JSON, JSON lines or a CloudTrail log') as unknown });
  }, 120_000);

  it('gives few items for 50 MB of garbage lines after one good line', async () => {
    const path = join(dir, 'mostly-garbage.jsonl');
    let first = true;
    await writeLarge(path, 50 * 1024 * 1024, (size) => {
      const garbage = randomBytes(Math.ceil((size * 3) / 4)).toString('base64').replace(/(.{76})/g, '$1\n');
      const text = first ? `${JSON.stringify(event('A'))}\n${garbage}` : garbage;
      first = false;
      return Buffer.from(text.slice(0, size));
    });
    const items = await collect([path]);
    expect(values(items).length).toBeGreaterThanOrEqual(1);
    expect(items.length).toBeLessThanOrEqual(1 + 1 + 20 + 1);
    expect(items[items.length - 1]).toEqual({ origin: path, error: expect.stringMatching(/more malformed lines? not shown$/) as unknown });
  }, 120_000);

  it('never throws on arbitrary bytes and yields at least one item per file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), async (bytes, compress) => {
        const content = compress ? gzipSync(bytes) : Buffer.from(bytes);
        const path = await file('arbitrary.json', content);
        const items = await collect([path], { maxBytes: 64 * 1024 });
        expect(items.length).toBeGreaterThanOrEqual(1);
        for (const item of items) expect(item.origin.startsWith(path)).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('never throws on arbitrary text made of JSON-ish pieces', async () => {
    const piece = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'a', '1', '-', '.', 'e', 'true', 'null', ' ', '\n', '\r', '\u0000', '"Records"', '{"a":1}');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 200 }), async (pieces) => {
        const items: EventReadItem[] = [];
        for await (const item of readEventStream('text', Readable.from([Buffer.from(pieces.join(''))]))) items.push(item);
        expect(items.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('agrees with JSON.parse on single documents, valid or slightly broken', async () => {
    const edit = fc.record({ at: fc.nat(), remove: fc.boolean(), insert: fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', 'e', ' ', '\n') });
    await fc.assert(
      fc.asyncProperty(fc.json(), fc.array(edit, { maxLength: 2 }), async (json, edits) => {
        let text = json;
        for (const { at, remove, insert } of edits) {
          const index = text.length === 0 ? 0 : at % text.length;
          text = text.slice(0, index) + insert + text.slice(remove ? index + 1 : index);
        }
        let parsed: { readonly value: unknown } | undefined;
        try {
          parsed = { value: JSON.parse(text) as unknown };
        } catch {
          parsed = undefined;
        }
        const items: EventReadItem[] = [];
        for await (const item of readEventStream('doc', Readable.from([Buffer.from(text)]))) items.push(item);
        expect(items.length).toBeGreaterThanOrEqual(1);
        const single = items.length === 1 && items[0]?.origin === 'doc' && !isEventInputError(items[0]);
        const isPlainObject = typeof parsed?.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
        const container = parsed?.value as Record<string, unknown> | undefined;
        const holdsEvents = isPlainObject && (Array.isArray(container?.Records) || Array.isArray(container?.Events));
        // Never stricter than JSON.parse: a valid plain object is read as itself.
        if (isPlainObject && !holdsEvents) expect(items).toEqual([{ origin: 'doc', value: parsed?.value }]);
        // Never laxer: what is read as one whole document, JSON.parse accepts.
        if (single) expect(parsed).toEqual({ value: (items[0] as EventInput).value });
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('reads back what JSON.stringify wrote, whatever the layout', async () => {
    const eventLike = fc.record({ eventName: fc.string(), payload: fc.jsonValue() });
    await fc.assert(
      fc.asyncProperty(fc.array(eventLike, { minLength: 1, maxLength: 8 }), fc.constantFrom('lines', 'array', 'records', 'pretty'), async (events, layout) => {
        const expected = events.map((value) => JSON.parse(JSON.stringify(value)) as unknown);
        const text =
          layout === 'lines'
            ? events.map((value) => JSON.stringify(value)).join('\n')
            : layout === 'array'
              ? JSON.stringify(events, null, 1)
              : layout === 'records'
                ? JSON.stringify({ Records: events })
                : events.map((value) => JSON.stringify(value, null, 2)).join('\n');
        const items: EventReadItem[] = [];
        for await (const item of readEventStream('gen', Readable.from([Buffer.from(text)]))) items.push(item);
        expect(errors(items)).toEqual([]);
        expect(values(items).map((item) => item.value)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes `total` bytes made by `make`, in 1 MiB chunks, without holding them all. */
async function writeLarge(path: string, total: number, make: (size: number) => Buffer): Promise<void> {
  const out = createWriteStream(path);
  const chunk = 1024 * 1024;
  for (let written = 0; written < total; written += chunk) {
    const data = make(Math.min(chunk, total - written));
    if (!out.write(data)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(resolve);
  });
}
