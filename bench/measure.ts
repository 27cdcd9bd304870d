/**
 * Timing primitives of the benchmark: `process.hrtime.bigint()` around each call, warm-up passes
 * first (the JIT has to see the code before it is measured), medians and percentiles after.
 */

/** Latency samples, in nanoseconds. */
export type Samples = readonly number[];

/** The `p`-th percentile (0..100) of `samples`, nearest-rank on a sorted copy. */
export function percentile(samples: Samples, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** The median: the 50th percentile. */
export function median(samples: Samples): number {
  return percentile(samples, 50);
}

/** Nanoseconds to milliseconds, for reports. */
export function ms(ns: number): number {
  return ns / 1e6;
}

/** How a latency measurement runs. */
export interface LatencyPlan {
  /** Calls made before measuring (not recorded). */
  readonly warmUp: number;
  /** Calls recorded. */
  readonly iterations: number;
}

/** Times `iterations` synchronous calls after `warmUp` unrecorded ones; one sample per call. */
export function latencies(run: (i: number) => unknown, plan: LatencyPlan): number[] {
  for (let i = 0; i < plan.warmUp; i += 1) run(i);
  const samples: number[] = [];
  for (let i = 0; i < plan.iterations; i += 1) {
    const start = process.hrtime.bigint();
    run(i);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return samples;
}

/** Like {@link latencies} for asynchronous calls (each awaited before the next starts). */
export async function asyncLatencies(run: (i: number) => Promise<unknown>, plan: LatencyPlan): Promise<number[]> {
  for (let i = 0; i < plan.warmUp; i += 1) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < plan.iterations; i += 1) {
    const start = process.hrtime.bigint();
    await run(i);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return samples;
}

/** Items per second over a sum of per-item samples. */
export function perSecond(samples: Samples): number {
  const total = samples.reduce((a, b) => a + b, 0);
  return total === 0 ? Number.NaN : (samples.length * 1e9) / total;
}

/** A small deterministic PRNG (mulberry32), so generated inputs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of `items` chosen by `random`. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}
