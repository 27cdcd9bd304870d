/**
 * The input reader of `warden replay PATH…` (DESIGN.md §7).
 *
 * Accepts, per file (or `-` for stdin): one JSON object (one event), a JSON array of events, JSON
 * lines (one event per line), concatenated JSON values (what `jq` prints without `-c`), a CloudTrail
 * log file `{"Records":[…]}`, `aws cloudtrail lookup-events` output `{"Events":[{"CloudTrailEvent":"…"}]}`,
 * any of them gzipped (detected by the magic bytes, not the extension). Directories are walked
 * recursively in sorted order.
 *
 * Guarantees:
 * - one item per event, in file order; at least one item per file read;
 * - never throws for bad content: every problem becomes an error item and the run continues; only a
 *   path that cannot be accessed at all throws an {@link InvalidInputError};
 * - error items never quote file content (it may hold secrets): they name the file, the line and
 *   column, and what was wrong;
 * - bounded work on garbage: a file whose first few values are not JSON is reported once as
 *   garbage and not read further; per-line errors are capped per file;
 * - bounded memory: JSON lines are streamed; a single document is held whole, but never more than
 *   `maxBytes` of it, before or after decompression (gzip bombs stop at the same limit).
 */
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidInputError } from '../domain/errors';

/** One event read from the input, with where it came from. */
export interface EventInput {
  /** `path` (one event in the file), `path#index` (array or CloudTrail log entry), `path:line` (JSON lines), `path:line#index`. */
  readonly origin: string;
  readonly value: unknown;
}

/** Input that could not be read as an event. `error` is one line and never quotes the content. */
export interface EventInputError {
  readonly origin: string;
  readonly error: string;
}

export type EventReadItem = EventInput | EventInputError;

export interface ReadEventsOptions {
  /** Largest file, and largest decompressed stream, read. Default {@link DEFAULT_MAX_BYTES}. */
  readonly maxBytes?: number;
  /** Per-line error items per file before one summary item. Default {@link DEFAULT_MAX_ERRORS_PER_FILE}. */
  readonly maxErrorsPerFile?: number;
  /** What `-` reads. Default `process.stdin`. */
  readonly stdin?: AsyncIterable<unknown>;
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
export const DEFAULT_MAX_ERRORS_PER_FILE = 20;
/** File name endings read when walking a directory (a file named explicitly is read whatever its name). */
export const EVENT_FILE_EXTENSIONS: readonly string[] = ['.json', '.jsonl', '.ndjson', '.json.gz', '.jsonl.gz', '.gz'];
/** Origin of the events read from `-`. */
export const STDIN_ORIGIN = 'stdin';

/** Failures before the first good value after which a file is reported once as garbage. */
const GARBAGE_THRESHOLD = 5;
const CHUNK_SIZE = 64 * 1024;

export function isEventInputError(item: EventReadItem): item is EventInputError {
  return 'error' in item;
}

/**
 * Reads every event of `paths`, in order. Throws {@link InvalidInputError} (before yielding anything)
 * when a path does not exist or cannot be accessed; every other problem is an error item.
 */
export async function* readEvents(paths: readonly string[], options: ReadEventsOptions = {}): AsyncGenerator<EventReadItem, void, undefined> {
  const settings = resolveOptions(options);
  if (paths.length === 0) throw new InvalidInputError('no input paths: name at least one file, directory or - for stdin');
  const kinds = await Promise.all(paths.map(classifyPath));
  for (const [index, path] of paths.entries()) {
    const kind = kinds[index];
    if (kind === 'stdin') {
      yield* readSource({ origin: STDIN_ORIGIN, open: () => settings.stdin }, settings);
    } else if (kind === 'directory') {
      yield* readDirectory(path, settings);
    } else {
      yield* readSource(fileSource(path), settings);
    }
  }
}

/**
 * Reads the events of one byte stream (a file, stdin, an object fetched from S3…) named `origin`.
 * Never throws: unreadable or malformed input becomes error items; yields at least one item.
 */
export async function* readEventStream(origin: string, bytes: AsyncIterable<unknown>, options: ReadEventsOptions = {}): AsyncGenerator<EventReadItem, void, undefined> {
  yield* readSource({ origin, open: () => bytes }, resolveOptions(options));
}

// ---------------------------------------------------------------------------------------------
// Paths and directories

interface Settings {
  readonly maxBytes: number;
  readonly maxErrors: number;
  readonly stdin: AsyncIterable<unknown>;
}

function resolveOptions(options: ReadEventsOptions): Settings {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxErrors = options.maxErrorsPerFile ?? DEFAULT_MAX_ERRORS_PER_FILE;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new InvalidInputError('maxBytes must be a positive integer');
  if (!Number.isSafeInteger(maxErrors) || maxErrors < 0) throw new InvalidInputError('maxErrorsPerFile must be a non-negative integer');
  return { maxBytes, maxErrors, stdin: options.stdin ?? (process.stdin as AsyncIterable<unknown>) };
}

type PathKind = 'stdin' | 'directory' | 'file';

async function classifyPath(path: string): Promise<PathKind> {
  if (path === '-') return 'stdin';
  if (path.length === 0) throw new InvalidInputError('empty input path');
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InvalidInputError(`no such file or directory: ${display(path)}`);
    throw new InvalidInputError(`cannot access ${display(path)}: ${describeFsError(error)}`);
  }
}

async function* readDirectory(root: string, settings: Settings): AsyncGenerator<EventReadItem, void, undefined> {
  const visited = new Set<string>();
  let files = 0;
  async function* walk(dir: string): AsyncGenerator<EventReadItem, void, undefined> {
    let entries: Dirent[];
    try {
      const real = await realpath(dir);
      if (visited.has(real)) return; // a symbolic link back into the tree
      visited.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      yield { origin: display(dir), error: `${display(dir)}: cannot read directory (${describeFsError(error)})` };
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(path);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDirectory) {
        yield* walk(path);
      } else if (isFile && hasEventExtension(entry.name)) {
        files += 1;
        yield* readSource(fileSource(path), settings);
      }
    }
  }
  yield* walk(root);
  if (files === 0) {
    yield { origin: display(root), error: `${display(root)}: no event files (${EVENT_FILE_EXTENSIONS.map((e) => `*${e}`).join(', ')}) in this directory` };
  }
}

function hasEventExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return EVENT_FILE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

// ---------------------------------------------------------------------------------------------
// Byte sources: size limits and gzip

interface Source {
  readonly origin: string;
  /** Checked before reading, when the size is known (regular files). */
  readonly size?: () => Promise<number | undefined>;
  readonly open: () => AsyncIterable<unknown>;
}

function fileSource(path: string): Source {
  return {
    origin: display(path),
    size: async () => {
      const info = await stat(path);
      return info.isFile() ? info.size : undefined;
    },
    open: () => createReadStream(path, { highWaterMark: CHUNK_SIZE }) as AsyncIterable<unknown>,
  };
}

/** A stop with a message meant for the user (limits, corrupt gzip, read errors). */
class ReadStop extends Error {}

async function* limited(chunks: AsyncIterable<unknown>, maxBytes: number, what: () => string): AsyncGenerator<Buffer, void, undefined> {
  let total = 0;
  for await (const chunk of chunks) {
    const buffer = toBuffer(chunk);
    total += buffer.length;
    if (total > maxBytes) throw new ReadStop(what());
    yield buffer;
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new ReadStop('the input stream produced something other than bytes');
}

/** The decoded bytes of a source: raw, or gunzipped when it starts with the gzip magic bytes. */
async function* contentOf(source: Source, settings: Settings): AsyncGenerator<Buffer, void, undefined> {
  const raw = limited(openSafely(source), settings.maxBytes, () => `input is larger than the ${formatBytes(settings.maxBytes)} limit`);
  try {
    // Collect at least two bytes to look for the gzip magic number.
    let head: Buffer = Buffer.alloc(0);
    let done = false;
    while (head.length < 2) {
      const next = await raw.next();
      if (next.done === true) {
        done = true;
        break;
      }
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      yield* gunzip(prepend(head, raw), settings.maxBytes);
      return;
    }
    if (head.length > 0) yield head;
    if (!done) yield* raw;
  } finally {
    await raw.return(undefined);
  }
}

async function* openSafely(source: Source): AsyncGenerator<unknown, void, undefined> {
  try {
    yield* source.open();
  } catch (error) {
    if (error instanceof ReadStop) throw error;
    throw new ReadStop(`cannot read (${describeFsError(error)})`);
  }
}

async function* prepend(head: Buffer, rest: AsyncGenerator<Buffer, void, undefined>): AsyncGenerator<Buffer, void, undefined> {
  try {
    yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return(undefined);
  }
}

async function* gunzip(compressed: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer, void, undefined> {
  const input = Readable.from(compressed);
  const inflater = createGunzip({ chunkSize: CHUNK_SIZE });
  input.on('error', (error) => inflater.destroy(error));
  input.pipe(inflater);
  let total = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<unknown>) {
      const buffer = toBuffer(chunk);
      total += buffer.length;
      if (total > maxBytes) throw new ReadStop(`decompressed data is larger than the ${formatBytes(maxBytes)} limit (a gzip bomb?)`);
      yield buffer;
    }
  } catch (error) {
    if (error instanceof ReadStop) throw error;
    throw new ReadStop(describeGzipError(error));
  } finally {
    input.unpipe(inflater);
    input.destroy();
    inflater.destroy();
  }
}

function describeGzipError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'Z_BUF_ERROR' || (error instanceof Error && /unexpected end of file/i.test(error.message))) return 'truncated gzip data (unexpected end of file)';
  if (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT') {
    const detail = error instanceof Error ? safeZlibMessage(error.message) : undefined;
    return `corrupt gzip data${detail === undefined ? '' : ` (${detail})`}`;
  }
  return `cannot decompress gzip data (${describeFsError(error)})`;
}

/** zlib's messages are fixed phrases ("incorrect header check", "invalid block type"); keep only those. */
function safeZlibMessage(message: string): string | undefined {
  return /^[a-z ]{3,60}$/i.test(message) ? message : undefined;
}

// ---------------------------------------------------------------------------------------------
// One source: classification, per-file bookkeeping, origins

async function* readSource(source: Source, settings: Settings): AsyncGenerator<EventReadItem, void, undefined> {
  const { origin } = source;
  if (source.size !== undefined) {
    let size: number | undefined;
    try {
      size = await source.size();
    } catch (error) {
      yield { origin, error: `${origin}: cannot read (${describeFsError(error)})` };
      return;
    }
    if (size !== undefined && size > settings.maxBytes) {
      yield { origin, error: `${origin}: file is ${formatBytes(size)}, larger than the ${formatBytes(settings.maxBytes)} limit` };
      return;
    }
  }
  const file = new FileReport(origin, settings.maxErrors);
  const splitter = new JsonValueSplitter();
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let stopped: string | undefined;
  const content = contentOf(source, settings);
  try {
    for await (const chunk of content) {
      yield* file.accept(splitter.push(decoder.decode(chunk, { stream: true })));
      if (file.garbage) break;
    }
    if (!file.garbage) {
      const tail = decoder.decode();
      yield* file.accept(tail.length > 0 ? splitter.push(tail) : []);
      if (!file.garbage) yield* file.accept(splitter.end());
    }
  } catch (error) {
    stopped = error instanceof ReadStop ? error.message : `cannot read (${describeFsError(error)})`;
  } finally {
    await content.return(undefined);
  }
  yield* file.finish(stopped);
}

/** Decides, per file, which items to yield and with which origins. */
class FileReport {
  /** True once the file has been reported as garbage: read no further. */
  garbage = false;
  private successes = 0;
  private readonly heldFailures: SplitFailure[] = [];
  /** The first good value, held until we know whether the file holds one value or many. */
  private pending: { readonly line: number; readonly value: unknown } | undefined;
  private multi = false;
  private shownErrors = 0;
  private hiddenLines = 0;
  private hiddenEntries = 0;
  private anyItem = false;
  private lastFailureLine = 0;

  constructor(
    private readonly origin: string,
    private readonly maxErrors: number,
  ) {}

  *accept(events: readonly SplitEvent[]): Generator<EventReadItem, void, undefined> {
    for (const event of events) {
      if (this.garbage) return;
      if (event.kind === 'value') {
        yield* this.success(event.line, event.value);
      } else if (event.kind === 'scalar') {
        yield* this.failure({ line: event.line, message: `line ${event.line}: a JSON ${event.type}, not an event object or array` });
      } else {
        yield* this.failure(event);
      }
    }
  }

  private *success(line: number, value: unknown): Generator<EventReadItem, void, undefined> {
    this.successes += 1;
    if (this.successes === 1) {
      if (this.heldFailures.length > 0) {
        this.multi = true;
        for (const failure of this.heldFailures.splice(0)) yield* this.lineError(failure);
        yield* this.expand(`${this.origin}:${line}`, value);
      } else {
        this.pending = { line, value };
      }
      return;
    }
    yield* this.flushPendingAsMulti();
    yield* this.expand(`${this.origin}:${line}`, value);
  }

  private *failure(failure: SplitFailure): Generator<EventReadItem, void, undefined> {
    // One error per line: a line can fail twice (a number, then what follows it).
    if (failure.line === this.lastFailureLine) return;
    this.lastFailureLine = failure.line;
    if (this.successes === 0) {
      this.heldFailures.push(failure);
      if (this.heldFailures.length >= GARBAGE_THRESHOLD) yield* this.reportGarbage();
      return;
    }
    yield* this.flushPendingAsMulti();
    yield* this.lineError(failure);
  }

  private *flushPendingAsMulti(): Generator<EventReadItem, void, undefined> {
    this.multi = true;
    if (this.pending !== undefined) {
      const { line, value } = this.pending;
      this.pending = undefined;
      yield* this.expand(`${this.origin}:${line}`, value);
    }
  }

  private *reportGarbage(): Generator<EventReadItem, void, undefined> {
    this.garbage = true;
    const first = this.heldFailures[0];
    const detail = first === undefined ? '' : ` (${first.message})`;
    this.heldFailures.length = 0;
    yield this.item({ origin: this.origin, error: `${this.origin}: not JSON, JSON lines or a CloudTrail log${detail}` });
  }

  private *lineError(failure: SplitFailure): Generator<EventReadItem, void, undefined> {
    if (this.shownErrors >= this.maxErrors) {
      this.hiddenLines += 1;
      return;
    }
    this.shownErrors += 1;
    yield this.item({ origin: `${this.origin}:${failure.line}`, error: `${this.origin}: ${failure.message}` });
  }

  private *entryError(origin: string, message: string): Generator<EventReadItem, void, undefined> {
    if (this.shownErrors >= this.maxErrors) {
      this.hiddenEntries += 1;
      return;
    }
    this.shownErrors += 1;
    yield this.item({ origin, error: `${origin}: ${message}` });
  }

  /** One top-level value: one event, or the events it holds (array, CloudTrail log, lookup-events output). */
  private *expand(base: string, value: unknown): Generator<EventReadItem, void, undefined> {
    if (Array.isArray(value)) {
      if (value.length === 0) yield* this.entryError(base, 'no events (an empty array)');
      for (const [index, element] of value.entries()) yield this.item({ origin: `${base}#${index}`, value: element as unknown });
      return;
    }
    const record = value as Record<string, unknown>;
    if (isCloudTrailLog(record)) {
      const records = record.Records as unknown[];
      if (records.length === 0) yield* this.entryError(base, 'no events (the Records array is empty)');
      for (const [index, element] of records.entries()) yield this.item({ origin: `${base}#${index}`, value: element });
      return;
    }
    if (isLookupEventsOutput(record)) {
      const events = record.Events as Record<string, unknown>[];
      if (events.length === 0) yield* this.entryError(base, 'no events (the Events array is empty)');
      for (const [index, element] of events.entries()) {
        const origin = `${base}#${index}`;
        const parsed = parseValue(element.CloudTrailEvent as string);
        if (parsed.ok) yield this.item({ origin, value: parsed.value });
        else yield* this.entryError(origin, `CloudTrailEvent is not valid JSON (${parsed.reason})`);
      }
      return;
    }
    yield this.item({ origin: base, value });
  }

  *finish(stopped: string | undefined): Generator<EventReadItem, void, undefined> {
    if (this.garbage) return;
    if (stopped !== undefined) {
      yield* this.flushPendingAsMulti();
      this.heldFailures.length = 0;
      yield* this.summary();
      yield this.item({ origin: this.origin, error: `${this.origin}: ${stopped}` });
      return;
    }
    if (this.successes === 0) {
      if (this.heldFailures.length > 0) yield* this.reportGarbage();
      else yield this.item({ origin: this.origin, error: `${this.origin}: empty file` });
      return;
    }
    if (this.pending !== undefined) {
      const { line, value } = this.pending;
      this.pending = undefined;
      yield* this.expand(this.multi ? `${this.origin}:${line}` : this.origin, value);
    }
    yield* this.summary();
    if (!this.anyItem) yield this.item({ origin: this.origin, error: `${this.origin}: no events` });
  }

  private *summary(): Generator<EventReadItem, void, undefined> {
    const parts: string[] = [];
    if (this.hiddenLines > 0) parts.push(`${this.hiddenLines} more malformed ${this.hiddenLines === 1 ? 'line' : 'lines'}`);
    if (this.hiddenEntries > 0) parts.push(`${this.hiddenEntries} more malformed ${this.hiddenEntries === 1 ? 'entry' : 'entries'}`);
    if (parts.length > 0) yield this.item({ origin: this.origin, error: `${this.origin}: ${parts.join(' and ')} not shown` });
  }

  private item(item: EventReadItem): EventReadItem {
    this.anyItem = true;
    return item;
  }
}

function isCloudTrailLog(value: Record<string, unknown>): boolean {
  return Array.isArray(value.Records) && !('eventName' in value) && !('detail' in value);
}

function isLookupEventsOutput(value: Record<string, unknown>): boolean {
  const events = value.Events;
  return (
    Array.isArray(events) &&
    events.length > 0 &&
    events.every((event) => typeof event === 'object' && event !== null && typeof (event as Record<string, unknown>).CloudTrailEvent === 'string')
  );
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** JSON.parse without its message: V8 quotes the input in its errors, and the input may hold secrets. */
function parseValue(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, reason: 'not readable JSON (nested too deeply)' };
    const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    return { ok: false, reason: `not valid JSON${position === undefined ? '' : ` (at character ${Number(position) + 1})`}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The splitter: cuts a character stream into top-level JSON values and syntax errors

type SplitEvent =
  /** A complete top-level object or array, syntactically valid. */
  | { readonly kind: 'value'; readonly line: number; readonly value: object }
  /** A complete top-level scalar: valid JSON, but not an event. */
  | { readonly kind: 'scalar'; readonly line: number; readonly type: string }
  | ({ readonly kind: 'error' } & SplitFailure);

interface SplitFailure {
  readonly line: number;
  /** One line, without content: where and what. */
  readonly message: string;
}

const enum Expect {
  /** Between top-level values. */
  Top,
  /** A value, inside a container. */
  Value,
  /** After `[`: a value or `]`. */
  ValueOrCloseArray,
  /** After `{`: a key or `}`. */
  KeyOrCloseObject,
  /** After `,` in an object. */
  Key,
  Colon,
  CommaOrClose,
  /** After an error: ignore the rest of the line. */
  SkipLine,
}

const enum Token {
  None,
  String,
  Number,
  Literal,
}

const enum NumberState {
  Minus,
  Zero,
  Integer,
  Dot,
  Fraction,
  Exponent,
  ExponentSign,
  ExponentDigits,
}

const OBJECT = 0;
const ARRAY = 1;
// eslint-disable-next-line no-control-regex -- JSON strings end at a quote, a backslash or a control character
const stringRun = /[^"\\\u0000-\u001f]+/y;
const whitespaceRun = /[ \t\r]+/y;

/**
 * A streaming JSON syntax checker that reports each top-level value (with the line it starts on) and
 * each syntax error (with line, column and a content-free reason). After an error it resumes at the
 * next line, or, when the error is the first character of a line inside a value begun on an earlier
 * line (a truncated JSON line), at that character. Once the first object or array has fitted on one
 * line, the input is JSON lines and a value still open at the end of its line is an error by itself.
 * It never re-reads text, so it runs in linear time; only the text of the value in progress is kept.
 */
class JsonValueSplitter {
  private line = 1;
  /** Absolute offset of the start of the chunk being read, and of the current line. */
  private chunkOffset = 0;
  private lineStart = 0;
  /** A non-whitespace character was seen earlier on the current line. */
  private lineHasContent = false;

  private expect: Expect = Expect.Top;
  private readonly stack: number[] = [];
  private token: Token = Token.None;
  private stringIsKey = false;
  /** 0: plain; 1: after a backslash; 2..5: reading the hex digits of \u. */
  private escape = 0;
  private numberState: NumberState = NumberState.Minus;
  private literal = '';
  private literalIndex = 0;

  /** The top-level value in progress. */
  private valueLine = 0;
  private valueIsContainer = false;
  private scalarType = '';
  private readonly pieces: string[] = [];
  private captureFrom = -1;

  private events: SplitEvent[] = [];
  /** Decided by the first object or array: on one line (JSON lines) or across lines (a document). */
  private modeDecided = false;
  private linesMode = false;

  push(text: string): SplitEvent[] {
    this.events = [];
    let i = 0;
    const length = text.length;
    if (this.captureFrom !== -1) this.captureFrom = 0;
    while (i < length) {
      i = this.step(text, i);
    }
    if (this.captureFrom !== -1) {
      this.pieces.push(text.slice(this.captureFrom));
      this.captureFrom = 0;
    }
    this.chunkOffset += length;
    return this.events;
  }

  end(): SplitEvent[] {
    this.events = [];
    if (this.token === Token.Number && this.stack.length === 0 && this.numberComplete()) {
      this.token = Token.None;
      this.completeValue('', 0);
    } else if (this.token !== Token.None || this.stack.length > 0) {
      const what = this.token === Token.String ? 'unterminated string' : 'incomplete JSON value';
      this.events.push({ kind: 'error', line: this.valueLine, message: `line ${this.valueLine}: ${what} (the file ends at line ${this.line})` });
      this.reset(Expect.Top);
    }
    return this.events;
  }

  /** Processes from `i`; returns the next index. */
  private step(text: string, i: number): number {
    const c = text.charCodeAt(i);
    switch (this.token) {
      case Token.String:
        return this.stepString(text, i, c);
      case Token.Number:
        return this.stepNumber(text, i, c);
      case Token.Literal:
        if (c === this.literal.charCodeAt(this.literalIndex)) {
          this.literalIndex += 1;
          this.lineHasContent = true;
          if (this.literalIndex === this.literal.length) {
            this.token = Token.None;
            this.afterValue(text, i);
          }
          return i + 1;
        }
        return this.fail(text, i, 'invalid literal (expected true, false or null)');
      case Token.None:
        break;
    }
    if (this.expect === Expect.SkipLine) {
      const newline = text.indexOf('\n', i);
      if (newline === -1) return text.length;
      this.newline(newline);
      this.expect = Expect.Top;
      return newline + 1;
    }
    // Whitespace between tokens.
    if (c === 0x0a) {
      if (this.linesMode && this.stack.length > 0) {
        // JSON lines: a value must end on its line. This one is cut short; the next line starts afresh.
        this.events.push({ kind: 'error', line: this.valueLine, message: `line ${this.valueLine}: incomplete JSON value (the line ends before the value is closed)` });
        this.reset(Expect.Top);
      }
      this.newline(i);
      return i + 1;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) {
      whitespaceRun.lastIndex = i;
      whitespaceRun.test(text);
      return whitespaceRun.lastIndex;
    }
    switch (this.expect) {
      case Expect.Top:
        if (i === 0 && this.chunkOffset === 0 && c === 0xfeff) return i + 1; // a byte order mark
        return this.startValue(text, i, c, true);
      case Expect.Value:
        return this.startValue(text, i, c, false);
      case Expect.ValueOrCloseArray:
        if (c === 0x5d /* ] */) return this.close(text, i);
        return this.startValue(text, i, c, false);
      case Expect.KeyOrCloseObject:
        if (c === 0x7d /* } */) return this.close(text, i);
        return this.startKey(text, i, c);
      case Expect.Key:
        return this.startKey(text, i, c);
      case Expect.Colon:
        if (c === 0x3a /* : */) {
          this.expect = Expect.Value;
          this.lineHasContent = true;
          return i + 1;
        }
        return this.fail(text, i, `expected ':' after an object key, found ${describeChar(c)}`);
      case Expect.CommaOrClose: {
        const top = this.stack[this.stack.length - 1];
        if (c === 0x2c /* , */) {
          this.expect = top === OBJECT ? Expect.Key : Expect.Value;
          this.lineHasContent = true;
          return i + 1;
        }
        if (c === 0x7d /* } */ && top === OBJECT) return this.close(text, i);
        if (c === 0x5d /* ] */ && top === ARRAY) return this.close(text, i);
        return this.fail(text, i, `expected ',' or '${top === OBJECT ? '}' : ']'}', found ${describeChar(c)}`);
      }
    }
  }

  private startKey(text: string, i: number, c: number): number {
    if (c !== 0x22 /* " */) return this.fail(text, i, `expected a double-quoted object key, found ${describeChar(c)}`);
    this.token = Token.String;
    this.stringIsKey = true;
    this.escape = 0;
    this.lineHasContent = true;
    return i + 1;
  }

  private startValue(text: string, i: number, c: number, topLevel: boolean): number {
    const kind = valueStart(c);
    if (kind === undefined) {
      return this.fail(text, i, topLevel ? `expected a JSON value, found ${describeChar(c)}` : `expected a value, found ${describeChar(c)}`);
    }
    if (topLevel && this.linesMode && (kind === 'object' || kind === 'array')) {
      // Fast path for JSON lines: a whole line that JSON.parse accepts needs no character-level scan.
      const newline = text.indexOf('\n', i);
      if (newline !== -1) {
        const parsed = parseValue(text.slice(i, newline));
        if (parsed.ok) {
          this.events.push({ kind: 'value', line: this.line, value: parsed.value as object });
          this.lineHasContent = true;
          return newline;
        }
      }
    }
    if (topLevel) {
      this.valueLine = this.line;
      this.valueIsContainer = kind === 'object' || kind === 'array';
      this.scalarType = kind;
      if (this.valueIsContainer) {
        this.captureFrom = i;
        this.pieces.length = 0;
      }
    }
    this.lineHasContent = true;
    switch (kind) {
      case 'object':
        this.stack.push(OBJECT);
        this.expect = Expect.KeyOrCloseObject;
        return i + 1;
      case 'array':
        this.stack.push(ARRAY);
        this.expect = Expect.ValueOrCloseArray;
        return i + 1;
      case 'string':
        this.token = Token.String;
        this.stringIsKey = false;
        this.escape = 0;
        return i + 1;
      case 'number':
        this.token = Token.Number;
        this.numberState = c === 0x2d ? NumberState.Minus : c === 0x30 ? NumberState.Zero : NumberState.Integer;
        return i + 1;
      case 'boolean':
      case 'null':
        this.token = Token.Literal;
        this.literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
        this.literalIndex = 1;
        return i + 1;
    }
  }

  private stepString(text: string, i: number, c: number): number {
    if (this.escape === 0) {
      if (c === 0x22 /* " */) {
        this.token = Token.None;
        if (this.stringIsKey) this.expect = Expect.Colon;
        else this.afterValue(text, i);
        return i + 1;
      }
      if (c === 0x5c /* \ */) {
        this.escape = 1;
        return i + 1;
      }
      if (c < 0x20) {
        return this.fail(text, i, c === 0x0a ? 'unterminated string (a line break inside a string)' : 'control character inside a string');
      }
      stringRun.lastIndex = i;
      return stringRun.test(text) ? stringRun.lastIndex : i + 1;
    }
    if (this.escape === 1) {
      if (c === 0x75 /* u */) {
        this.escape = 2;
        return i + 1;
      }
      if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
        this.escape = 0;
        return i + 1;
      }
      return this.fail(text, i, 'invalid escape sequence in a string');
    }
    if (!isHexDigit(c)) return this.fail(text, i, 'invalid \\u escape in a string');
    this.escape = this.escape === 5 ? 0 : this.escape + 1;
    return i + 1;
  }

  private stepNumber(text: string, i: number, c: number): number {
    const digit = c >= 0x30 && c <= 0x39;
    switch (this.numberState) {
      case NumberState.Minus:
        if (digit) {
          this.numberState = c === 0x30 ? NumberState.Zero : NumberState.Integer;
          return i + 1;
        }
        return this.fail(text, i, 'invalid number');
      case NumberState.Zero:
      case NumberState.Integer:
        if (digit && this.numberState === NumberState.Integer) return i + 1;
        if (digit) return this.fail(text, i, 'invalid number (leading zero)');
        if (c === 0x2e /* . */) {
          this.numberState = NumberState.Dot;
          return i + 1;
        }
        if (c === 0x65 || c === 0x45 /* e E */) {
          this.numberState = NumberState.Exponent;
          return i + 1;
        }
        break;
      case NumberState.Dot:
        if (digit) {
          this.numberState = NumberState.Fraction;
          return i + 1;
        }
        return this.fail(text, i, 'invalid number');
      case NumberState.Fraction:
        if (digit) return i + 1;
        if (c === 0x65 || c === 0x45) {
          this.numberState = NumberState.Exponent;
          return i + 1;
        }
        break;
      case NumberState.Exponent:
        if (c === 0x2b || c === 0x2d /* + - */) {
          this.numberState = NumberState.ExponentSign;
          return i + 1;
        }
        if (digit) {
          this.numberState = NumberState.ExponentDigits;
          return i + 1;
        }
        return this.fail(text, i, 'invalid number');
      case NumberState.ExponentSign:
        if (digit) {
          this.numberState = NumberState.ExponentDigits;
          return i + 1;
        }
        return this.fail(text, i, 'invalid number');
      case NumberState.ExponentDigits:
        if (digit) return i + 1;
        break;
    }
    // The number ended just before this character, which is processed again as what follows it.
    this.token = Token.None;
    this.afterValue(text, i - 1);
    return i;
  }

  private numberComplete(): boolean {
    return (
      this.numberState === NumberState.Zero ||
      this.numberState === NumberState.Integer ||
      this.numberState === NumberState.Fraction ||
      this.numberState === NumberState.ExponentDigits
    );
  }

  private close(text: string, i: number): number {
    this.stack.pop();
    this.lineHasContent = true;
    this.afterValue(text, i);
    return i + 1;
  }

  /** A value ended at index `last` (inclusive). */
  private afterValue(text: string, last: number): void {
    if (this.stack.length > 0) {
      this.expect = Expect.CommaOrClose;
      return;
    }
    this.completeValue(text, last);
  }

  private completeValue(text: string, last: number): void {
    if (this.valueIsContainer) {
      if (!this.modeDecided) {
        // A first value written on one line makes this JSON lines: every later value must fit on its line.
        this.modeDecided = true;
        this.linesMode = this.valueLine === this.line;
      }
      this.pieces.push(text.slice(this.captureFrom, last + 1));
      const parsed = parseValue(this.pieces.join(''));
      if (parsed.ok) this.events.push({ kind: 'value', line: this.valueLine, value: parsed.value as object });
      else this.events.push({ kind: 'error', line: this.valueLine, message: `line ${this.valueLine}: ${parsed.reason}` });
    } else {
      this.events.push({ kind: 'scalar', line: this.valueLine, type: this.scalarType });
    }
    this.pieces.length = 0;
    this.captureFrom = -1;
    this.expect = Expect.Top;
  }

  private fail(text: string, i: number, reason: string): number {
    const column = this.chunkOffset + i - this.lineStart + 1;
    const inValue = this.stack.length > 0 || this.token !== Token.None;
    const c = text.charCodeAt(i);
    if (inValue && this.valueLine < this.line && !this.lineHasContent) {
      // A value begun on an earlier line is cut short by a new line: a truncated JSON line. Report
      // the value and read this line afresh.
      this.events.push({
        kind: 'error',
        line: this.valueLine,
        message: `line ${this.valueLine}: incomplete JSON value (not closed before line ${this.line}: ${reason})`,
      });
      this.reset(Expect.Top);
      return i;
    }
    const where = inValue && this.valueLine < this.line ? ` in the value starting at line ${this.valueLine}` : '';
    this.events.push({ kind: 'error', line: this.line, message: `line ${this.line}, column ${column}: ${reason}${where}` });
    if (c === 0x0a) {
      // The error is the line break itself: the next line starts afresh.
      this.reset(Expect.Top);
      this.newline(i);
      return i + 1;
    }
    this.reset(Expect.SkipLine);
    return i + 1;
  }

  private reset(expect: Expect): void {
    this.stack.length = 0;
    this.token = Token.None;
    this.pieces.length = 0;
    this.captureFrom = -1;
    this.expect = expect;
  }

  private newline(i: number): void {
    this.line += 1;
    this.lineStart = this.chunkOffset + i + 1;
    this.lineHasContent = false;
  }
}

function valueStart(c: number): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | undefined {
  if (c === 0x7b) return 'object';
  if (c === 0x5b) return 'array';
  if (c === 0x22) return 'string';
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'number';
  if (c === 0x74 || c === 0x66) return 'boolean';
  if (c === 0x6e) return 'null';
  return undefined;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Names structural characters only; anything else could be content. */
function describeChar(c: number): string {
  switch (c) {
    case 0x7b:
      return "'{'";
    case 0x7d:
      return "'}'";
    case 0x5b:
      return "'['";
    case 0x5d:
      return "']'";
    case 0x2c:
      return "','";
    case 0x3a:
      return "':'";
    case 0x22:
      return 'a string';
    case 0xfffd:
      return 'bytes that are not UTF-8 text';
    default:
      if (c < 0x20 || c === 0x7f) return 'a control character';
      if (c === 0xfeff) return 'a byte order mark';
      return 'an unexpected character';
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}

function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'input/output error';
    default: {
      const code = errorCode(error);
      return code === undefined ? 'read error' : `error ${code}`;
    }
  }
}

/** A path fit for a one-line message. */
function display(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters would break a one-line message
  return path.replace(/[\u0000-\u001f\u007f]/g, '?');
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  const kib = bytes / 1024;
  if (kib >= 1) return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
