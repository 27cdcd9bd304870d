import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { delta, meetsTarget, type Figure, type Skipped } from './results';

/** One section of the run as reported: its title, figures, what it skipped and its method notes. */
export interface ReportSection {
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly skipped: readonly Skipped[];
  readonly notes: readonly string[];
  readonly seconds: number;
  /** Set when the section threw: its figures are missing, never guessed. */
  readonly failure?: string;
}

/** The machine the numbers were measured on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  readonly load: number;
}

export function machine(): Machine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function targetText(f: Figure): string {
  if (f.target === null) return '';
  return `${f.better === 'lower' ? '≤' : '≥'} ${f.target} ${f.unit}`;
}

function verdict(f: Figure): string {
  const met = meetsTarget(f);
  return met === undefined ? '' : met ? 'ok' : 'MISSED';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The console table: one line per figure, then the skipped ones. */
export function consoleTable(sections: readonly ReportSection[], previous: ReadonlyMap<string, Figure>): string {
  const rows: string[][] = [['figure', 'value', 'target', '', 'vs previous run']];
  for (const s of sections) {
    for (const f of s.figures) rows.push([f.name, `${f.value} ${f.unit}`, targetText(f), verdict(f), delta(f, previous.get(f.name))]);
  }
  const widths = rows[0]?.map((_, col) => Math.min(72, Math.max(...rows.map((r) => (r[col] ?? '').length)))) ?? [];
  const lines = rows.map((r) => r.map((cell, col) => pad(cell, widths[col] ?? 0)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const s of sections) {
    for (const k of s.skipped) lines.push(`${k.name}: ${k.reason}`);
    if (s.failure !== undefined) lines.push(`${s.title}: FAILED (${s.failure}); no figures`);
  }
  return lines.join('\n');
}

function markdownRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** BENCHMARKS.md: machine, method, numbers against the targets, what was not measured. */
export function markdown(sections: readonly ReportSection[], previous: ReadonlyMap<string, Figure>, m: Machine, when: Date, totalSeconds: number): string {
  const busy = m.load > m.cores / 2;
  const all = sections.flatMap((s) => s.figures);
  const withTarget = all.filter((f) => f.target !== null);
  const missed = withTarget.filter((f) => meetsTarget(f) === false);
  const out: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); the numbers are also in `bench/results.json`, which the next run compares against.',
    'Speed is measured here, never asserted in tests. Targets come from issues 3–6 (cold start under 150 ms per handler, p99 under 5 ms',
    'per evaluation, secrets at least 50,000 variables per second, decision and plan under 1 ms, zips: detectIam under 1 MB, detectLambda under 400 KB).',
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores; memory ${m.memoryGiB} GiB`,
    `- Node ${m.node}; ${m.os}`,
    `- Run: ${when.toISOString()}, ${totalSeconds.toFixed(0)} s in total; 1-minute load average at the start ${m.load}` +
      (busy ? ' (the machine was busy with other work: tail latencies and cold starts read high; re-run on an idle machine before comparing)' : ''),
    '',
    `## Summary: ${withTarget.length - missed.length} of ${withTarget.length} targets met`,
    '',
    ...(missed.length === 0 ? ['Every figure with a target meets it.'] : missed.map((f) => `- **missed**: ${f.name}: ${f.value} ${f.unit} (target ${targetText(f)})`)),
    '',
    '## Numbers',
    '',
  ];
  for (const s of sections) {
    out.push(`### ${s.title}`, '');
    if (s.failure !== undefined) out.push(`Failed: ${s.failure}. No figures.`, '');
    if (s.figures.length > 0) {
      out.push(markdownRow(['figure', 'value', 'target', '', 'vs previous run']), markdownRow(['---', '---:', '---', '---', '---']));
      for (const f of s.figures) out.push(markdownRow([f.name, `${f.value} ${f.unit}`, targetText(f), verdict(f), delta(f, previous.get(f.name))]));
      out.push('');
    }
    for (const k of s.skipped) out.push(`- *${k.name}*: ${k.reason}`);
    if (s.skipped.length > 0) out.push('');
    out.push('Method:', '', ...s.notes.map((n) => `- ${n}`), '');
  }
  out.push(
    '## General method',
    '',
    '- Every timing is `process.hrtime.bigint()` around one call; each measurement warms up first (unrecorded calls) so the JIT has compiled the code, then reports medians (p50) and p99 by nearest rank.',
    '- Inputs are seeded (mulberry32), so runs measure the same work; the example account and events are the ones `npm start` replays.',
    '- "vs previous run" compares with the `bench/results.json` that was there before this run; changes under 5% are marked as noise.',
    '- Everything runs in one process except cold starts (fresh `node` processes); the secretlint comparison runs last because its profiler slows a process down as it runs.',
    '',
  );
  return out.join('\n');
}
