import type { DetectorFunction } from '../../domain/detectors/detector';
import { describeError, WardenError } from '../../domain/errors';
import { evaluateEvent } from '../../domain/evaluate-event';
import type { Outcome } from '../../domain/result';
import type { DetectorDeps } from '../deps/detector-deps';
import { createLogger } from '../observability/logger';

/** What a detector Lambda returns: enough to read in the console, nothing sensitive. */
export interface DetectorSummary {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly findings: number;
}

/**
 * Builds the handler of a detector Lambda. The only place that decides between dropping an event
 * (non-retryable: bad event, resource gone, access denied) and rethrowing it (retryable: throttling,
 * 5xx) so that EventBridge retries and the dead-letter queue catches what keeps failing.
 */
export function createDetectorHandler(fn: DetectorFunction, depsFactory: () => DetectorDeps) {
  const logger = createLogger();
  let deps: DetectorDeps | undefined;
  return async function handler(event: unknown): Promise<DetectorSummary> {
    deps ??= depsFactory();
    logger.appendKeys({ correlationId: correlationIdOf(event), function: fn });
    const { result, failure } = await evaluateEvent(event, { registry: deps.registry, readers: deps.readers, selfArnPatterns: deps.config.selfArnPatterns });
    if (failure instanceof WardenError && failure.retryable) {
      logger.warn('detection failed, will retry', { eventId: result.eventId, eventName: result.eventName, error: describeError(failure) });
      throw failure;
    }
    if (result.findings.length > 0) await deps.publisher.publish(result.findings);
    logger.info('event evaluated', {
      eventId: result.eventId,
      eventName: result.eventName,
      outcome: result.outcome,
      reason: result.reason,
      ruleIds: [...new Set(result.findings.map((finding) => finding.ruleId))],
    });
    return { outcome: result.outcome, reason: result.reason, findings: result.findings.length };
  };
}

function correlationIdOf(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string') return event.id.slice(0, 128);
  return 'unknown';
}
