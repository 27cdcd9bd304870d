import { classifyVariable } from '../domain/secrets';
import { labeledCases, type LabeledCase } from '../test/fixtures/secrets/labeled';

/**
 * Side-by-side benchmark of Warden's secrets detector and secretlint's recommended preset on the
 * labeled set (DESIGN.md §3.2): recall on secrets (overall and per group), false-positive rate on
 * look-alikes, and throughput in variables per second.
 *
 * secretlint's raw results hold the scanned text: only their count is read here, nothing of them
 * is printed or kept. Run with `npx tsx bench/secrets-compare.ts [--details]`.
 *
 * Observed: secretlint's core keeps a process-wide profiler whose PerformanceObserver stores every
 * mark and searches them all on each new one, so it slows down (and grows) the longer a process
 * runs; `lastPassSpeedRatio` shows it. One more reason it is not called inside the Lambda.
 */

/** Detection quality and speed of one detector. */
export interface DetectorScore {
  readonly detector: string;
  /** Share of secrets found, 0..1. */
  readonly recall: number;
  readonly recallByGroup: Readonly<Record<string, number>>;
  /** Share of look-alikes wrongly reported, 0..1. */
  readonly falsePositiveRate: number;
  readonly variablesPerSecond: number;
  /** Throughput of the last pass over the first: below 1 means the detector slows down as it runs. */
  readonly lastPassSpeedRatio: number;
  /** Ids of missed secrets and false positives (case ids, never values). */
  readonly missed: readonly string[];
  readonly falsePositives: readonly string[];
}

type Detect = (c: LabeledCase) => Promise<boolean> | boolean;

async function verdicts(cases: readonly LabeledCase[], detect: Detect): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const c of cases) {
    const verdict = detect(c);
    // Awaiting a synchronous verdict would charge a microtask per variable to the detector.
    out.push(typeof verdict === 'boolean' ? verdict : await verdict);
  }
  return out;
}

interface Throughput {
  readonly variablesPerSecond: number;
  readonly lastPassSpeedRatio: number;
}

async function timedPass(cases: readonly LabeledCase[], detect: Detect): Promise<number> {
  const start = process.hrtime.bigint();
  await verdicts(cases, detect);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const WARM_UP_PASSES = 3;

/** Passes over the set until `minSeconds` have gone by (at most `maxPasses`), after warm-up passes. */
async function throughput(cases: readonly LabeledCase[], detect: Detect, minSeconds: number, maxPasses = 200): Promise<Throughput> {
  // JIT warm-up: a Lambda container scans many environments.
  for (let i = 0; i < WARM_UP_PASSES; i += 1) await timedPass(cases, detect);
  const passes: number[] = [];
  while (passes.length < maxPasses && passes.reduce((a, b) => a + b, 0) < minSeconds) passes.push(await timedPass(cases, detect));
  const total = passes.reduce((a, b) => a + b, 0);
  const first = passes[0] ?? 1;
  const last = passes[passes.length - 1] ?? 1;
  return { variablesPerSecond: Math.round((passes.length * cases.length) / total), lastPassSpeedRatio: Number((first / last).toFixed(2)) };
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

async function score(detector: string, cases: readonly LabeledCase[], detect: Detect, minSeconds: number): Promise<DetectorScore> {
  const found = await verdicts(cases, detect);
  const secrets = cases.filter((c) => c.secret);
  const missed = cases.filter((c, i) => c.secret && !found[i]).map((c) => c.id);
  const falsePositives = cases.filter((c, i) => !c.secret && found[i]).map((c) => c.id);
  const groups = [...new Set(secrets.map((c) => c.group))];
  const recallByGroup = Object.fromEntries(
    groups.map((group) => {
      const inGroup = secrets.filter((c) => c.group === group);
      return [group, share(inGroup.filter((c) => !missed.includes(c.id)).length, inGroup.length)];
    }),
  );
  return {
    detector,
    recall: share(secrets.length - missed.length, secrets.length),
    recallByGroup,
    falsePositiveRate: share(falsePositives.length, cases.length - secrets.length),
    ...(await throughput(cases, detect, minSeconds)),
    missed,
    falsePositives,
  };
}

/** Warden's verdict: a secret at any confidence. */
const warden: Detect = (c) => classifyVariable(c.key, c.value).verdict === 'secret';

/** secretlint's verdict: any message from the recommended preset on a one-line `.env` file. */
async function secretlintDetector(): Promise<Detect> {
  const { lintSource } = await import('@secretlint/core');
  const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  return async (c) => {
    const result = await lintSource({
      source: { content: `${c.key}=${c.value}\n`, filePath: '/virtual/.env', ext: '.env', contentType: 'text' },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    return result.messages.length > 0;
  };
}

/** Scores both detectors on the labeled set. */
export async function compareSecretDetectors(cases: readonly LabeledCase[] = labeledCases, minSeconds = 2): Promise<readonly DetectorScore[]> {
  return [await score('warden', cases, warden, minSeconds), await score('secretlint-recommend', cases, await secretlintDetector(), minSeconds)];
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** A plain-text table of the scores. */
export function formatScores(scores: readonly DetectorScore[], cases: readonly LabeledCase[] = labeledCases): string {
  const secrets = cases.filter((c) => c.secret).length;
  const lines = [`labeled set: ${cases.length} cases, ${secrets} secrets, ${cases.length - secrets} look-alikes`];
  for (const s of scores) {
    const groups = Object.entries(s.recallByGroup).map(([g, r]) => `${g} ${percent(r)}`).join(', ');
    lines.push(
      `${s.detector.padEnd(22)} recall ${percent(s.recall)} (${groups}); false positives ${percent(s.falsePositiveRate)} (${s.falsePositives.length}); ` +
        `${s.variablesPerSecond} variables/s (last pass at ${s.lastPassSpeedRatio}x the first)`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const scores = await compareSecretDetectors();
  console.log(formatScores(scores));
  if (process.argv.includes('--details')) console.log(JSON.stringify(scores.map(({ detector, missed, falsePositives }) => ({ detector, missed, falsePositives })), null, 2));
}

if (require.main === module) {
  main()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : 'benchmark failed');
      process.exitCode = 1;
    })
    // secretlint's global profiler keeps every performance mark and scans them all per new mark;
    // its observer backlog would keep the process busy for minutes after the benchmark.
    .finally(() => process.exit());
}
