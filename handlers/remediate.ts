import { isRetryable } from '../domain/errors';
import { parseFindingEvent } from '../domain/findings';
import { remediationFor } from '../domain/remediation/registry';
import { createLogger } from '../infra/observability/logger';

const logger = createLogger();

/** What the remediator did with one finding. */
export interface RemediationSummary {
  readonly findingId?: string;
  readonly status: 'dropped' | 'no-remediation' | 'planned';
  readonly reason: string;
}

/**
 * Findings from Warden's bus. Validates the finding and looks up its remediation; the decision,
 * ledger and executor are wired here as remediations are registered.
 */
export function handler(event: unknown): Promise<RemediationSummary> {
  return Promise.resolve(remediate(event));
}

function remediate(event: unknown): RemediationSummary {
  let finding;
  try {
    finding = parseFindingEvent(event);
  } catch (error) {
    if (isRetryable(error)) throw error;
    logger.error('invalid finding event dropped', { error: error instanceof Error ? error.message : 'unknown' });
    return { status: 'dropped', reason: 'invalid finding event' };
  }
  logger.appendKeys({ correlationId: finding.correlationId });
  const remediation = remediationFor(finding);
  if (remediation === undefined) {
    logger.info('no remediation registered for finding', { findingId: finding.id, ruleId: finding.ruleId });
    return { findingId: finding.id, status: 'no-remediation', reason: `no remediation handles ${finding.ruleId}` };
  }
  const plan = remediation.plan(finding);
  logger.info('remediation planned', { findingId: finding.id, remediationId: remediation.id, steps: plan?.steps.length ?? 0 });
  return { findingId: finding.id, status: 'planned', reason: `${remediation.id}: ${plan?.steps.length ?? 0} steps` };
}
