import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { auditAccount, type AuditProgress, type AuditShard, type AuditSource, type ResourceResult } from '../domain/audit/audit-account';
import { describeError, InvalidInputError, WardenError } from '../domain/errors';
import { BundledAwsManagedPolicies } from '../infra/aws-managed/aws-managed-library';
import { cliFingerprintKey } from '../infra/deps/cli';
import { SnapshotStore } from '../infra/snapshot/snapshot-store';

/**
 * `warden audit --snapshot` on several cores. The audit is split into interleaved shards (see
 * AuditShard); this thread audits shard 0 and worker threads the others, each with its own
 * read-only store of the same snapshot. Results are taken from the shards in turn, so the output
 * is the same, byte for byte, as one thread's. Live audits stay on one thread: they wait on the
 * API, not on the CPU.
 */

/** What a shard worker needs: plain data, cloned into the worker. */
interface ShardJob {
  readonly kind: 'warden-audit-shard';
  readonly snapshot: string;
  /** `--fingerprint-key-file`, as given (the worker opens the same key the same way). */
  readonly fingerprintKeyFile?: string;
  readonly shard: AuditShard;
}

type ShardMessage =
  | { readonly kind: 'result'; readonly result: ResourceResult }
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'failed'; readonly message: string };

/** From this many resources, worker threads pay for their start-up (a fraction of a second each). */
export const PARALLEL_FROM = 1_000;
/** Beyond this, more threads mostly add memory (each holds the snapshot's IAM index). */
const MAX_JOBS = 4;
/**
 * Below this many CPUs one thread is as fast: V8's collector and compiler already keep a second
 * CPU busy (measured on 2 CPUs: 5,000 roles and 2,000 functions in 4.5 s on one thread, 5.0 s on
 * two, with 150 MB more memory).
 */
const PARALLEL_CPUS = 4;

/** Threads for an audit of `resources` resources when `--jobs` is not given: one CPU is left to V8. */
export function defaultJobs(resources: number, cpus: number = availableParallelism()): number {
  if (resources < PARALLEL_FROM || cpus < PARALLEL_CPUS) return 1;
  return Math.min(MAX_JOBS, cpus - 1);
}

/** Everything a parallel snapshot audit needs. */
export interface ParallelAudit {
  readonly snapshot: string;
  readonly fingerprintKeyFile?: string;
  readonly jobs: number;
  /** The script that starts Warden's CLI: worker threads run it with a {@link ShardJob}. */
  readonly entry: string;
}

/**
 * The audit of a snapshot over `plan.jobs` threads, in the order of a one-thread audit. A worker
 * that fails (cannot read the snapshot, crashes) fails the audit with an InvalidInputError.
 */
export async function* auditSnapshotInParallel(local: AuditSource, plan: ParallelAudit, progress?: AuditProgress): AsyncGenerator<ResourceResult> {
  const counts = Array.from({ length: plan.jobs }, () => ({ done: 0, total: 0 }));
  const report = (shard: number): AuditProgress | undefined =>
    progress === undefined
      ? undefined
      : (done, total) => {
          counts[shard] = { done, total };
          progress(
            counts.reduce((sum, c) => sum + c.done, 0),
            counts.reduce((sum, c) => sum + c.total, 0),
          );
        };
  const workers = Array.from({ length: plan.jobs - 1 }, (_, i) => new ShardWorker(plan, { index: i + 1, count: plan.jobs }, report(i + 1)));
  const shards: AsyncIterator<ResourceResult>[] = [auditAccount(local, report(0), { index: 0, count: plan.jobs }), ...workers];
  try {
    // Position p of the whole audit is the next result of shard p mod jobs; the first shard to
    // run out marks the end (shards differ in length by one at most, the longer ones first).
    for (let position = 0; ; position++) {
      const next = await (shards[position % shards.length] as AsyncIterator<ResourceResult>).next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

/** One shard in a worker thread, read as an async iterator of its results. */
class ShardWorker implements AsyncIterator<ResourceResult> {
  private readonly worker: Worker;
  private readonly queue: ShardMessage[] = [];
  private waiting?: (message: ShardMessage) => void;
  private ended = false;

  constructor(plan: ParallelAudit, shard: AuditShard, private readonly progress?: AuditProgress) {
    const job: ShardJob = { kind: 'warden-audit-shard', snapshot: plan.snapshot, shard, ...(plan.fingerprintKeyFile === undefined ? {} : { fingerprintKeyFile: plan.fingerprintKeyFile }) };
    this.worker = new Worker(plan.entry, { workerData: job, stdout: false, stderr: false });
    this.worker.on('message', (message: ShardMessage) => this.push(message));
    this.worker.on('error', (error: unknown) => this.push({ kind: 'failed', message: describeError(error) }));
    this.worker.on('exit', (code) => this.push({ kind: 'failed', message: `audit worker exited with code ${code}` }));
  }

  async next(): Promise<IteratorResult<ResourceResult>> {
    for (;;) {
      const message = this.queue.shift() ?? (await new Promise<ShardMessage>((resolve) => (this.waiting = resolve)));
      if (message.kind === 'progress') this.progress?.(message.done, message.total);
      else if (message.kind === 'result') return { done: false, value: message.result };
      else if (message.kind === 'end') return { done: true, value: undefined };
      else throw new InvalidInputError(`audit worker failed: ${message.message}`);
    }
  }

  async stop(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }

  private push(message: ShardMessage): void {
    // After `end` (or once stopped) the exit that follows is expected, not a failure.
    if (this.ended) return;
    if (message.kind === 'end') this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting !== undefined) waiting(message);
    else this.queue.push(message);
  }
}

function isShardJob(data: unknown): data is ShardJob {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'warden-audit-shard';
}

/** True in a worker thread started by {@link auditSnapshotInParallel}. */
export function isAuditShardWorker(): boolean {
  return !isMainThread && isShardJob(workerData);
}

/** The worker thread's side: audits its shard and posts each result. Never throws. */
export async function runAuditShardWorker(): Promise<void> {
  const port = parentPort;
  if (port === null || !isShardJob(workerData)) return;
  const job: ShardJob = workerData;
  const post = (message: ShardMessage): void => port.postMessage(message);
  try {
    const store = await SnapshotStore.open(job.snapshot, { frozen: true });
    const source: AuditSource = { inventory: store, readers: { iam: store, lambda: store, awsManaged: new BundledAwsManagedPolicies(), fingerprintKey: cliFingerprintKey(job.fingerprintKeyFile) } };
    for await (const result of auditAccount(source, (done, total) => post({ kind: 'progress', done, total }), job.shard)) post({ kind: 'result', result });
    post({ kind: 'end' });
  } catch (error) {
    // WardenError messages are written to be shown; anything else is described without its text.
    post({ kind: 'failed', message: error instanceof WardenError ? error.message : describeError(error) });
  }
}
