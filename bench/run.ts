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
  readonly title: string;
  readonly run: () => SectionResult | Promise<SectionResult>;
}

const sections: readonly Section[] = [
  { title: 'Handler bundles: cold start, size, memory', run: benchBundles },
  { title: 'Detection: warm per-event latency', run: benchEvaluation },
  { title: 'Policy engine', run: benchPolicyEngine },
  { title: 'Exposure analyzer', run: benchExposure },
  { title: 'Decision and plan', run: benchDecision },
  { title: 'Whole-account audit', run: benchAudit },
  // Last: secretlint slows down whatever shares its process afterwards.
  { title: 'Secret scanner vs secretlint', run: benchSecrets },
];

async function runSection(section: Section): Promise<ReportSection> {
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
  const previous = readPrevious(RESULTS);
  const reports: ReportSection[] = [];
  for (const section of sections) reports.push(await runSection(section));
  const total = (Date.now() - started.getTime()) / 1000;
  console.log(consoleTable(reports, previous));
  console.log(`\n${reports.map((r) => `${r.title}: ${r.seconds.toFixed(1)} s`).join('; ')}; total ${total.toFixed(1)} s`);
  writeResults(RESULTS, reports.flatMap((r) => r.figures));
  writeFileSync(REPORT, markdown(reports, previous, host, started, total));
  console.log(`wrote ${RESULTS} and ${REPORT}${previous.size > 0 ? ` (compared with ${previous.size} figures of the previous run)` : ''}`);
  if (reports.some((r) => r.failure !== undefined)) process.exitCode = 1;
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : 'benchmark failed');
    process.exitCode = 1;
  })
  // secretlint's global profiler leaves an observer backlog that would keep the process alive for minutes.
  .finally(() => process.exit());
