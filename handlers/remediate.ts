import { applyModeSwitch } from '../domain/decide';
import { describeError, isRetryable } from '../domain/errors';
import { parseFindingEvent, type Finding } from '../domain/findings';
import { remediateFinding, type FindingStatus } from '../domain/remediation/remediate-finding';
import { remediateDeps, type RemediateDeps } from '../infra/deps/remediate';
import { createLogger } from '../infra/observability/logger';

const logger = createLogger();

/** What the remediator did with one finding: enough to read in the console, nothing sensitive. */
export interface RemediationSummary {
  readonly findingId?: string;
  readonly status: 'dropped' | FindingStatus;
  readonly reason: string;
  readonly undoId?: string;
}

/** A remediate handler over injected dependencies (tests build one against moto). */
export function createRemediateHandler(depsFactory: () => RemediateDeps) {
  let deps: RemediateDeps | undefined;
  return async function handler(event: unknown): Promise<RemediationSummary> {
    let finding: Finding;
    try {
      finding = parseFindingEvent(event);
    } catch (error) {
      logger.error('invalid finding event dropped', { error: describeError(error) });
      return { status: 'dropped', reason: 'invalid finding event' };
    }
    logger.appendKeys({ correlationId: finding.correlationId });
    deps ??= depsFactory();
    try {
      return await remediate(finding, deps);
    } catch (error) {
      // Retryable (throttling, 5xx, another run holds the record or the resource's lease): EventBridge retries, then the DLQ.
      if (isRetryable(error)) {
        logger.warn('remediation failed, will retry', { findingId: finding.id, error: describeError(error) });
        throw error;
      }
      logger.error('remediation failed', { findingId: finding.id, ruleId: finding.ruleId, error: describeError(error) });
      return { findingId: finding.id, status: 'failed', reason: describeError(error) };
    }
  };
}

async function remediate(finding: Finding, deps: RemediateDeps): Promise<RemediationSummary> {
  const switched = applyModeSwitch(deps.config, await deps.modeSwitch?.value());
  const outcome = await remediateFinding(finding, {
    config: switched.config,
    readers: deps.readers,
    ledger: deps.ledger,
    executor: deps.executor,
    publisher: deps.publisher,
    location: { kind: 'table', table: deps.ledgerTable },
  });
  logger.info('finding remediated', {
    findingId: finding.id,
    eventId: finding.eventId,
    ruleId: finding.ruleId,
    remediationId: outcome.remediationId,
    decision: outcome.decision.action,
    status: outcome.status,
    undoId: outcome.undoId,
    modeSwitch: switched.reason,
  });
  return { findingId: finding.id, status: outcome.status, reason: outcome.decision.reason, ...(outcome.undoId === undefined ? {} : { undoId: outcome.undoId }) };
}

/** Findings from Warden's bus: decide, act (ledger first) or show the plan, and alert. */
export const handler = createRemediateHandler(() => remediateDeps());
