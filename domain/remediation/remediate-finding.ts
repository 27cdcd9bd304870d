import { randomUUID } from 'node:crypto';
import type { WardenConfig } from '../config';
import { decide, type Decision } from '../decide';
import type { Finding } from '../findings';
import { buildAlertMessage, type AlertActor, type AlertMessage } from '../notifications/alert-message';
import type { AlertPublisher, Ledger, StateReaders } from '../ports';
import { actionViews, dryRun, RemediationInProgressError, type Executor } from './executor';
import { undoIdFor, type LedgerRecord, type RecordStatus } from './ledger-record';
import type { ActionView } from './plan';
import { quarantineKey } from './quarantine-principal';
import { fallbackRemediation, remediationFor, remediations } from './registry';
import type { Prepared, PreparedPlan, Remediation, RemediationContext } from './remediation';
import { undoCommand, type LedgerLocation } from './undo-command';

/**
 * The remediation use case, shared by the `remediate` Lambda and `warden replay`: for one finding,
 * (1) look its remediation up and let it re-read the live state and plan (a remediation without
 * an exact prior state falls back to the quarantine); (2) decide (DESIGN.md §4) with the
 * resource's tags and the circuit breaker's count from the ledger; (3) enforce through the
 * executor (ledger first) or, in notify mode, show the plan; (4) publish one alert.
 *
 * A finding already recorded (the same event delivered again) is not decided again: its record
 * is resumed when it is unfinished, or reported as it is (without a second alert) when settled.
 *
 * Steps (1)–(4) run under a lease on the finding's resource (the function, or the principal), so
 * findings of different events on one resource take turns: each re-reads the state the previous
 * one left, and only the first acts. A run that cannot get the lease within a short wait throws a
 * retryable {@link RemediationInProgressError}; the redelivery then finds nothing left to do.
 */

/**
 * How long a lease lasts (ms): above the remediate function's 60 s timeout (serverless.yml), so a
 * run that still holds it when it ends has finished or been killed by then — and a run that
 * crashed blocks its resource for at most this long. Taking over an expired lease is then safe.
 */
export const RESOURCE_LEASE_MS = 90_000;

/**
 * How long a run waits for a held lease (ms) before handing the finding back for redelivery: a
 * holder usually finishes in seconds, and Lambda retries an asynchronous event only twice.
 */
export const DEFAULT_LEASE_WAIT_MS = 15_000;

/**
 * How long the note of a sent "notified" alert is kept (days): longer than a finding can be
 * redelivered — EventBridge retries for 24 h, the DLQ keeps messages 14 days for a replay.
 */
export const ALERT_NOTE_TTL_DAYS = 15;

/** What the use case works with. */
export interface RemediatorDeps {
  /** The configuration, already lowered by the runtime switch. */
  readonly config: WardenConfig;
  readonly readers: StateReaders;
  readonly ledger: Ledger;
  readonly executor: Executor;
  readonly publisher?: AlertPublisher;
  /** Where the ledger lives, for the undo command in alerts and results. */
  readonly location?: LedgerLocation;
  readonly now?: () => Date;
  readonly registry?: readonly Remediation[];
  /** See {@link DEFAULT_LEASE_WAIT_MS}. */
  readonly leaseWaitMs?: number;
  /** Waits between lease attempts (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What happened to one finding. */
export type FindingStatus = 'ignored' | 'notified' | 'already-recorded' | RecordStatus;

/** The outcome for one finding. */
export interface FindingOutcome {
  readonly findingId: string;
  readonly decision: Decision;
  readonly remediationId?: string;
  readonly status: FindingStatus;
  readonly actions: readonly ActionView[];
  readonly undoId?: string;
  readonly undoCommand?: string;
  /** The alert published (absent when none was). */
  readonly alert?: AlertMessage;
}

const SETTLED: readonly RecordStatus[] = ['applied', 'unverified', 'undone', 'undo-failed'];

/**
 * Decides on one finding, acts or shows the plan, and alerts.
 * @throws retryable WardenErrors (the caller retries), {@link RemediationInProgressError} among them
 *   when another run keeps the resource's lease.
 */
export async function remediateFinding(finding: Finding, deps: RemediatorDeps, actor?: AlertActor): Promise<FindingOutcome> {
  // A copy of a finding already settled is answered without contending for the lease.
  const earlier = await deps.ledger.get(undoIdFor(finding.eventId, finding.id));
  if (earlier !== undefined && SETTLED.includes(earlier.status)) return recorded(finding, earlier, deps);
  return withLease(finding, deps, () => remediateLeased(finding, deps, actor));
}

/** The resource a lease covers: a whole function (its aliases and versions too), else the principal or resource. */
export function leaseKeyOf(finding: Finding): string {
  const subject = finding.subject;
  if (subject?.kind === 'function') return subject.arn.split(':').slice(0, 7).join(':');
  return subject?.arn ?? finding.resourceArn;
}

/** Runs `task` holding the lease on the finding's resource, and gives it back after, whatever happened. */
async function withLease<T>(finding: Finding, deps: RemediatorDeps, task: () => Promise<T>): Promise<T> {
  const resource = leaseKeyOf(finding);
  // Unique per run: two copies of one finding must take turns too (the "nothing to do" alert).
  const owner = `${undoIdFor(finding.eventId, finding.id)}/${randomUUID()}`;
  await acquireLease(resource, owner, deps);
  try {
    return await task();
  } finally {
    await releaseQuietly(deps.ledger, resource, owner);
  }
}

/** Longest pause between lease attempts (ms). */
const MAX_LEASE_PAUSE_MS = 2000;

async function acquireLease(resource: string, owner: string, deps: RemediatorDeps): Promise<void> {
  const clock = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const budget = deps.leaseWaitMs ?? DEFAULT_LEASE_WAIT_MS;
  // Waited time is the sum of the pauses, not the clock's, so an injected fixed clock still ends.
  for (let attempt = 0, waited = 0; ; attempt += 1) {
    const now = clock();
    if (await deps.ledger.acquireLease(resource, owner, new Date(now.getTime() + RESOURCE_LEASE_MS), now)) return;
    if (waited >= budget) throw new RemediationInProgressError(`another run holds the lease on ${resource}`);
    // Exponential backoff with jitter: many findings waiting on one resource spread their attempts.
    const pause = Math.min(budget - waited, Math.round(Math.min(MAX_LEASE_PAUSE_MS, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
    await sleep(pause);
    waited += pause;
  }
}

/**
 * A lease that cannot be given back expires by itself ({@link RESOURCE_LEASE_MS}); failing the
 * finding for it would redeliver work that is done, so the error is dropped.
 */
async function releaseQuietly(ledger: Ledger, resource: string, owner: string): Promise<void> {
  try {
    await ledger.releaseLease(resource, owner);
  } catch {
    // expires by itself
  }
}

async function remediateLeased(finding: Finding, deps: RemediatorDeps, actor: AlertActor | undefined): Promise<FindingOutcome> {
  // Read again under the lease: a copy that held it before may have settled this very finding.
  const now = (deps.now ?? (() => new Date()))();
  const earlier = await deps.ledger.get(undoIdFor(finding.eventId, finding.id));
  if (earlier !== undefined && SETTLED.includes(earlier.status)) return recorded(finding, earlier, deps);
  const context: RemediationContext = { readers: deps.readers, ledger: deps.ledger, config: deps.config, now };
  const registry = deps.registry ?? remediations;
  const { remediation, prepared } = await prepare(finding, context, registry);
  // Another finding of this event already quarantined the principal: one quarantine, one alert.
  const quarantined = prepared.kind === 'none' ? await quarantineOfEvent(finding, deps.ledger) : undefined;
  if (quarantined !== undefined) return recorded(finding, quarantined, deps);
  const plan = prepared.kind === 'plan' ? prepared : undefined;
  const facts = await decisionFacts(finding, deps, plan, earlier !== undefined, now);
  const base = decideWith(finding, deps.config, facts, plan);
  const decision = plan === undefined && base.action !== 'ignore' ? { ...base, reason: `${base.reason}; ${prepared.kind === 'plan' ? '' : prepared.reason}` } : base;
  const remediationId = plan?.plan.remediationId ?? remediation?.id;
  if (decision.action === 'ignore') return { findingId: finding.id, decision, status: 'ignored', actions: [], ...(remediationId === undefined ? {} : { remediationId }) };
  if (plan === undefined) return withoutPlan(finding, deps, decision, remediationId, actor);
  if (decision.action === 'notify') {
    const instead = await quarantineInstead(finding, deps, context, facts, plan);
    if (instead !== undefined && 'record' in instead) return recorded(finding, instead.record, deps);
    if (instead !== undefined) return enforceFresh(finding, instead.decision, deps, actor, () => quarantinePrepared(finding, context));
    return publish(finding, deps, notified(finding, decision, plan, deps), actor, plan);
  }
  return enforceFresh(finding, decision, deps, actor, async () => (await prepare(finding, context, registry)).prepared);
}

/** What the decision takes besides the finding, config and plan. */
interface DecisionFacts {
  readonly tags: Readonly<Record<string, string>>;
  readonly now: Date;
  readonly recentActions: number;
  readonly principalArn?: string;
}

async function decisionFacts(finding: Finding, deps: RemediatorDeps, plan: PreparedPlan | undefined, resuming: boolean, now: Date): Promise<DecisionFacts> {
  const resourceArn = plan?.resourceArn ?? finding.resourceArn;
  const window = deps.config.circuitBreaker.windowMinutes * 60_000;
  const counted = await deps.ledger.countRecentActions(resourceArn, new Date(now.getTime() - window));
  // An unfinished record of this very finding is already counted: resuming it is not a new action.
  const recentActions = resuming ? Math.max(0, counted - 1) : counted;
  const tags = await subjectTags(finding, deps.readers);
  const principalArn = principalArnOf(finding);
  return { tags, now, recentActions, ...(principalArn === undefined ? {} : { principalArn }) };
}

function decideWith(finding: Finding, config: WardenConfig, facts: DecisionFacts, plan: PreparedPlan | undefined, revertsChange = plan?.revertsChange): Decision {
  if (plan === undefined) return decide(finding, config, facts);
  const widened = plan.widened === undefined ? {} : { widened: plan.widened };
  return decide(finding, config, { ...facts, plan: { remediationId: plan.plan.remediationId, revertsChange: revertsChange ?? false, ...widened } });
}

/**
 * DESIGN.md §5, "principal still over-broad → quarantine": enforce was decided but the revert is
 * withheld only because the change did not widen access — the principal was already over-broad
 * by other means, so undoing this change would leave it so. The principal is quarantined instead
 * (one quarantine per principal: its ledger key is the principal, so repeats are no-ops).
 */
async function quarantineInstead(finding: Finding, deps: RemediatorDeps, context: RemediationContext, facts: DecisionFacts, plan: PreparedPlan): Promise<{ decision: Decision } | { record: LedgerRecord } | undefined> {
  if (!plan.revertsChange || plan.plan.remediationId === fallbackRemediation.id) return undefined;
  if (finding.category === 'trust-policy' || !fallbackRemediation.appliesTo(finding)) return undefined;
  if (decideWith(finding, deps.config, facts, plan, false).action !== 'enforce') return undefined;
  const quarantine = await quarantinePrepared(finding, context);
  if (quarantine.kind !== 'plan') {
    // Already quarantined by a copy of this finding (or another finding of the event): no second alert.
    const record = await quarantineOfEvent(finding, deps.ledger);
    return record === undefined ? undefined : { record };
  }
  const decision = decideWith(finding, deps.config, facts, quarantine);
  if (decision.action !== 'enforce') return undefined;
  const why = `${plan.plan.remediationId} withheld: the change did not widen access, the principal was already over-broad`;
  return { decision: { ...decision, reason: `${decision.reason}; ${why}` } };
}

async function quarantinePrepared(finding: Finding, context: RemediationContext): Promise<Prepared> {
  return fallbackRemediation.prepare(finding, context);
}

/**
 * Enforces the plan re-prepared from state re-read just before executing: a concurrent finding
 * (or delivery) that already fixed the resource leaves nothing to do — no record, no action.
 */
async function enforceFresh(finding: Finding, decision: Decision, deps: RemediatorDeps, actor: AlertActor | undefined, replan: () => Promise<Prepared>): Promise<FindingOutcome> {
  const fresh = await replan();
  if (fresh.kind === 'plan') return publish(finding, deps, await enforced(finding, decision, fresh, deps), actor, fresh);
  const quarantined = await quarantineOfEvent(finding, deps.ledger);
  if (quarantined !== undefined) return recorded(finding, quarantined, deps);
  const reason = `enforce withheld: no remediation plan; ${fresh.reason}`;
  return withoutPlan(finding, deps, { action: 'notify', reason }, undefined, actor);
}

/**
 * No plan: the state is already fixed (or cannot be). Before alerting "nothing to do", the ledger
 * is read again: a copy of this finding that finished (or is finishing) meanwhile owns the alert.
 */
async function withoutPlan(finding: Finding, deps: RemediatorDeps, decision: Decision, remediationId: string | undefined, actor: AlertActor | undefined): Promise<FindingOutcome> {
  const own = await deps.ledger.get(undoIdFor(finding.eventId, finding.id));
  if (own !== undefined && SETTLED.includes(own.status)) return recorded(finding, own, deps);
  // An unfinished record: resume its own plan (the executor refuses while another run holds it).
  if (own !== undefined) return publish(finding, deps, await resumed(finding, own, deps), actor);
  return publish(finding, deps, { findingId: finding.id, decision, status: 'notified', actions: [], ...(remediationId === undefined ? {} : { remediationId }) }, actor);
}

async function resumed(finding: Finding, record: LedgerRecord, deps: RemediatorDeps): Promise<FindingOutcome> {
  const request = { plan: record.plan, eventId: record.eventId, correlationId: record.correlationId, resourceArn: record.resourceArn, priorState: record.priorState };
  const result = await deps.executor.execute(request);
  const decision: Decision = { action: 'enforce', reason: `resumed ${record.remediationId}; ${result.reason ?? result.status}` };
  return {
    findingId: finding.id,
    decision,
    remediationId: record.remediationId,
    status: result.alreadySettled === true ? 'already-recorded' : result.status,
    actions: result.actions,
    undoId: result.undoId,
    ...(deps.location === undefined ? {} : { undoCommand: undoCommand(result.undoId, deps.location) }),
  };
}

async function prepare(finding: Finding, context: RemediationContext, registry: readonly Remediation[]): Promise<{ remediation?: Remediation; prepared: Prepared }> {
  const remediation = remediationFor(finding, registry);
  if (remediation === undefined) return { prepared: { kind: 'none', reason: `no remediation handles ${finding.ruleId}` } };
  const prepared = await remediation.prepare(finding, context);
  if (prepared.kind !== 'fallback') return { remediation, prepared };
  if (!fallbackRemediation.appliesTo(finding)) return { remediation, prepared: { kind: 'none', reason: `${prepared.reason}; no quarantine applies` } };
  const fallback = await fallbackRemediation.prepare(finding, context);
  if (fallback.kind !== 'plan') return { remediation: fallbackRemediation, prepared: { kind: 'none', reason: `${prepared.reason}; ${fallback.reason}` } };
  return { remediation: fallbackRemediation, prepared: fallback };
}

function notified(finding: Finding, decision: Decision, plan: PreparedPlan, deps: RemediatorDeps): FindingOutcome {
  const shown = dryRun({ plan: plan.plan, eventId: finding.eventId }, deps.location);
  return {
    findingId: finding.id,
    decision,
    remediationId: plan.plan.remediationId,
    status: 'notified',
    actions: shown.actions,
    undoId: shown.undoId,
    ...(shown.undoCommand === undefined ? {} : { undoCommand: shown.undoCommand }),
  };
}

async function enforced(finding: Finding, decision: Decision, plan: PreparedPlan, deps: RemediatorDeps): Promise<FindingOutcome> {
  // A quarantine's record is keyed on the principal: another finding of the event may have settled it.
  const existing = await deps.ledger.get(undoIdFor(finding.eventId, plan.plan.findingId));
  const result = await deps.executor.execute({ plan: plan.plan, eventId: finding.eventId, correlationId: finding.correlationId, resourceArn: plan.resourceArn, priorState: plan.priorState });
  // Settled by another delivery (between our reads and the executor's conditional put): no second report.
  const settled = result.alreadySettled === true || (existing !== undefined && SETTLED.includes(existing.status));
  const status: FindingStatus = settled ? 'already-recorded' : result.status;
  return {
    findingId: finding.id,
    decision: result.reason === undefined ? decision : { ...decision, reason: `${decision.reason}; ${result.reason}` },
    remediationId: plan.plan.remediationId,
    status,
    actions: result.actions,
    undoId: result.undoId,
    ...(deps.location === undefined ? {} : { undoCommand: undoCommand(result.undoId, deps.location) }),
  };
}

async function quarantineOfEvent(finding: Finding, ledger: Ledger): Promise<LedgerRecord | undefined> {
  const kind = finding.subject?.kind;
  if (kind !== 'role' && kind !== 'user') return undefined;
  const record = await ledger.get(undoIdFor(finding.eventId, quarantineKey(finding.subject?.arn ?? '')));
  return record !== undefined && SETTLED.includes(record.status) ? record : undefined;
}

/** A record settled by an earlier delivery: reported as it is, without a second alert. */
function recorded(finding: Finding, record: LedgerRecord, deps: RemediatorDeps): FindingOutcome {
  return {
    findingId: finding.id,
    decision: { action: 'enforce', reason: `already ${record.status} by ${record.findingId === finding.id ? 'an earlier delivery of' : 'another finding of'} event ${finding.eventId}` },
    remediationId: record.remediationId,
    status: 'already-recorded',
    actions: actionViews(record),
    undoId: record.undoId,
    ...(deps.location === undefined ? {} : { undoCommand: undoCommand(record.undoId, deps.location) }),
  };
}

async function publish(finding: Finding, deps: RemediatorDeps, outcome: FindingOutcome, actor: AlertActor | undefined, plan?: PreparedPlan): Promise<FindingOutcome> {
  // One alert per finding or action; none for ignored findings and none for a quarantine another
  // finding of the same event already put in place.
  if (deps.publisher === undefined || outcome.status === 'ignored' || outcome.status === 'already-recorded') return outcome;
  // A notified finding has no record to say it was reported: a note does, checked and written
  // under the resource's lease so copies take turns. Written after publishing: a crash in between
  // repeats the alert rather than losing it.
  const noteKey = undoIdFor(finding.eventId, finding.id);
  if (outcome.status === 'notified' && (await deps.ledger.alertSent(noteKey))) return alreadyNotified(finding, outcome);
  const alert = buildAlertMessage({
    finding,
    decision: outcome.decision,
    actions: outcome.actions,
    ...(actor === undefined ? {} : { actor }),
    ...(plan?.change === undefined ? {} : { change: plan.change }),
    ...(outcome.undoCommand === undefined ? {} : { undoCommand: outcome.undoCommand }),
  });
  await deps.publisher.publish(alert);
  if (outcome.status === 'notified') await deps.ledger.noteAlertSent(noteKey, noteExpiry(deps));
  return { ...outcome, alert };
}

/** A copy of a finding whose "notified" alert went out already: the same outcome, without a second alert. */
function alreadyNotified(finding: Finding, outcome: FindingOutcome): FindingOutcome {
  return { ...outcome, status: 'already-recorded', decision: { ...outcome.decision, reason: `already notified by an earlier delivery of event ${finding.eventId}` } };
}

function noteExpiry(deps: RemediatorDeps): number {
  const now = (deps.now ?? (() => new Date()))();
  return Math.floor(now.getTime() / 1000) + ALERT_NOTE_TTL_DAYS * 86_400;
}

/** The tags of the finding's resource (exemptions); `{}` for groups and policies, which Warden does not tag-exempt. */
async function subjectTags(finding: Finding, readers: StateReaders): Promise<Readonly<Record<string, string>>> {
  const subject = finding.subject;
  if (subject === undefined) return {};
  if (subject.kind === 'role') return (await readers.iam?.getRole(subject.name))?.tags ?? {};
  if (subject.kind === 'user') return (await readers.iam?.getUser(subject.name))?.tags ?? {};
  if (subject.kind === 'function' && readers.lambda !== undefined) {
    const region = subject.region ?? finding.region;
    const arn = subject.arn.split(':').slice(0, 7).join(':');
    return readers.lambda.getTags(region, arn);
  }
  return {};
}

function principalArnOf(finding: Finding): string | undefined {
  const kind = finding.subject?.kind;
  return kind === 'role' || kind === 'user' || kind === 'group' ? finding.subject?.arn : undefined;
}
