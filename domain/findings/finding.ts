import { createHash } from 'node:crypto';

/** Severity scale, ordered from most to least severe. */
export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];

/** Rank of a severity: higher is more severe. */
export function severityRank(severity: Severity): number {
  return severities.length - severities.indexOf(severity);
}

/** True when `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** Evidence is plain data: statement indexes, Sids, matched actions, paths. Never a secret value. */
export type Evidence = Readonly<Record<string, unknown>>;

/** What a finding is about: the principal, policy or function, by kind and name. */
export interface FindingSubject {
  readonly kind: 'role' | 'user' | 'group' | 'policy' | 'function';
  readonly name: string;
  readonly arn: string;
  /** Lambda only: the region, and the qualifier (alias or version) when the issue is on one. */
  readonly region?: string;
  readonly qualifier?: string;
}

/**
 * The change that produced a finding, reduced to identifiers a remediation needs to undo it
 * (policy ARN or name, version id, statement id). Never a document or a value.
 */
export interface FindingTrigger {
  readonly eventName: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * What a detector found. The shape is the `findings[]` element of DESIGN.md §7, plus the
 * context the remediator and notifications need.
 */
export interface Finding {
  /** Stable for the same rule, resource and event: deliveries of one event give one id. */
  readonly id: string;
  /** Stable rule id (kebab-case), used in configuration, SARIF, message attributes. */
  readonly ruleId: string;
  readonly category: string;
  readonly severity: Severity;
  readonly resourceArn: string;
  /** One line a person understands. */
  readonly title: string;
  readonly evidence: Evidence;
  /** Why this is a problem, in a sentence. */
  readonly why?: string;
  /** The narrowest fix Warden can suggest. */
  readonly fix?: string;
  /** False when the change did not widen access over the last-known-good state (pre-existing breadth). */
  readonly widened?: boolean;
  readonly subject?: FindingSubject;
  readonly trigger?: FindingTrigger;
  readonly eventId: string;
  readonly correlationId: string;
  readonly accountId: string;
  readonly region: string;
}

/** Finding id: a short hash of rule, resource and event, so re-deliveries dedupe naturally. */
export function findingId(ruleId: string, resourceArn: string, eventId: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${resourceArn}\u0000${eventId}`).digest('hex').slice(0, 20);
}
