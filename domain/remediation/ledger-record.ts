import { createHash } from 'node:crypto';
import { InvalidInputError, WardenError } from '../errors';
import type { Plan } from './plan';

/**
 * What the ledger holds (DESIGN.md §1, §5): one record per remediation — keyed on the CloudTrail
 * event id and the finding id, so a redelivered event finds its record and RESUMES instead of
 * repeating — with the plan (steps and their inverses), the exact prior state and the status of
 * every step; and the last-known-good documents of policies, which never expire.
 */

/** Status of one step. `pending`: not applied (yet). */
export type StepStatus = 'pending' | 'applied' | 'failed' | 'undone' | 'undo-failed';

/**
 * Status of a record. `in-progress` while steps run; `applied` when all steps ran and the re-read
 * confirmed them; `unverified` when they ran but the re-read did not confirm them; `failed` when a
 * step failed (the steps say which); `undone` / `undo-failed` after `warden undo`.
 */
export type RecordStatus = 'in-progress' | 'applied' | 'unverified' | 'failed' | 'undone' | 'undo-failed';

/** Every record status, for validation. */
export const recordStatuses: readonly RecordStatus[] = ['in-progress', 'applied', 'unverified', 'failed', 'undone', 'undo-failed'];
/** Every step status, for validation. */
export const stepStatuses: readonly StepStatus[] = ['pending', 'applied', 'failed', 'undone', 'undo-failed'];

/** The status of one step of a record. */
export interface StepRecord {
  readonly status: StepStatus;
  /** Why it failed (a secret-free one-liner), or how it was found. */
  readonly reason?: string;
  /** ISO time of the last change. */
  readonly at?: string;
}

/** JSON data, as stored. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The exact state before the remediation, by name: policy documents (`inline:<name>`,
 * `trust-policy`, `default-version`), a URL configuration, saved permission statements, the
 * reserved concurrency. Never a Lambda environment: see {@link assertNoEnvironmentValues}.
 */
export type PriorState = Readonly<Record<string, JsonValue>>;

/** One remediation as recorded. */
export interface LedgerRecord {
  /** What `warden undo` takes; derived from eventId and findingId ({@link undoIdFor}). */
  readonly undoId: string;
  /** The CloudTrail event id. */
  readonly eventId: string;
  readonly findingId: string;
  readonly correlationId: string;
  /** The resource acted on (the circuit breaker counts records per resource). */
  readonly resourceArn: string;
  readonly remediationId: string;
  readonly plan: Plan;
  readonly priorState: PriorState;
  /** One entry per plan step, same order. */
  readonly steps: readonly StepRecord[];
  readonly status: RecordStatus;
  readonly reason?: string;
  /** ISO times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** TTL: epoch seconds after which the store may delete the record. */
  readonly expiresAt: number;
}

/** The last-known-good document of a policy (never expires). */
export interface LastKnownGood {
  /** See {@link lastKnownGoodKey}. */
  readonly key: string;
  /** The document as JSON text (decoded, not URL-encoded). */
  readonly document: string;
  /** ISO time it was recorded. */
  readonly recordedAt: string;
  /** The event after which it was judged good, when known. */
  readonly eventId?: string;
}

/** Optional details of a status change. */
export interface StatusDetail {
  readonly reason?: string;
  /** ISO time; the store's clock when absent. */
  readonly at?: string;
}

/** Default retention of remediation records (days). */
export const DEFAULT_RECORD_TTL_DAYS = 400;

/** The undo id of the remediation of one finding of one event: `u-` and 20 hex digits. Stable across deliveries. */
export function undoIdFor(eventId: string, findingId: string): string {
  return `u-${createHash('sha256').update(`${eventId}\u0000${findingId}`).digest('hex').slice(0, 20)}`;
}

/**
 * The key of a last-known-good document: the principal or policy ARN and which document, e.g.
 * `arn:aws:iam::1:role/app#inline:read-all`, `…:role/app#trust-policy`, `…:policy/p#default-version`.
 */
export function lastKnownGoodKey(arn: string, part: string): string {
  return `${arn}#${part}`;
}

/** The record was already begun (same event and finding): the caller resumes from `existing`. */
export class AlreadyRecordedError extends WardenError {
  override readonly name = 'AlreadyRecordedError';
  readonly retryable = false;
  constructor(readonly existing: LedgerRecord) {
    super(`remediation ${existing.undoId} is already recorded (status ${existing.status})`);
  }
}

/** No record with this undo id (or the store cannot find it any more). */
export class LedgerRecordNotFoundError extends InvalidInputError {
  override readonly name = 'LedgerRecordNotFoundError';
  constructor(readonly undoId: string) {
    super(`no remediation record ${undoId} in the ledger`);
  }
}

/** A stored record or line that does not have the ledger's shape. */
export class CorruptLedgerError extends InvalidInputError {
  override readonly name = 'CorruptLedgerError';
}

const ENVIRONMENT_KEYS = new Set(['environment', 'variables']);

/**
 * Refuses prior state that could carry Lambda environment values (a key named `Environment` or
 * `Variables` at any depth): the ledger must never hold them (DESIGN.md §3.2, §6).
 */
export function assertNoEnvironmentValues(state: PriorState): void {
  const walk = (value: JsonValue, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      (value as readonly JsonValue[]).forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    for (const [key, child] of Object.entries(value as Readonly<Record<string, JsonValue>>)) {
      if (ENVIRONMENT_KEYS.has(key.toLowerCase())) throw new InvalidInputError(`prior state must not hold Lambda environment values (${path}${key})`);
      walk(child, `${path}${key}.`);
    }
  };
  walk(state, '');
}

/** What a new record is made of. */
export interface NewRecordInput {
  readonly plan: Plan;
  readonly eventId: string;
  readonly correlationId: string;
  readonly resourceArn: string;
  readonly priorState: PriorState;
}

/** A new `in-progress` record with every step `pending`. */
export function newLedgerRecord(input: NewRecordInput, now: Date, ttlDays = DEFAULT_RECORD_TTL_DAYS): LedgerRecord {
  assertNoEnvironmentValues(input.priorState);
  const at = now.toISOString();
  return {
    undoId: undoIdFor(input.eventId, input.plan.findingId),
    eventId: input.eventId,
    findingId: input.plan.findingId,
    correlationId: input.correlationId,
    resourceArn: input.resourceArn,
    remediationId: input.plan.remediationId,
    plan: input.plan,
    priorState: input.priorState,
    steps: input.plan.steps.map(() => ({ status: 'pending' })),
    status: 'in-progress',
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor(now.getTime() / 1000) + ttlDays * 24 * 60 * 60,
  };
}

/** The record with step `index` changed (pure; used by stores that rewrite whole records). */
export function withStep(record: LedgerRecord, index: number, status: StepStatus, detail: StatusDetail, now: Date): LedgerRecord {
  if (!Number.isInteger(index) || index < 0 || index >= record.steps.length) {
    throw new InvalidInputError(`record ${record.undoId} has no step ${index}`);
  }
  const at = detail.at ?? now.toISOString();
  const step: StepRecord = { status, at, ...(detail.reason === undefined ? {} : { reason: detail.reason }) };
  return { ...record, steps: record.steps.map((old, i) => (i === index ? step : old)), updatedAt: at };
}

/** The record with a new overall status (pure). */
export function withStatus(record: LedgerRecord, status: RecordStatus, detail: StatusDetail, now: Date): LedgerRecord {
  const at = detail.at ?? now.toISOString();
  const { reason: _old, ...rest } = record;
  return { ...rest, status, updatedAt: at, ...(detail.reason === undefined ? {} : { reason: detail.reason }) };
}
