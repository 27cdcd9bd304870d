/**
 * A small, pure before/after diff of two policy documents for alerts (DESIGN.md §6): both are
 * decoded (IAM read APIs URL-encode them), parsed, pretty-printed with sorted keys, then compared
 * line by line (longest common subsequence). Text that is not a JSON document is never shown.
 */

import { findKnownFormats } from '../secrets/known-formats';

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
}

/** Above this many lines per side the diff is not computed (the LCS table is quadratic). */
const MAX_LINES = 1500;

/**
 * A string of a policy with every token of a known secret format masked: policy text is not a
 * secret by type, but a Condition value or Resource string can hold a real credential, and
 * alerts must never carry one (DESIGN.md §6).
 */
function masked(text: string): string {
  let out = text;
  // Each pass masks at most one hit per format; a few passes cover repeated tokens.
  for (let pass = 0; pass < 4; pass++) {
    const hits = findKnownFormats(out, '', false);
    if (hits.length === 0) break;
    for (const hit of hits) out = out.split(hit.secret).join('[redacted secret]');
  }
  return out;
}

function sortKeys(value: unknown, mask = true): unknown {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, mask));
  if (typeof value === 'string') return mask ? masked(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [mask ? masked(key) : key, sortKeys(record[key], mask)]),
  );
}

function decode(text: string): string {
  if (text.trimStart().startsWith('{')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** True when two documents differ only in what {@link masked} hides (the diff would look empty). */
function sameOnceMasked(before: string | undefined, after: string | undefined): boolean {
  const raw = (text: string | undefined): string | undefined => {
    if (text === undefined) return '';
    try {
      return JSON.stringify(sortKeys(JSON.parse(decode(text)), false));
    } catch {
      return undefined;
    }
  };
  return raw(before) !== raw(after);
}

/** A policy document (JSON or URL-encoded JSON) pretty-printed with sorted keys and secret-shaped tokens masked; undefined when it is not a JSON object. */
export function prettyDocument(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(decode(text));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    return JSON.stringify(sortKeys(parsed), null, 2);
  } catch {
    return undefined;
  }
}

/** Line diff of two texts (LCS); undefined when either side is too long to diff. */
export function lineDiff(before: string, after: string): DiffLine[] | undefined {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) return undefined;
  const table = lcsTable(a, b);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i++] ?? '' });
      j++;
    } else if ((table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0)) out.push({ kind: '-', text: a[i++] ?? '' });
    else out.push({ kind: '+', text: b[j++] ?? '' });
  }
  while (i < a.length) out.push({ kind: '-', text: a[i++] ?? '' });
  while (j < b.length) out.push({ kind: '+', text: b[j++] ?? '' });
  return out;
}

/** `table[i][j]`: length of the LCS of `a[i..]` and `b[j..]`. */
function lcsTable(a: readonly string[], b: readonly string[]): Uint16Array[] {
  const table = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = table[i] as Uint16Array;
    const next = table[i + 1] as Uint16Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  return table;
}

/** Renders a diff with `context` unchanged lines around each change; runs of unchanged lines collapse to `…`. */
export function renderDiff(lines: readonly DiffLine[], context = 2): string {
  const changed = lines.map((line) => line.kind !== ' ');
  const near = (index: number): boolean => changed.slice(Math.max(0, index - context), index + context + 1).some(Boolean);
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (line.kind === ' ' && !near(index)) {
      if (!skipped) out.push('  …');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${line.kind} ${line.text}`);
  });
  return out.join('\n');
}

/** The rendered before/after diff of two documents (either may be absent: created / deleted). */
export function documentDiff(before: string | undefined, after: string | undefined): string {
  const left = before === undefined ? '' : prettyDocument(before);
  const right = after === undefined ? '' : prettyDocument(after);
  if (left === undefined || right === undefined) return '(document is not readable as JSON; not shown)';
  if (left === right) return sameOnceMasked(before, after) ? '(only secret-shaped values differ; not shown)' : '(no difference)';
  const lines = lineDiff(left, right);
  return lines === undefined ? '(documents too large to diff here)' : renderDiff(lines);
}
