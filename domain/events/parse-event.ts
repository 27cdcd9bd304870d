import type { ZodError } from 'zod';
import { matchesWildcard } from '../wildcard';
import type { Actor, Change, EventRef } from './change';
import { normalizeEventName, serviceOf } from './event-name';
import {
  cloudTrailRecordSchema,
  eventBridgeEnvelopeSchema,
  type CloudTrailRecord,
} from './schemas';

/** Why an event is not for Warden. Each maps to the `ignored` outcome with a one-line reason. */
export type IgnoreReason = 'failed-call' | 'own-action' | 'unhandled-event' | 'not-a-change';

/** What Warden makes of one input: a change to evaluate, an event to ignore, or unusable input. */
export type EventVerdict =
  | { readonly kind: 'change'; readonly change: Change }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason; readonly message: string; readonly ref: EventRef }
  | { readonly kind: 'malformed'; readonly message: string; readonly ref: EventRef };

/** What the classification needs to know about the deployment. */
export interface ClassifyOptions {
  /** Warden's own roles (`*` matches any characters), matched against the session issuer ARN. */
  readonly selfArnPatterns: readonly string[];
  /** True when some registered detector handles this bare event name from this source. */
  readonly isHandled: (eventSource: string, eventName: string) => boolean;
}

const unknownRef: EventRef = { eventId: 'unknown', eventName: 'unknown', eventSource: 'unknown' };
const cloudTrailDetailType = 'AWS API Call via CloudTrail';

/**
 * Parses an EventBridge-wrapped or bare CloudTrail record into a {@link Change} and classifies
 * what is not for Warden. Never throws: bad input becomes a `malformed` verdict with the reason.
 */
export function parseEvent(input: unknown, options: ClassifyOptions): EventVerdict {
  try {
    return classify(input, options);
  } catch (error) {
    // Defensive: a schema or predicate bug must not take the whole batch down.
    return { kind: 'malformed', message: `unreadable event: ${error instanceof Error ? error.message : 'unknown error'}`, ref: unknownRef };
  }
}

function classify(input: unknown, options: ClassifyOptions): EventVerdict {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { kind: 'malformed', message: `expected a JSON object, got ${describeType(input)}`, ref: unknownRef };
  }
  const unwrapped = unwrap(input as Record<string, unknown>);
  if (unwrapped.kind !== 'record') return unwrapped.verdict;
  const { record, correlationId } = unwrapped;
  const ref = refOf(record);
  const eventName = normalizeEventName(record.eventName);
  if (record.errorCode !== undefined) {
    return ignored('failed-call', `failed call (${record.errorCode}): nothing changed`, ref);
  }
  const issuer = record.userIdentity?.sessionContext?.sessionIssuer?.arn;
  if (issuer !== undefined && options.selfArnPatterns.some((pattern) => matchesWildcard(pattern, issuer, { questionMark: false }))) {
    return ignored('own-action', `made by Warden's own role ${issuer}`, ref);
  }
  if (record.readOnly === true) {
    return ignored('not-a-change', `${eventName} is a read-only call`, ref);
  }
  if (!options.isHandled(record.eventSource, eventName)) {
    return ignored('unhandled-event', `no detector handles ${record.eventSource} ${eventName}`, ref);
  }
  return { kind: 'change', change: toChange(record, correlationId) };
}

type Unwrapped =
  | { readonly kind: 'record'; readonly record: CloudTrailRecord; readonly correlationId: string }
  | { readonly kind: 'verdict'; readonly verdict: EventVerdict };

function unwrap(input: Record<string, unknown>): Unwrapped {
  if ('detail' in input || 'detail-type' in input) {
    const envelope = eventBridgeEnvelopeSchema.safeParse(input);
    if (!envelope.success) return malformed(`invalid EventBridge event: ${summarize(envelope.error)}`, refFromLoose(input));
    if (envelope.data['detail-type'] !== cloudTrailDetailType) {
      const ref = { eventId: envelope.data.id, eventName: envelope.data['detail-type'], eventSource: envelope.data.source };
      return { kind: 'verdict', verdict: ignored('not-a-change', `not a CloudTrail API call (${envelope.data['detail-type']})`, ref) };
    }
    const record = cloudTrailRecordSchema.safeParse(envelope.data.detail);
    if (!record.success) return malformed(`invalid CloudTrail record in detail: ${summarize(record.error)}`, refFromLoose(envelope.data.detail));
    return { kind: 'record', record: record.data, correlationId: envelope.data.id };
  }
  const record = cloudTrailRecordSchema.safeParse(input);
  if (!record.success) return malformed(`invalid CloudTrail record: ${summarize(record.error)}`, refFromLoose(input));
  return { kind: 'record', record: record.data, correlationId: record.data.eventID };
}

function toChange(record: CloudTrailRecord, correlationId: string): Change {
  return {
    eventId: record.eventID,
    correlationId,
    eventName: normalizeEventName(record.eventName),
    rawEventName: record.eventName,
    eventSource: record.eventSource,
    service: serviceOf(record.eventSource),
    eventTime: record.eventTime,
    region: record.awsRegion,
    accountId: record.recipientAccountId ?? record.userIdentity?.accountId ?? 'unknown',
    actor: actorOf(record),
    requestParameters: record.requestParameters ?? {},
    responseElements: record.responseElements ?? null,
  };
}

function actorOf(record: CloudTrailRecord): Actor {
  const identity = record.userIdentity;
  return stripUndefined({
    type: identity?.type ?? 'Unknown',
    arn: identity?.arn,
    principalId: identity?.principalId,
    accountId: identity?.accountId,
    sessionIssuerArn: identity?.sessionContext?.sessionIssuer?.arn,
    sourceIp: record.sourceIPAddress,
    userAgent: record.userAgent,
    invokedBy: identity?.invokedBy,
  });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function refOf(record: CloudTrailRecord): EventRef {
  return { eventId: record.eventID, eventName: normalizeEventName(record.eventName), eventSource: record.eventSource };
}

/** Best-effort identification of a record that failed validation, so its result can name it. */
function refFromLoose(value: unknown): EventRef {
  if (typeof value !== 'object' || value === null) return unknownRef;
  const loose = value as Record<string, unknown>;
  const detail = typeof loose.detail === 'object' && loose.detail !== null ? (loose.detail as Record<string, unknown>) : loose;
  const text = (field: unknown, fallback: string): string => (typeof field === 'string' && field.length > 0 && field.length <= 256 ? field : fallback);
  return {
    eventId: text(detail.eventID, text(loose.id, 'unknown')),
    eventName: text(detail.eventName, 'unknown'),
    eventSource: text(detail.eventSource, text(loose.source, 'unknown')),
  };
}

function ignored(reason: IgnoreReason, message: string, ref: EventRef): EventVerdict {
  return { kind: 'ignored', reason, message, ref };
}

function malformed(message: string, ref: EventRef): Unwrapped {
  return { kind: 'verdict', verdict: { kind: 'malformed', message, ref } };
}

/** The first few schema problems as one line, naming fields but never echoing values. */
function summarize(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
