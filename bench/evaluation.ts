import { defaultRegistry } from '../domain/detectors/registry';
import type { DetectorFunction } from '../domain/detectors/detector';
import { evaluateEvent, type DetectionContext } from '../domain/evaluate-event';
import type { AwsManagedPolicyLibrary, IamReader, LambdaReader, StateReaders } from '../domain/ports';
import type { Finding } from '../domain/findings';
import type { Outcome } from '../domain/result';
import { isEventInputError, readEvents } from '../cli/read-events';
import { BundledAwsManagedPolicies } from '../infra/aws-managed/aws-managed-library';
import { SnapshotStore } from '../infra/snapshot/snapshot-store';
import { asyncLatencies, ms, percentile } from './measure';
import { figure, type Figure, type SectionResult, type Skipped } from './results';

/**
 * Warm per-event latency of the detection use case (`evaluateEvent`: parse, classify, load state,
 * evaluate) as a detector Lambda runs it, with in-memory ports: the example account's snapshot,
 * memoised so that after the first pass no call touches the disk.
 */

const EVENTS_DIR = 'examples/events';
const ACCOUNT_DIR = 'examples/account';
const SELF_ARNS = ['arn:aws:iam::111122223333:role/warden-prod-*'];
const PASSES = 300;
const WARM_UP_PASSES = 30;
const P99_TARGET_MS = 5;

/** Caches each resolved answer by its arguments: a port that answers from memory once warm. */
function memo<A extends readonly unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  const cache = new Map<string, Promise<R>>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = call(...args);
      cache.set(key, hit);
    }
    return hit;
  };
}

function inMemoryIam(store: SnapshotStore): IamReader {
  return {
    getRole: memo((name: string) => store.getRole(name)),
    getUser: memo((name: string) => store.getUser(name)),
    getGroup: memo((name: string) => store.getGroup(name)),
    getManagedPolicy: memo((arn: string) => store.getManagedPolicy(arn)),
    getPolicyVersion: memo((arn: string, id: string) => store.getPolicyVersion(arn, id)),
  };
}

function inMemoryLambda(store: SnapshotStore): LambdaReader {
  return {
    getFunction: memo((region: string, name: string) => store.getFunction(region, name)),
    listVersions: memo((region: string, name: string) => store.listVersions(region, name)),
    listAliases: memo((region: string, name: string) => store.listAliases(region, name)),
    getPolicy: memo((region: string, name: string, qualifier?: string) => store.getPolicy(region, name, qualifier)),
    listUrlConfigs: memo((region: string, name: string) => store.listUrlConfigs(region, name)),
    getReservedConcurrency: memo((region: string, name: string) => store.getReservedConcurrency(region, name)),
    getTags: memo((region: string, arn: string) => store.getTags(region, arn)),
  };
}

function inMemoryAwsManaged(library: AwsManagedPolicyLibrary): AwsManagedPolicyLibrary {
  return { getAwsManagedPolicy: memo((arn: string) => library.getAwsManagedPolicy(arn)) };
}

async function loadEvents(): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const item of readEvents([EVENTS_DIR])) if (!isEventInputError(item)) events.push(item.value);
  return events;
}

/** The example account behind memoising in-memory ports, plus a fixed fingerprint key. */
export async function exampleReaders(): Promise<StateReaders> {
  const store = await SnapshotStore.open(ACCOUNT_DIR);
  return {
    iam: inMemoryIam(store),
    lambda: inMemoryLambda(store),
    awsManaged: inMemoryAwsManaged(new BundledAwsManagedPolicies()),
    fingerprintKey: { fingerprintKey: () => Promise.resolve('bench-fingerprint-key-0123456789') },
  };
}

interface FunctionRun {
  readonly figures: Figure[];
  readonly note: string;
}

async function benchFunction(fn: DetectorFunction, events: readonly unknown[], state: StateReaders): Promise<FunctionRun | undefined> {
  const registry = defaultRegistry.only(fn);
  const context: DetectionContext = { registry, readers: state, selfArnPatterns: SELF_ARNS };
  // The events this function's rule would deliver to it: those some detector of the function handles.
  const outcomes: Outcome[] = [];
  for (const event of events) outcomes.push((await evaluateEvent(event, context)).result.outcome);
  const mine = events.filter((_, i) => outcomes[i] !== 'ignored' && outcomes[i] !== 'error');
  if (registry.all.length === 0 || mine.length === 0) return undefined;
  const run = (i: number) => evaluateEvent(mine[i % mine.length], context);
  const samples = await asyncLatencies(run, { warmUp: WARM_UP_PASSES * mine.length, iterations: PASSES * mine.length });
  const counts = countOutcomes(outcomes.filter((o) => o !== 'ignored' && o !== 'error'));
  return {
    figures: [
      figure(`${fn}: warm per-event latency p50`, ms(percentile(samples, 50)), 'ms', 'lower'),
      figure(`${fn}: warm per-event latency p99`, ms(percentile(samples, 99)), 'ms', 'lower', P99_TARGET_MS),
    ],
    note: `${fn}: ${mine.length} example events it handles (${counts}), ${PASSES} passes after ${WARM_UP_PASSES} warm-up passes.`,
  };
}

function countOutcomes(outcomes: readonly Outcome[]): string {
  const counts = new Map<Outcome, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts].map(([o, n]) => `${n} ${o}`).join(', ');
}

/** The findings the registered detectors report on the example events (inputs of the decision figures). */
export async function exampleFindings(): Promise<Finding[]> {
  const context: DetectionContext = { registry: defaultRegistry, readers: await exampleReaders(), selfArnPatterns: SELF_ARNS };
  const findings: Finding[] = [];
  for (const event of await loadEvents()) findings.push(...(await evaluateEvent(event, context)).result.findings);
  return findings;
}

/** Warm per-event latency of each detector function over the example events. */
export async function benchEvaluation(): Promise<SectionResult> {
  const events = await loadEvents();
  const state = await exampleReaders();
  const figures: Figure[] = [];
  const skipped: Skipped[] = [];
  const notes = [
    `Per-event latency: evaluateEvent (parse, classify, load state, evaluate) with each function's registry, over the events of ${EVENTS_DIR} it handles; ` +
      `state from ${ACCOUNT_DIR} through SnapshotStore behind memoising in-memory ports (no disk after the first pass).`,
  ];
  for (const fn of ['detectIam', 'detectLambda'] as const) {
    const run = await benchFunction(fn, events, state);
    if (run === undefined) skipped.push({ name: `${fn}: warm per-event latency`, reason: 'not built yet (no detector of this function handles the example events)' });
    else {
      figures.push(...run.figures);
      notes.push(run.note);
    }
  }
  return { figures, skipped, notes };
}
