import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchAudit } from './audit';
import { benchBundles } from './bundles';
import { benchDecision } from './decision';
import { benchEvaluation } from './evaluation';
import { benchExposure } from './exposure';
import { benchPolicyEngine } from './policy-engine';
import { consoleTable, machine, markdown, type ReportSection } from './report';
import { readPrevious, writeResults, type SectionResult } from './results';
import { benchSecrets } from './secrets';

/**
 * `npm run bench`: measures every figure of issue 7 (and the targets of issues 3–6), prints a
 * table, writes BENCHMARKS.md and bench/results.json, and compares with the previous results.
 * A figure whose subject is not built yet is reported as such, never given a number.
 */

const RESULTS = join(__dirname, 'results.json');
const REPORT = join(__dirname, '..', 'BENCHMARKS.md');

interface Section {
  /** Name for `--only` (`npm run bench -- --only policy,audit`). */
  readonly id: string;
  readonly title: string;
  readonly run: () => SectionResult | Promise<SectionResult>;
}

const sections: readonly Section[] = [
  { id: 'bundles', title: 'Handler bundles: cold start, size, memory', run: benchBundles },
  { id: 'detection', title: 'Detection: warm per-event latency', run: benchEvaluation },
  { id: 'policy', title: 'Policy engine', run: benchPolicyEngine },
  { id: 'exposure', title: 'Exposure analyzer', run: benchExposure },
  { id: 'decision', title: 'Decision and plan', run: benchDecision },
  { id: 'audit', title: 'Whole-account audit', run: benchAudit },
  // Last: secretlint slows down whatever shares its process afterwards.
  { id: 'secrets', title: 'Secret scanner vs secretlint', run: benchSecrets },
];

/** The sections named by `--only a,b` (all when absent); unknown names are an error, not a silent empty run. */
function selectedSections(argv: readonly string[]): readonly Section[] {
  const flag = argv.indexOf('--only');
  if (flag < 0) return sections;
  const wanted = (argv[flag + 1] ?? '').split(',').filter((id) => id.length > 0);
  const unknown = wanted.filter((id) => !sections.some((s) => s.id === id));
  if (wanted.length === 0 || unknown.length > 0) throw new Error(`--only takes a comma-separated list of ${sections.map((s) => s.id).join(', ')}`);
  return sections.filter((s) => wanted.includes(s.id));
}

/**
 * A full collection before each section (when node runs with --expose-gc, as `npm run bench`
 * does), so a section's samples do not pay for the garbage of the sections before it.
 */
function collectBetweenSections(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}

async function runSection(section: Section): Promise<ReportSection> {
  collectBetweenSections();
  process.stderr.write(`bench: ${section.title}…\n`);
  const start = process.hrtime.bigint();
  try {
    const result = await section.run();
    return { title: section.title, ...result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  } catch (error) {
    // One broken subject must not hide the others' numbers; its own are reported missing.
    const failure = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : 'unknown error';
    return { title: section.title, figures: [], skipped: [], notes: [], seconds: Number(process.hrtime.bigint() - start) / 1e9, failure };
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const host = machine();
  console.log(`bench on ${host.cpu} (${host.cores} cores), Node ${host.node}, load ${host.load}`);
  const chosen = selectedSections(process.argv.slice(2));
  const previous = readPrevious(RESULTS);
  const reports: ReportSection[] = [];
  for (const section of chosen) reports.push(await runSection(section));
  const total = (Date.now() - started.getTime()) / 1000;
  console.log(consoleTable(reports, previous));
  console.log(`\n${reports.map((r) => `${r.title}: ${r.seconds.toFixed(1)} s`).join('; ')}; total ${total.toFixed(1)} s`);
  if (chosen.length < sections.length) {
    // A partial run must not replace the full record other sections' figures live in.
    console.log(`--only: ${RESULTS} and ${REPORT} left unchanged`);
  } else {
    writeResults(RESULTS, reports.flatMap((r) => r.figures));
    writeFileSync(REPORT, markdown(reports, previous, host, started, total));
    console.log(`wrote ${RESULTS} and ${REPORT}${previous.size > 0 ? ` (compared with ${previous.size} figures of the previous run)` : ''}`);
  }
  if (reports.some((r) => r.failure !== undefined)) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : 'benchmark failed');
    process.exitCode = 1;
  })
  // secretlint's global profiler leaves an observer backlog that would keep the process alive for minutes.
  .finally(() => process.exit());
