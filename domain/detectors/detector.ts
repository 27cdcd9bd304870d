import type { Change } from '../events';
import type { Finding, Severity } from '../findings';
import type { StateReaders } from '../ports';

/** The Lambda function a detector runs in; each has its own EventBridge rule and IAM role. */
export type DetectorFunction = 'detectIam' | 'detectLambda';

/** The events that trigger a detector: an EventBridge source and bare event names. */
export interface Trigger {
  /** EventBridge source, e.g. `aws.iam`; the CloudTrail eventSource is `<service>.amazonaws.com`. */
  readonly source: `aws.${string}`;
  /** Bare event names (Lambda's API-version suffixes are matched by prefix in the rule). */
  readonly eventNames: readonly string[];
}

/** What a detector says about itself, beside its code (Prowler-style metadata). */
export interface DetectorMetadata {
  /** Stable kebab-case id, equal to the file name. */
  readonly id: string;
  readonly title: string;
  readonly category: string;
  /** The most severe finding this detector can raise. */
  readonly severity: Severity;
  readonly risk: string;
  readonly fix: string;
}

/** State a detector loaded, or why it could not. */
export type Loaded<State> =
  | { readonly status: 'resolved'; readonly state: State }
  | { readonly status: 'unresolved'; readonly reason: string }
  | { readonly status: 'gone'; readonly reason: string };

/**
 * A detector: one file with its id, metadata, trigger, the read permissions its loading needs,
 * how it loads live state, and a pure evaluation. Registered with one line in `registry.ts`.
 */
export interface Detector<State = unknown> {
  readonly metadata: DetectorMetadata;
  readonly runsIn: DetectorFunction;
  readonly trigger: Trigger;
  /** IAM actions `load` needs; the contract test checks the function's role grants them. */
  readonly permissions: readonly string[];
  /**
   * Re-reads the live state the change touched. With no reader for the service (offline replay
   * without a snapshot), judges what the event carries or answers `unresolved`.
   */
  load(change: Change, readers: StateReaders): Promise<Loaded<State>>;
  /** Pure: the findings for this change and state. */
  evaluate(change: Change, state: State): readonly Finding[];
}

/** The CloudTrail eventSource of a trigger source: `aws.iam` → `iam.amazonaws.com`. */
export function eventSourceOf(source: Trigger['source']): string {
  return `${source.slice('aws.'.length)}.amazonaws.com`;
}
