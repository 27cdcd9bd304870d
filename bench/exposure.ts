import { analyzeExposure, type ExposureInput } from '../domain/exposure';
import { exposureInput } from './generate';
import { latencies, ms, percentile, perSecond, seededRandom } from './measure';
import { figure, type SectionResult } from './results';

/**
 * Throughput of the exposure analyzer (DESIGN.md §3.3) over generated functions: URL configs of
 * `$LATEST` and an alias, resource policies of the function and the alias (raw JSON, decoded by
 * the analyzer as the detector does).
 */

const FUNCTIONS = 500;
const PASSES = 20;
const P99_TARGET_MS = 5;

/** Exposure analyzer figures. */
export function benchExposure(): SectionResult {
  const random = seededRandom(4242);
  const inputs: ExposureInput[] = Array.from({ length: FUNCTIONS }, (_, i) => exposureInput(random, i));
  const issues = inputs.reduce((sum, input) => sum + analyzeExposure(input).length, 0);
  const samples = latencies((i) => analyzeExposure(inputs[i % FUNCTIONS] as ExposureInput), { warmUp: FUNCTIONS * 2, iterations: FUNCTIONS * PASSES });
  return {
    figures: [
      figure('exposure analyzer: functions per second', perSecond(samples), 'functions/s', 'higher'),
      figure('exposure analyzer: per function, p50', ms(percentile(samples, 50)), 'ms', 'lower'),
      figure('exposure analyzer: per function, p99', ms(percentile(samples, 99)), 'ms', 'lower', P99_TARGET_MS),
    ],
    skipped: [],
    notes: [
      `Exposure: analyzeExposure over ${FUNCTIONS} seeded functions (60% with NONE/AWS_IAM URLs on $LATEST and an alias; 1–4 statements per policy: ` +
        `public, URL-only, service with and without SourceArn, cross-account, org-restricted), ${PASSES} passes after 2 warm-up passes; ${issues} issues per pass.`,
    ],
  };
}
