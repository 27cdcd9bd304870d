import { assessTrailCoverage, type TrailCoverage } from '../domain/trail';
import { sweepDeps } from '../infra/deps/sweep';
import { createLogger } from '../infra/observability/logger';

const logger = createLogger();
const deps = sweepDeps();

/**
 * The daily safety net. Checks first that a trail feeds EventBridge: without one, Warden sees no
 * change at all and must say so loudly.
 */
export async function handler(): Promise<TrailCoverage> {
  const coverage = assessTrailCoverage(await deps.trails.listTrails(), deps.region);
  if (coverage.covered) logger.info('trail feeds EventBridge', { trail: coverage.trail, region: deps.region });
  else logger.error('no trail feeds EventBridge: Warden cannot see changes', { reason: coverage.reason, region: deps.region });
  return coverage;
}
