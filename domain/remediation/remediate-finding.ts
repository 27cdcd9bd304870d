import type { WardenConfig } from '../config';
import { decide, type Decision } from '../decide';
import type { Finding } from '../findings';
import { buildAlertMessage, type AlertActor, type AlertMessage } from '../notifications/alert-message';
import type { AlertPublisher, Ledger, StateReaders } from '../ports';
import { actionViews, dryRun, type Executor } from './executor';
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
 */

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

/** Decides on one finding, acts or shows the plan, and alerts. @throws retryable WardenErrors (the caller retries). */
export async function remediateFinding(finding: Finding, deps: RemediatorDeps, actor?: AlertActor): Promise<FindingOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const earlier = await deps.ledger.get(undoIdFor(finding.eventId, finding.id));
  if (earlier !== undefined && SETTLED.includes(earlier.status)) return recorded(finding, earlier, deps);
  const context: RemediationContext = { readers: deps.readers, ledger: deps.ledger, config: deps.config, now };
  const { remediation, prepared } = await prepare(finding, context, deps.registry ?? remediations);
  // Another finding of this event already quarantined the principal: one quarantine, one alert.
  const quarantined = prepared.kind === 'none' ? await quarantineOfEvent(finding, deps.ledger) : undefined;
  if (quarantined !== undefined) return recorded(finding, quarantined, deps);
  const plan = prepared.kind === 'plan' ? prepared : undefined;
  const resourceArn = plan?.resourceArn ?? finding.resourceArn;
  const window = deps.config.circuitBreaker.windowMinutes * 60_000;
  const counted = await deps.ledger.countRecentActions(resourceArn, new Date(now.getTime() - window));
  // An unfinished record of this very finding is already counted: resuming it is not a new action.
  const recentActions = earlier === undefined ? counted : Math.max(0, counted - 1);
  const tags = await subjectTags(finding, deps.readers);
  const principalArn = principalArnOf(finding);
  const base = decide(finding, deps.config, {
    tags,
    now,
    recentActions,
    ...(principalArn === undefined ? {} : { principalArn }),
    ...(plan === undefined ? {} : { plan: { remediationId: plan.plan.remediationId, revertsChange: plan.revertsChange, ...(plan.widened === undefined ? {} : { widened: plan.widened }) } }),
  });
  const decision = plan === undefined && prepared.kind !== 'plan' && base.action !== 'ignore' ? { ...base, reason: `${base.reason}; ${prepared.reason}` } : base;
  const remediationId = plan?.plan.remediationId ?? remediation?.id;
  if (decision.action === 'ignore' || plan === undefined) {
    return publish(finding, deps, { findingId: finding.id, decision, status: decision.action === 'ignore' ? 'ignored' : 'notified', actions: [], ...(remediationId === undefined ? {} : { remediationId }) }, actor);
  }
  if (decision.action === 'notify') return publish(finding, deps, notified(finding, decision, plan, deps), actor, plan);
  return publish(finding, deps, await enforced(finding, decision, plan, deps), actor, plan);
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
  const status: FindingStatus = existing !== undefined && SETTLED.includes(existing.status) ? 'already-recorded' : result.status;
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
  const alert = buildAlertMessage({
    finding,
    decision: outcome.decision,
    actions: outcome.actions,
    ...(actor === undefined ? {} : { actor }),
    ...(plan?.change === undefined ? {} : { change: plan.change }),
    ...(outcome.undoCommand === undefined ? {} : { undoCommand: outcome.undoCommand }),
  });
  await deps.publisher.publish(alert);
  return { ...outcome, alert };
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
