import type { Change } from '../events';
import { findingId, type Evidence, type Finding, type FindingSubject, type FindingTrigger, type Severity } from '../findings';

/** An issue as the analyzers report it, before it is tied to an event. */
export interface IssueLike {
  readonly ruleId: string;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly why?: string;
  readonly fix?: string;
  readonly evidence: Evidence;
}

/** Context a finding carries besides the issue. */
export interface FindingContext {
  readonly subject: FindingSubject;
  readonly trigger?: FindingTrigger;
  readonly widened?: boolean;
  /** Extra evidence merged over the issue's (how the state was judged, the baseline). */
  readonly evidence?: Evidence;
  /** Tells apart findings of one rule on one resource (a variable, a statement) in the id. */
  readonly key?: string;
}

/** Ties an analyzer's issue to the change that surfaced it. Ids are stable per rule, resource and event. */
export function toFinding(issue: IssueLike, change: Change, context: FindingContext): Finding {
  const resourceArn = context.subject.arn;
  return {
    id: findingId(issue.ruleId, resourceArn + (context.subject.qualifier ? `:${context.subject.qualifier}` : '') + (context.key === undefined ? '' : `#${context.key}`), change.eventId),
    ruleId: issue.ruleId,
    category: issue.category,
    severity: issue.severity,
    resourceArn,
    title: issue.title,
    evidence: { ...issue.evidence, ...(context.evidence ?? {}) },
    ...(issue.why === undefined ? {} : { why: issue.why }),
    ...(issue.fix === undefined ? {} : { fix: issue.fix }),
    ...(context.widened === undefined ? {} : { widened: context.widened }),
    subject: context.subject,
    ...(context.trigger === undefined ? {} : { trigger: context.trigger }),
    eventId: change.eventId,
    correlationId: change.correlationId,
    accountId: change.accountId,
    region: change.region,
  };
}

/** Identifier-only request parameters a remediation may need; documents and values are dropped. */
export function triggerOf(change: Change, keys: readonly string[]): FindingTrigger {
  const params: Record<string, string> = {};
  for (const key of keys) {
    const value = change.requestParameters[key];
    if (typeof value === 'string' && value.length <= 2048) params[key] = value;
    else if (typeof value === 'boolean' || typeof value === 'number') params[key] = String(value);
  }
  return { eventName: change.eventName, params };
}

/** The partition of the account a change happened in (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(change: Change): string {
  const arn = change.actor.arn ?? change.actor.sessionIssuerArn ?? '';
  const match = /^arn:(aws(?:-cn|-us-gov)?):/.exec(arn);
  return match?.[1] ?? 'aws';
}

/** A string request parameter, or undefined. */
export function stringParam(change: Change, key: string): string | undefined {
  const value = change.requestParameters[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
