import { EXEMPT_TAG } from '../decide';
import type { Change } from '../events';
import type { Finding } from '../findings';
import type { Detector, Loaded } from './detector';
import { partitionOf, stringParam, toFinding, triggerOf } from './finding-factory';

/** The tag key that exempts a resource from Warden (value: `reason=<text> expires=<YYYY-MM-DD>`). */
const exemptionTagKey = EXEMPT_TAG;

/** What a tag change did to the exemption tag. */
export interface ExemptionTagChange {
  readonly action: 'set' | 'removed';
  readonly subject: { readonly kind: 'role' | 'function'; readonly name: string; readonly arn: string; readonly region?: string };
  /** The tag's new value (a reason and an expiry date: not a secret). */
  readonly value?: string;
}

/** Tag changes come from the event alone: the tags written are exactly what the caller sent. */
function exemptionChange(change: Change): ExemptionTagChange | undefined {
  const subject = subjectOf(change);
  if (subject === undefined) return undefined;
  if (change.eventName.startsWith('Untag')) {
    const keys = change.requestParameters.tagKeys;
    const removed = Array.isArray(keys) && keys.some((key) => typeof key === 'string' && key.toLowerCase() === exemptionTagKey);
    return removed ? { action: 'removed', subject } : undefined;
  }
  const value = exemptionValue(change.requestParameters.tags);
  return value === undefined ? undefined : { action: 'set', subject, value };
}

/** IAM sends `tags: [{key, value}]`; Lambda sends `tags: {key: value}`. */
function exemptionValue(tags: unknown): string | undefined {
  if (Array.isArray(tags)) {
    for (const tag of tags as readonly unknown[]) {
      const entry = asTagEntry(tag);
      if (entry?.key.toLowerCase() === exemptionTagKey) return entry.value;
    }
    return undefined;
  }
  if (typeof tags === 'object' && tags !== null) {
    const entry = Object.entries(tags).find(([key]) => key.toLowerCase() === exemptionTagKey);
    return entry === undefined ? undefined : String(entry[1]);
  }
  return undefined;
}

function asTagEntry(tag: unknown): { key: string; value: string } | undefined {
  if (typeof tag !== 'object' || tag === null) return undefined;
  const { key, value } = tag as { key?: unknown; value?: unknown };
  return typeof key === 'string' ? { key, value: typeof value === 'string' ? value : '' } : undefined;
}

function subjectOf(change: Change): ExemptionTagChange['subject'] | undefined {
  const role = stringParam(change, 'roleName');
  if (role !== undefined) return { kind: 'role', name: role, arn: `arn:${partitionOf(change)}:iam::${change.accountId}:role/${role}` };
  const resource = stringParam(change, 'resource');
  if (resource === undefined) return undefined;
  const name = resource.split(':function:')[1]?.split(':')[0] ?? resource;
  return { kind: 'function', name, arn: resource, region: change.region };
}

const metadata = {
  title: 'Warden exemption tag changed',
  category: 'exemption',
  severity: 'medium',
  risk: 'An exemption stops Warden from enforcing on the resource; whoever may tag it may switch Warden off for it.',
  fix: 'Confirm the exemption has an owner, a reason and a near expiry date; restrict who may tag with warden:* keys.',
} as const;

function load(change: Change): Promise<Loaded<ExemptionTagChange | undefined>> {
  return Promise.resolve({ status: 'resolved', state: exemptionChange(change) });
}

function evaluate(change: Change, state: ExemptionTagChange | undefined): readonly Finding[] {
  if (state === undefined) return [];
  const issue = {
    ruleId: 'warden-exemption-tag-changed',
    category: metadata.category,
    severity: metadata.severity,
    title: state.action === 'set' ? `Warden exemption set on ${state.subject.kind} ${state.subject.name}` : `Warden exemption removed from ${state.subject.kind} ${state.subject.name}`,
    why: metadata.risk,
    fix: metadata.fix,
    evidence: { tagKey: exemptionTagKey, action: state.action, ...(state.value === undefined ? {} : { value: state.value }), by: change.actor.arn ?? 'unknown' },
  };
  return [toFinding(issue, change, { subject: state.subject, trigger: triggerOf(change, ['roleName', 'resource']) })];
}

/** Changes to the `warden:exempt` tag on roles are themselves findings (DESIGN.md §4). */
export const iamExemptionTagChange: Detector<ExemptionTagChange | undefined> = {
  metadata: { id: 'iam-exemption-tag-change', ...metadata },
  runsIn: 'detectIam',
  trigger: { source: 'aws.iam', eventNames: ['TagRole', 'UntagRole'] },
  permissions: [],
  load,
  evaluate,
};

/** Changes to the `warden:exempt` tag on functions are themselves findings (DESIGN.md §4). */
export const lambdaExemptionTagChange: Detector<ExemptionTagChange | undefined> = {
  metadata: { id: 'lambda-exemption-tag-change', ...metadata },
  runsIn: 'detectLambda',
  trigger: { source: 'aws.lambda', eventNames: ['TagResource', 'UntagResource'] },
  permissions: [],
  load,
  evaluate,
};
