import type { Detector } from './detectors/detector';
import type { DetectorRegistry } from './detectors/registry';
import { describeError } from './errors';
import type { Change, EventRef } from './events';
import { parseEvent } from './events';
import type { Finding } from './findings';
import type { StateReaders } from './ports';
import type { ActionView } from './remediation/plan';
import type { EventResult } from './result';

/** Everything the detection use case needs; the Lambdas and the CLI build it differently. */
export interface DetectionContext {
  readonly registry: DetectorRegistry;
  readonly readers: StateReaders;
  readonly selfArnPatterns: readonly string[];
  /** Turns findings into actions (decision and planning); none until a remediator is wired. */
  readonly plan?: (change: Change, findings: readonly Finding[]) => Promise<readonly ActionView[]>;
}

/** A result plus what failed, so a Lambda handler can decide to retry (the error never serialises). */
export interface Evaluation {
  readonly result: EventResult;
  readonly failure?: unknown;
}

/**
 * The detection use case: parse and classify one event, run every detector it triggers against
 * re-read state, and plan what to do. Never throws; failures become an `error` result that keeps
 * the original error for the caller.
 */
export async function evaluateEvent(input: unknown, context: DetectionContext): Promise<Evaluation> {
  const verdict = parseEvent(input, {
    selfArnPatterns: context.selfArnPatterns,
    isHandled: (source, name) => context.registry.handles(source, name),
  });
  if (verdict.kind === 'malformed') return { result: resultOf(verdict.ref, 'error', verdict.message) };
  if (verdict.kind === 'ignored') return { result: resultOf(verdict.ref, 'ignored', verdict.message) };
  const { change } = verdict;
  try {
    return { result: await detect(change, context) };
  } catch (error) {
    return { result: resultOf(change, 'error', describeError(error)), failure: error };
  }
}

async function detect(change: Change, context: DetectionContext): Promise<EventResult> {
  const findings: Finding[] = [];
  const unresolved: string[] = [];
  for (const detector of context.registry.for(change.eventSource, change.eventName)) {
    const outcome = await runDetector(detector, change, context.readers);
    if (outcome.kind === 'findings') findings.push(...outcome.findings);
    else unresolved.push(`${detector.metadata.id}: ${outcome.reason}`);
  }
  if (findings.length > 0) {
    const actions = context.plan ? await context.plan(change, findings) : [];
    return { ...resultOf(change, 'finding', summarize(findings)), findings, actions };
  }
  if (unresolved.length > 0) return resultOf(change, 'unresolved', unresolved.join('; '));
  return resultOf(change, 'clean', `no finding for ${change.eventName}`);
}

type DetectorOutcome = { readonly kind: 'findings'; readonly findings: readonly Finding[] } | { readonly kind: 'unresolved'; readonly reason: string };

async function runDetector(detector: Detector, change: Change, readers: StateReaders): Promise<DetectorOutcome> {
  const loaded = await detector.load(change, readers);
  if (loaded.status !== 'resolved') return { kind: 'unresolved', reason: loaded.reason };
  return { kind: 'findings', findings: detector.evaluate(change, loaded.state) };
}

function summarize(findings: readonly Finding[]): string {
  const rules = [...new Set(findings.map((finding) => finding.ruleId))];
  return `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${rules.join(', ')}`;
}

function resultOf(ref: EventRef, outcome: EventResult['outcome'], reason: string): EventResult {
  return { eventId: ref.eventId, eventName: ref.eventName, eventSource: ref.eventSource, outcome, reason, findings: [], actions: [] };
}
