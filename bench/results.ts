import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One measured figure, as `bench/results.json` stores it. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The figure the issues set (DESIGN.md issues 3–6), or null when none is set. */
  readonly target: number | null;
  readonly better: 'lower' | 'higher';
}

/** A figure whose subject is not built yet: printed, never given a number. */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

/** What one benchmark section returns. */
export interface SectionResult {
  readonly figures: readonly Figure[];
  readonly skipped: readonly Skipped[];
  /** Free text for BENCHMARKS.md (method notes, side-by-side tables). */
  readonly notes: readonly string[];
}

/** A figure with a value rounded to a sensible precision for storage and display. */
export function figure(name: string, value: number, unit: string, better: Figure['better'], target: number | null = null): Figure {
  return { name, value: round(value), unit, target, better };
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 10 ? 2 : abs >= 0.01 ? 3 : 6;
  return Number(value.toFixed(digits));
}

/** True when the figure meets its target; undefined when it has none. */
export function meetsTarget(f: Figure): boolean | undefined {
  if (f.target === null) return undefined;
  return f.better === 'lower' ? f.value <= f.target : f.value >= f.target;
}

function isFigure(value: unknown): value is Figure {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.value === 'number' && typeof v.unit === 'string' && (v.better === 'lower' || v.better === 'higher');
}

/** The figures of an earlier run, or none when the file is missing or unreadable. */
export function readPrevious(path: string): ReadonlyMap<string, Figure> {
  if (!existsSync(path)) return new Map();
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) return new Map();
    return new Map(parsed.filter(isFigure).map((f) => [f.name, f]));
  } catch {
    // A hand-edited or truncated file is not worth failing the run for: compare against nothing.
    return new Map();
  }
}

/** Writes the figures, one entry each, for later runs to compare against. */
export function writeResults(path: string, figures: readonly Figure[]): void {
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}

/** Relative change against the previous run, signed so that positive means better; '' when not comparable. */
export function delta(current: Figure, previous: Figure | undefined): string {
  if (previous === undefined || previous.unit !== current.unit || previous.value === 0 || !Number.isFinite(previous.value)) return '';
  const change = (current.value - previous.value) / Math.abs(previous.value);
  const improvement = current.better === 'lower' ? -change : change;
  const sign = improvement >= 0 ? '+' : '';
  // Under 5% is run-to-run noise on a shared machine; say so rather than suggest a trend.
  const tag = Math.abs(improvement) < 0.05 ? ' (noise)' : improvement > 0 ? ' better' : ' WORSE';
  return `${sign}${(improvement * 100).toFixed(1)}%${tag} (was ${previous.value})`;
}
