import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Ledger } from '../../domain/ports';
import {
  AlreadyRecordedError,
  LedgerRecordNotFoundError,
  withStatus,
  withStep,
  type LastKnownGood,
  type LedgerRecord,
  type RecordStatus,
  type StatusDetail,
  type StepStatus,
} from '../../domain/remediation/ledger-record';
import { decodeLastKnownGood, decodeLedgerRecord } from './record-codec';

/**
 * The ledger as a JSON-lines file, for the CLI (`--ledger FILE`, default `.warden/ledger.jsonl`,
 * or `<snapshot>/.warden/ledger.jsonl` with `--snapshot`). Append-only: every change appends the
 * whole new state of a record (or last-known-good entry); on reading, later lines override earlier
 * ones with the same id, so the file is also the history. A line that is not JSON (an append torn
 * by a crash) is skipped; a JSON line of the wrong shape is a CorruptLedgerError.
 *
 * Concurrency: every operation of every FileLedger on the same path runs under one in-process lock,
 * so read-check-append (`begin`, `markStep`) is atomic within a process. Separate processes are not
 * coordinated (the CLI runs one at a time; the Lambdas use DynamoDB). For the same reason resource
 * leases and notes of sent alerts live in memory, shared by every FileLedger of the path in this
 * process, and are never written to the file: a notify run leaves no trace in it.
 *
 * Line shapes: `{"type":"record","record":{…}}` and `{"type":"last-known-good","entry":{…}}`.
 */

/** The default ledger file of `--live` without `--ledger-table`. */
export const DEFAULT_LEDGER_FILE = join('.warden', 'ledger.jsonl');

/** The ledger file inside an offline snapshot directory. */
export function snapshotLedgerFile(snapshotDir: string): string {
  return join(snapshotDir, '.warden', 'ledger.jsonl');
}

interface Contents {
  readonly records: Map<string, LedgerRecord>;
  readonly lastKnownGood: Map<string, LastKnownGood>;
  /** False when the file ends in a torn line (no final newline). */
  readonly endsClean: boolean;
}

/** Tail of the promise chain per absolute path: the in-process write lock. */
const locks = new Map<string, Promise<unknown>>();

function withLock<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(path) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  locks.set(path, tail);
  void tail.then(() => {
    if (locks.get(path) === tail) locks.delete(path);
  });
  return run;
}

/** A held resource lease. */
interface Lease {
  readonly owner: string;
  readonly until: number;
}

/** Resource leases per absolute ledger path, then per resource ARN (in memory, see above). */
const leasesByPath = new Map<string, Map<string, Lease>>();
/** Notes of sent alerts per absolute ledger path: key → expiry (epoch seconds). */
const alertNotesByPath = new Map<string, Map<string, number>>();

function entryOf<K, V>(maps: Map<K, V>, key: K, create: () => V): V {
  const existing = maps.get(key);
  if (existing !== undefined) return existing;
  const created = create();
  maps.set(key, created);
  return created;
}

/** A {@link Ledger} in a JSON-lines file. */
export class FileLedger implements Ledger {
  private readonly path: string;
  private readonly now: () => Date;

  constructor(path: string = DEFAULT_LEDGER_FILE, options: { readonly now?: () => Date } = {}) {
    this.path = resolve(path);
    this.now = options.now ?? (() => new Date());
  }

  begin(record: LedgerRecord): Promise<void> {
    return withLock(this.path, async () => {
      const contents = await this.load();
      const existing = contents.records.get(record.undoId);
      if (existing !== undefined) throw new AlreadyRecordedError(existing);
      await this.append(contents, { type: 'record', record });
    });
  }

  markStep(undoId: string, stepIndex: number, status: StepStatus, detail: StatusDetail = {}): Promise<void> {
    return this.update(undoId, (record) => withStep(record, stepIndex, status, detail, this.now()));
  }

  complete(undoId: string, status: RecordStatus, detail: StatusDetail = {}): Promise<void> {
    return this.update(undoId, (record) => withStatus(record, status, detail, this.now()));
  }

  get(undoId: string): Promise<LedgerRecord | undefined> {
    return withLock(this.path, async () => (await this.load()).records.get(undoId));
  }

  lastKnownGood(key: string): Promise<LastKnownGood | undefined> {
    return withLock(this.path, async () => (await this.load()).lastKnownGood.get(key));
  }

  putLastKnownGood(entry: LastKnownGood): Promise<void> {
    return withLock(this.path, async () => this.append(await this.load(), { type: 'last-known-good', entry }));
  }

  countRecentActions(resourceArn: string, since: Date): Promise<number> {
    return withLock(this.path, async () => {
      const records = [...(await this.load()).records.values()];
      return records.filter((record) => record.resourceArn === resourceArn && Date.parse(record.createdAt) >= since.getTime()).length;
    });
  }

  acquireLease(resourceArn: string, owner: string, until: Date, now: Date): Promise<boolean> {
    // Synchronous check-and-set: nothing else runs in between.
    const leases = this.leases();
    const held = leases.get(resourceArn);
    if (held !== undefined && held.owner !== owner && held.until > now.getTime()) return Promise.resolve(false);
    leases.set(resourceArn, { owner, until: until.getTime() });
    return Promise.resolve(true);
  }

  releaseLease(resourceArn: string, owner: string): Promise<void> {
    const leases = this.leases();
    if (leases.get(resourceArn)?.owner === owner) leases.delete(resourceArn);
    return Promise.resolve();
  }

  alertSent(key: string): Promise<boolean> {
    const expiresAt = alertNotesByPath.get(this.path)?.get(key);
    return Promise.resolve(expiresAt !== undefined && expiresAt > this.now().getTime() / 1000);
  }

  noteAlertSent(key: string, expiresAt: number): Promise<void> {
    entryOf(alertNotesByPath, this.path, () => new Map<string, number>()).set(key, expiresAt);
    return Promise.resolve();
  }

  private leases(): Map<string, Lease> {
    return entryOf(leasesByPath, this.path, () => new Map<string, Lease>());
  }

  private update(undoId: string, change: (record: LedgerRecord) => LedgerRecord): Promise<void> {
    return withLock(this.path, async () => {
      const contents = await this.load();
      const record = contents.records.get(undoId);
      if (record === undefined) throw new LedgerRecordNotFoundError(undoId);
      await this.append(contents, { type: 'record', record: change(record) });
    });
  }

  private async load(): Promise<Contents> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: new Map(), lastKnownGood: new Map(), endsClean: true };
      throw error;
    }
    const records = new Map<string, LedgerRecord>();
    const lastKnownGood = new Map<string, LastKnownGood>();
    text.split('\n').forEach((line, index) => this.readLine(line, index + 1, records, lastKnownGood));
    return { records, lastKnownGood, endsClean: text === '' || text.endsWith('\n') };
  }

  private readLine(line: string, number: number, records: Map<string, LedgerRecord>, lastKnownGood: Map<string, LastKnownGood>): void {
    if (line.trim() === '') return;
    let parsed: { type?: unknown; record?: unknown; entry?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      return; // a torn append
    }
    const where = `${this.path}:${number}`;
    if (parsed.type === 'last-known-good') {
      const entry = decodeLastKnownGood(parsed.entry, where);
      lastKnownGood.set(entry.key, entry);
      return;
    }
    const record = decodeLedgerRecord(parsed.record, where);
    records.set(record.undoId, record);
  }

  private async append(contents: Contents, line: object): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const prefix = contents.endsClean ? '' : '\n';
    await appendFile(this.path, `${prefix}${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
  }
}
