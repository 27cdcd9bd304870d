import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { isEventInputError, readEvents, type EventReadItem } from '../../../cli/read-events';
import { InvalidInputError, WardenError } from '../../../domain/errors';

/**
 * Fuzz of `warden replay PATH…` input reading on a real file system (issue 7): generated trees of
 * files and directories with odd names (spaces, control characters, lone surrogates, `.gz` names
 * holding plain text, hidden files), empty and damaged files, symbolic links that loop or dangle,
 * and paths that do not exist. The byte-level fuzz (10,000 streams) is
 * test/unit/fuzz/read-event-stream.fuzz.test.ts; this one covers what only paths can do.
 * readEvents either refuses a path up front with an InvalidInputError or yields items that name
 * their file, one line per error, never quoting the content.
 */

const CANARY = 'CANARYwJalrXUtnFEMIK7MDENG';
const RUNS = 2_000;

const event = (id: string) => ({ eventID: id, eventName: 'PutRolePolicy', eventSource: 'iam.amazonaws.com', secret: CANARY });

/** Odd but legal file names (a lone surrogate is written as U+FFFD by the file system layer). */
const baseName = fc.oneof(
  fc.stringMatching(/^[a-z0-9 _-]{1,12}$/),
  fc.constantFrom('\ud800x', 'tab\tname', 'new\nline', 'ünïcødé', '-', '--', '.hidden', 'a'.repeat(200), '*', '?'),
);
const extension = fc.constantFrom('.json', '.jsonl', '.ndjson', '.json.gz', '.gz', '.txt', '', '.JSON');

const content = fc.oneof(
  fc.array(fc.uuid(), { minLength: 1, maxLength: 3 }).map((ids) => JSON.stringify(ids.map(event))),
  fc.array(fc.uuid(), { minLength: 1, maxLength: 3 }).map((ids) => ids.map((id) => JSON.stringify(event(id))).join('\n')),
  fc.uuid().map((id) => JSON.stringify({ Records: [event(id)] })),
  fc.constant(''),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.uuid(), fc.nat()).map(([id, at]) => {
    const text = JSON.stringify(event(id));
    return text.slice(0, at % text.length);
  }),
  fc.uuid().map((id) => gzipSync(JSON.stringify(event(id)))),
  fc.tuple(fc.uuid(), fc.nat()).map(([id, at]) => {
    const zipped = gzipSync(JSON.stringify(event(id)));
    return zipped.subarray(0, 2 + (at % (zipped.length - 2)));
  }),
);

type Entry =
  | { readonly kind: 'file'; readonly dir: number; readonly name: string; readonly body: string | Buffer }
  | { readonly kind: 'loop'; readonly dir: number }
  | { readonly kind: 'dangling'; readonly dir: number; readonly name: string };

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('file' as const), dir: fc.nat({ max: 2 }), name: fc.tuple(baseName, extension).map(([b, e]) => `${b}${e}`), body: content }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('loop' as const), dir: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dangling' as const), dir: fc.nat({ max: 2 }), name: baseName.map((b) => `${b}.json`) }) },
);

/** Which paths to give readEvents: the root, some files, a missing path, `-` is left out (stdin). */
const selection = fc.record({ root: fc.boolean(), files: fc.array(fc.nat(), { maxLength: 3 }), missing: fc.boolean() });

let base: string;
let run = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'warden-read-events-fuzz-'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Lays the entries out under a fresh root with up to three nested directories; returns the files written. */
async function layOut(root: string, entries: readonly Entry[]): Promise<string[]> {
  const dirs = [root, join(root, 'a'), join(root, 'a', 'b c')];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, e] of entries.entries()) {
    const dir = dirs[e.dir] ?? root;
    if (e.kind === 'file') {
      const path = join(dir, `${i}-${e.name.replace(/\//g, '_')}`);
      await writeFile(path, e.body);
      files.push(path);
    } else if (e.kind === 'loop') {
      await symlink(root, join(dir, `loop-${i}`)).catch(() => undefined);
    } else {
      await symlink(join(root, 'does-not-exist'), join(dir, `${i}-${e.name}`)).catch(() => undefined);
    }
  }
  return files;
}

async function readAll(paths: readonly string[]): Promise<EventReadItem[] | InvalidInputError> {
  const items: EventReadItem[] = [];
  try {
    for await (const item of readEvents(paths)) items.push(item);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      // Refusals come before anything is read.
      if (items.length > 0) throw new Error('an InvalidInputError after items were yielded');
      return error;
    }
    throw error;
  }
  return items;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

describe('readEvents fuzz on a file system', () => {
  it(`reads ${RUNS} generated trees: refuses bad paths up front, never throws anything else, never quotes content`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 6 }), selection, async (entries, pick) => {
        const root = join(base, `r${run++}`);
        const files = await layOut(root, entries);
        const paths = [
          ...(pick.root ? [root] : []),
          ...pick.files.flatMap((n) => (files.length === 0 ? [] : [files[n % files.length] as string])),
          ...(pick.missing ? [join(root, 'missing.json')] : []),
        ];
        if (paths.length === 0) paths.push(root);
        const result = await readAll(paths);
        if (result instanceof InvalidInputError) {
          check(result instanceof WardenError && !result.message.includes(CANARY), 'a refusal that quotes content');
          check(pick.missing, `refused without a missing path: ${result.message}`);
          return;
        }
        check(!pick.missing, 'a missing path was not refused');
        check(result.length > 0, 'nothing said about the paths given');
        for (const item of result) {
          check(typeof item.origin === 'string' && item.origin.length > 0, 'an item without origin');
          if (isEventInputError(item)) {
            check(!item.error.includes('\n') && !item.error.includes(CANARY), `a bad error line: ${JSON.stringify(item.error.slice(0, 80))}`);
          }
        }
        await rm(root, { recursive: true, force: true });
      }),
      { numRuns: RUNS, seed: 7_501, timeout: 20_000 },
    );
  }, 240_000);
});
