import { createHash } from 'node:crypto';
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
    const registry = deps.registry;
    // A malformed or unhandled event's id and name are caller-controlled text: log a digest instead.
    const safe = (result: { eventId: string; eventName: string; eventSource: string }) => ({
      eventId: loggable(result.eventId, UUID.test(result.eventId)),
      eventName: loggable(result.eventName, registry.handles(result.eventSource, result.eventName) || EVENT_NAME.test(result.eventName)),
    });
    const { result, failure } = await evaluateEvent(event, { registry: deps.registry, readers: deps.readers, selfArnPatterns: deps.config.selfArnPatterns });
    if (failure instanceof WardenError && failure.retryable) {
      logger.warn('detection failed, will retry', { ...safe(result), error: describeError(failure) });
      throw failure;
    }
    if (result.findings.length > 0) await deps.publisher.publish(result.findings);
    logger.info('event evaluated', {
      ...safe(result),
      outcome: result.outcome,
      reason: result.reason,
      ruleIds: [...new Set(result.findings.map((finding) => finding.ruleId))],
    });
    return { outcome: result.outcome, reason: result.reason, findings: result.findings.length };
  };
}

/** EventBridge and CloudTrail ids are UUIDs; anything else is logged as a digest. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** CloudTrail event names: a verb and a noun, optionally Lambda's API-version suffix. Secret-shaped text is not. */
const EVENT_NAME = /^(?:Add|Attach|Create|Delete|Detach|Get|List|Publish|Put|Remove|Set|Tag|Untag|Update)[A-Z][A-Za-z]{2,60}(?:20\d{6}(?:v\d)?)?$/;

function loggable(value: string, trusted: boolean): string {
  if (trusted || value === 'unknown') return value;
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}

function correlationIdOf(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'id' in event && typeof event.id === 'string') return loggable(event.id.slice(0, 128), UUID.test(event.id));
  return 'unknown';
}
