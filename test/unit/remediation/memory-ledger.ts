import type { Ledger } from '../../../domain/ports';
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
} from '../../../domain/remediation/ledger-record';

/** An in-memory {@link Ledger} for unit tests; passes the same contract as the real adapters. */
export class MemoryLedger implements Ledger {
  readonly records = new Map<string, LedgerRecord>();
  readonly lkg = new Map<string, LastKnownGood>();
  /** Resource leases: owner and end (epoch ms). Not writes: `writes` lists record changes only. */
  readonly leases = new Map<string, { owner: string; until: number }>();
  /** Leases taken and given back, in order (`acquire <arn>`, `release <arn>`). */
  readonly leaseLog: string[] = [];
  /** Notes of sent alerts: key → expiry (epoch seconds). */
  readonly alertNotes = new Map<string, number>();
  /** Every write, in order, for assertions on ordering. */
  readonly writes: string[] = [];

  constructor(private readonly now: () => Date = () => new Date('2026-06-15T12:00:00Z')) {}

  begin(record: LedgerRecord): Promise<void> {
    const existing = this.records.get(record.undoId);
    if (existing !== undefined) return Promise.reject(new AlreadyRecordedError(clone(existing)));
    this.records.set(record.undoId, clone(record));
    this.writes.push(`begin ${record.undoId}`);
    return Promise.resolve();
  }

  markStep(undoId: string, stepIndex: number, status: StepStatus, detail: StatusDetail = {}): Promise<void> {
    return this.update(undoId, (record) => withStep(record, stepIndex, status, detail, this.now()), `step ${stepIndex} ${status}`);
  }

  complete(undoId: string, status: RecordStatus, detail: StatusDetail = {}): Promise<void> {
    return this.update(undoId, (record) => withStatus(record, status, detail, this.now()), `complete ${status}`);
  }

  get(undoId: string): Promise<LedgerRecord | undefined> {
    const record = this.records.get(undoId);
    return Promise.resolve(record === undefined ? undefined : clone(record));
  }

  lastKnownGood(key: string): Promise<LastKnownGood | undefined> {
    return Promise.resolve(this.lkg.get(key));
  }

  putLastKnownGood(entry: LastKnownGood): Promise<void> {
    this.lkg.set(entry.key, { ...entry });
    return Promise.resolve();
  }

  countRecentActions(resourceArn: string, since: Date): Promise<number> {
    const records = [...this.records.values()];
    return Promise.resolve(records.filter((r) => r.resourceArn === resourceArn && Date.parse(r.createdAt) >= since.getTime()).length);
  }

  acquireLease(resourceArn: string, owner: string, until: Date, now: Date): Promise<boolean> {
    const held = this.leases.get(resourceArn);
    if (held !== undefined && held.owner !== owner && held.until > now.getTime()) return Promise.resolve(false);
    this.leases.set(resourceArn, { owner, until: until.getTime() });
    this.leaseLog.push(`acquire ${resourceArn}`);
    return Promise.resolve(true);
  }

  releaseLease(resourceArn: string, owner: string): Promise<void> {
    if (this.leases.get(resourceArn)?.owner === owner) {
      this.leases.delete(resourceArn);
      this.leaseLog.push(`release ${resourceArn}`);
    }
    return Promise.resolve();
  }

  alertSent(key: string): Promise<boolean> {
    const expiresAt = this.alertNotes.get(key);
    return Promise.resolve(expiresAt !== undefined && expiresAt > this.now().getTime() / 1000);
  }

  noteAlertSent(key: string, expiresAt: number): Promise<void> {
    this.alertNotes.set(key, expiresAt);
    return Promise.resolve();
  }

  private update(undoId: string, change: (record: LedgerRecord) => LedgerRecord, write: string): Promise<void> {
    const record = this.records.get(undoId);
    if (record === undefined) return Promise.reject(new LedgerRecordNotFoundError(undoId));
    try {
      this.records.set(undoId, change(record));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error('update failed'));
    }
    this.writes.push(write);
    return Promise.resolve();
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
