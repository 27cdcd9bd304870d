import { runSweep, type SweepDeps } from '../domain/audit/sweep';
import { sweepDeps } from '../infra/deps/sweep';
import { createLogger } from '../infra/observability/logger';

const logger = createLogger();
let deps: SweepDeps | undefined;

/** What the sweep returns: counts only, readable in the console, nothing sensitive. */
export interface SweepSummary {
  readonly covered: boolean;
  readonly resources: number;
  readonly findings: number;
  readonly added: number;
  readonly resolved: number;
  readonly errors: number;
}

/**
 * The daily safety net: is a trail feeding EventBridge, what does the whole account look like, what
 * is new and what resolved since yesterday (notify only), and fresh last-known-good documents.
 */
export async function handler(): Promise<SweepSummary> {
  deps ??= sweepDeps();
  const report = await runSweep(deps);
  if (!report.coverage.covered) logger.error('no trail feeds EventBridge: Warden cannot see changes', { reason: report.coverage.reason, region: deps.homeRegion });
  const summary = {
    covered: report.coverage.covered,
    resources: report.resources,
    findings: report.current.length,
    added: report.added.length,
    resolved: report.resolved.length,
    errors: report.errors.length,
  };
  logger.info('sweep finished', { ...summary, lastKnownGoodRefreshed: report.lastKnownGoodRefreshed });
  return summary;
}
