import { InvalidInputError, ResourceGoneError, WardenError, describeError, isRetryable } from '../errors';
import type { Ledger, StateVerifier, StepRunner, Verification } from '../ports';
import {
  AlreadyRecordedError,
  DEFAULT_RECORD_TTL_DAYS,
  LedgerRecordNotFoundError,
  newLedgerRecord,
  undoIdFor,
  type LedgerRecord,
  type NewRecordInput,
  type RecordStatus,
  type StepRecord,
  type StepStatus,
} from './ledger-record';
import type { ActionView, Plan, PlanStep, StepCall } from './plan';
import { undoCommand, type LedgerLocation } from './undo-command';

/**
 * The executor (DESIGN.md §5): pure orchestration over ports. For a plan it
 * (a) writes the ledger record — prior state, plan with inverses, correlation id — with a
 *     conditional put keyed on the event id and finding id;
 * (b) applies the steps in order, marking each in the ledger;
 * (c) re-reads the live state to verify each step;
 * (d) marks the record complete.
 *
 * Idempotence: calling it again for the same event finds the record and RESUMES from the first
 * step not applied; a finished record (applied, unverified, undone) is returned as it is. On resume
 * a step whose effect the verifier already sees (the previous run crashed between the call and the
 * ledger write) is marked applied without calling it again.
 *
 * Failures: throttling and 5xx (retryable WardenErrors) are retried with exponential backoff a
 * bounded number of times, then the step and record are marked failed and the error is RETHROWN, so
 * the Lambda retry / DLQ takes over (and the retry resumes). Any other error (AccessDenied, gone,
 * invalid) is not retried: it is recorded and reported in the result, not thrown.
 */

/** Backoff for retryable errors: `attempts` calls in all, delays `base * 2^n` capped at `max`. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** 3 attempts, 200 ms then 400 ms. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 };

/** How long an `in-progress` record counts as owned by a live run (longer than the remediate timeout, 60 s). */
export const DEFAULT_IN_FLIGHT_LEASE_MS = 90_000;

/** What the executor works with. */
export interface ExecutorDeps {
  readonly ledger: Ledger;
  readonly runner: StepRunner;
  readonly verifier: StateVerifier;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly retry?: Partial<RetryPolicy>;
  /** Retention of records, days (default 400). */
  readonly ttlDays?: number;
  /** See {@link DEFAULT_IN_FLIGHT_LEASE_MS}; 0 disables the check. */
  readonly inFlightLeaseMs?: number;
}

/** A plan to apply for one finding of one event, with the state it replaces. */
export type ExecutionRequest = NewRecordInput;

/** What an execution did. */
export interface ExecutionResult {
  readonly undoId: string;
  readonly status: RecordStatus;
  /** One per plan step, in order. */
  readonly actions: readonly ActionView[];
  /** True when a record for this event and finding already existed. */
  readonly resumed: boolean;
  /** True when the record was already settled (another delivery finished it): nothing was run now. */
  readonly alreadySettled?: boolean;
  readonly reason?: string;
}

/** What an undo did. */
export interface UndoResult {
  readonly undoId: string;
  readonly status: 'undone' | 'undo-failed' | 'already-undone';
  /** One per inverse applied or attempted, in the order run (reverse plan order). */
  readonly actions: readonly ActionView[];
  readonly reason: string;
}

/** What a dry run (notify mode) shows. */
export interface DryRunResult {
  readonly undoId: string;
  readonly actions: readonly ActionView[];
  /** The command that would undo the plan once enforced; absent without a ledger location. */
  readonly undoCommand?: string;
}

/** Another run is applying this record right now (its lease is fresh); retry later. */
export class RemediationInProgressError extends WardenError {
  override readonly name = 'RemediationInProgressError';
  readonly retryable = true;
}

/** A verification, or the error that prevented it. */
type Checked = Verification | { readonly state: 'error'; readonly detail: string };

type Attempt = { readonly ok: true } | { readonly ok: false; readonly error: unknown; readonly reason: string };

const SETTLED: readonly RecordStatus[] = ['applied', 'unverified', 'undone', 'undo-failed'];

/** Applies plans, resumes them, and undoes them. */
export class Executor {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retry: RetryPolicy;
  private readonly ttlDays: number;
  private readonly leaseMs: number;

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.retry = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.ttlDays = deps.ttlDays ?? DEFAULT_RECORD_TTL_DAYS;
    this.leaseMs = deps.inFlightLeaseMs ?? DEFAULT_IN_FLIGHT_LEASE_MS;
  }

  /**
   * Records, applies and verifies a plan; resumes an earlier record of the same event and finding.
   * @throws the last retryable error when a step keeps failing with one (after recording it).
   * @throws {@link RemediationInProgressError} when another run holds the record.
   */
  async execute(request: ExecutionRequest): Promise<ExecutionResult> {
    if (request.plan.steps.length === 0) throw new InvalidInputError(`plan ${request.plan.remediationId} has no steps`);
    const { record, resumed } = await this.beginOrResume(newLedgerRecord(request, this.now(), this.ttlDays));
    if (SETTLED.includes(record.status)) {
      return { undoId: record.undoId, status: record.status, actions: actionViews(record), resumed, alreadySettled: true, reason: settledReason(record) };
    }
    return this.applyFrom(record, resumed);
  }

  /**
   * Applies the inverses of the applied steps of a record, in reverse order, and marks it undone.
   * Undoing an undone record is a no-op (`already-undone`); an interrupted undo resumes.
   * @throws {@link LedgerRecordNotFoundError} when there is no such record.
   */
  async undo(undoId: string): Promise<UndoResult> {
    const record = await this.deps.ledger.get(undoId);
    if (record === undefined) throw new LedgerRecordNotFoundError(undoId);
    if (record.status === 'undone') return { undoId, status: 'already-undone', actions: [], reason: `already undone at ${record.updatedAt}` };
    this.assertNotInFlight(record);
    const actions: ActionView[] = [];
    for (let index = record.plan.steps.length - 1; index >= 0; index--) {
      const failure = await this.undoStep(record, index, actions);
      if (failure !== undefined) return failure;
    }
    const notes = await this.verifyAll(actions.length === 0 ? [] : record.plan.steps.filter((_, i) => wasInverted(record, i)).map((s) => s.inverse));
    const reason = undoReason(record, actions.length, notes);
    await this.deps.ledger.complete(undoId, 'undone', { reason, at: this.stamp() });
    return { undoId, status: 'undone', actions, reason };
  }

  private async beginOrResume(fresh: LedgerRecord): Promise<{ record: LedgerRecord; resumed: boolean }> {
    try {
      await this.deps.ledger.begin(fresh);
      return { record: fresh, resumed: false };
    } catch (error) {
      if (!(error instanceof AlreadyRecordedError)) throw error;
      this.assertNotInFlight(error.existing);
      return { record: error.existing, resumed: true };
    }
  }

  private assertNotInFlight(record: LedgerRecord): void {
    if (record.status !== 'in-progress' || this.leaseMs <= 0) return;
    const age = this.now().getTime() - Date.parse(record.updatedAt);
    if (age >= 0 && age < this.leaseMs) {
      throw new RemediationInProgressError(`remediation ${record.undoId} was updated ${Math.round(age / 1000)} s ago by another run`);
    }
  }

  private async applyFrom(record: LedgerRecord, resumed: boolean): Promise<ExecutionResult> {
    const steps: StepRecord[] = [...record.steps];
    for (let index = 0; index < record.plan.steps.length; index++) {
      if (steps[index]?.status === 'applied') continue;
      const step = record.plan.steps[index] as PlanStep;
      const outcome = resumed && (await this.alreadyInEffect(step.call)) ? 'found' : await this.attemptForward(step.call);
      if (outcome === 'found' || outcome === 'gone' || outcome.ok) {
        const reason = outcome === 'found' ? 'found in effect on resume' : outcome === 'gone' ? 'target already gone: found in effect' : undefined;
        steps[index] = await this.mark(record.undoId, index, 'applied', reason);
        continue;
      }
      steps[index] = await this.mark(record.undoId, index, 'failed', outcome.reason);
      const reason = `step ${index + 1} (${step.step}) failed: ${outcome.reason}`;
      await this.deps.ledger.complete(record.undoId, 'failed', { reason, at: this.stamp() });
      if (isRetryable(outcome.error)) throw outcome.error;
      return { undoId: record.undoId, status: 'failed', actions: actionViews({ ...record, steps, status: 'failed' }), resumed, reason };
    }
    return this.finish(record, steps, resumed);
  }

  private async finish(record: LedgerRecord, steps: readonly StepRecord[], resumed: boolean): Promise<ExecutionResult> {
    const problems = await this.verifyAll(record.plan.steps.map((step) => step.call));
    const status: RecordStatus = problems.length === 0 ? 'applied' : 'unverified';
    const reason = problems.length === 0 ? 'applied and verified' : `applied; ${problems.join('; ')}`;
    await this.deps.ledger.complete(record.undoId, status, { reason, at: this.stamp() });
    return { undoId: record.undoId, status, actions: actionViews({ ...record, steps, status }), resumed, reason };
  }

  /** Undoes step `index` when it was applied; returns the failed result when it cannot. */
  private async undoStep(record: LedgerRecord, index: number, actions: ActionView[]): Promise<UndoResult | undefined> {
    const status = record.steps[index]?.status;
    if (status !== 'applied' && status !== 'undo-failed') return undefined;
    const step = record.plan.steps[index] as PlanStep;
    const view = { step: `undo-${step.step}`, target: step.target, undoId: record.undoId };
    const outcome = status === 'undo-failed' && (await this.alreadyInEffect(step.inverse)) ? 'found' : await this.attempt(step.inverse);
    if (outcome === 'found' || outcome.ok) {
      await this.mark(record.undoId, index, 'undone', outcome === 'found' ? 'inverse found in effect' : undefined);
      actions.push({ ...view, status: 'applied' });
      return undefined;
    }
    await this.mark(record.undoId, index, 'undo-failed', outcome.reason);
    const reason = `undo of step ${index + 1} (${step.step}) failed: ${outcome.reason}`;
    await this.deps.ledger.complete(record.undoId, 'undo-failed', { reason, at: this.stamp() });
    if (isRetryable(outcome.error)) throw outcome.error;
    actions.push({ ...view, status: 'failed', reason: outcome.reason });
    return { undoId: record.undoId, status: 'undo-failed', actions, reason };
  }

  /**
   * Runs a forward step. A target already gone (another finding or delivery removed it first) is
   * "already done" when the re-read shows the step's effect; `finish` verifies it again.
   */
  private async attemptForward(call: StepCall): Promise<Attempt | 'gone'> {
    const outcome = await this.attempt(call);
    if (outcome.ok || !(outcome.error instanceof ResourceGoneError)) return outcome;
    return (await this.alreadyInEffect(call)) ? 'gone' : outcome;
  }

  /** Runs a call, retrying retryable errors with backoff. */
  private async attempt(call: StepCall): Promise<Attempt> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.runner.run(call);
        return { ok: true };
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.retry.attempts) return { ok: false, error, reason: describeError(error) };
        await this.sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** Re-reads the state of a call, retrying retryable errors; an error that persists becomes `error`. */
  private async verify(call: StepCall): Promise<Checked> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.verifier.verify(call);
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.retry.attempts) return { state: 'error', detail: `could not verify: ${describeError(error)}` };
        await this.sleep(Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async alreadyInEffect(call: StepCall): Promise<boolean> {
    return (await this.verify(call)).state === 'holds';
  }

  /** Verifies calls; returns one note per call that differs or could not be read. */
  private async verifyAll(calls: readonly StepCall[]): Promise<string[]> {
    const notes: string[] = [];
    for (const call of calls) {
      const result = await this.verify(call);
      if (result.state === 'differs') notes.push(`${call.action} not in effect: ${result.detail ?? 'state differs'}`);
      else if (result.state === 'error') notes.push(`${call.action} ${result.detail}`);
    }
    return notes;
  }

  private async mark(undoId: string, index: number, status: StepStatus, reason?: string): Promise<StepRecord> {
    const at = this.stamp();
    await this.deps.ledger.markStep(undoId, index, status, { at, ...(reason === undefined ? {} : { reason }) });
    return { status, at, ...(reason === undefined ? {} : { reason }) };
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

function wasInverted(record: LedgerRecord, index: number): boolean {
  const status = record.steps[index]?.status;
  return status === 'applied' || status === 'undo-failed';
}

function undoReason(record: LedgerRecord, inverted: number, notes: readonly string[]): string {
  if (inverted === 0) return record.steps.some((step) => step.status === 'undone') ? 'inverses already applied' : 'nothing had been applied';
  return notes.length === 0 ? 'inverses applied and verified' : `inverses applied; ${notes.join('; ')}`;
}

function settledReason(record: LedgerRecord): string {
  return `already ${record.status}${record.reason === undefined ? '' : `: ${record.reason}`}`;
}

const VIEW_STATUS: Readonly<Record<StepStatus, ActionView['status']>> = {
  pending: 'skipped',
  applied: 'applied',
  failed: 'failed',
  undone: 'skipped',
  'undo-failed': 'applied',
};

/** The `actions[]` of a result (DESIGN.md §7) for a record: one per step, with the undo id. */
export function actionViews(record: LedgerRecord): ActionView[] {
  return record.plan.steps.map((step, index) => {
    const state = record.steps[index];
    const status = VIEW_STATUS[state?.status ?? 'pending'];
    const reason = state?.status === 'undone' ? 'undone' : state?.status === 'pending' ? 'not applied' : state?.reason;
    return { step: step.step, target: step.target, status, undoId: record.undoId, ...(reason === undefined ? {} : { reason }) };
  });
}

/**
 * Notify mode: the actions a plan would take (status `planned`) with the undo id it would be
 * recorded under and the command that would undo it. Touches nothing.
 */
export function dryRun(request: { readonly plan: Plan; readonly eventId: string }, location?: LedgerLocation): DryRunResult {
  const undoId = undoIdFor(request.eventId, request.plan.findingId);
  const actions = request.plan.steps.map((step) => ({ step: step.step, target: step.target, status: 'planned' as const, undoId }));
  return { undoId, actions, ...(location === undefined ? {} : { undoCommand: undoCommand(undoId, location) }) };
}
