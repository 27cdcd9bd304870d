import { labeledCases } from '../test/fixtures/secrets/labeled';
import { compareSecretDetectors, formatScores } from './secrets-compare';
import { figure, type Figure, type SectionResult } from './results';

/**
 * The secret scanner against secretlint's recommended preset, side by side on the same labeled set
 * in one run (bench/secrets-compare.ts). Runs last: secretlint's process-wide profiler slows down
 * everything that runs after it in the same process.
 */

const THROUGHPUT_TARGET = 50_000;
const MIN_SECONDS = 2;

/** Secret scanner figures for Warden and secretlint. */
export async function benchSecrets(): Promise<SectionResult> {
  const scores = await compareSecretDetectors(labeledCases, MIN_SECONDS);
  const figures: Figure[] = scores.flatMap((s) => [
    figure(`secrets (${s.detector}): variables per second`, s.variablesPerSecond, 'variables/s', 'higher', s.detector === 'warden' ? THROUGHPUT_TARGET : null),
    figure(`secrets (${s.detector}): recall`, s.recall * 100, '%', 'higher'),
    figure(`secrets (${s.detector}): false-positive rate`, s.falsePositiveRate * 100, '%', 'lower'),
  ]);
  return {
    figures,
    skipped: [],
    notes: [
      `Secrets: classifyVariable per (key, value) for Warden; secretlint (@secretlint/core) lintSource with the recommended preset on a one-line .env per variable ` +
        `(its verdict: any message). Same labeled set (test/fixtures/secrets/labeled.ts), 3 warm-up passes, then passes for at least ${MIN_SECONDS} s each detector.`,
      ...formatScores(scores).split('\n'),
    ],
  };
}
