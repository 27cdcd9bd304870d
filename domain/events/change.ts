/** Who made a change, as CloudTrail recorded it. Never includes credentials. */
export interface Actor {
  /** `AssumedRole`, `IAMUser`, `Root`, `AWSService`, … */
  readonly type: string;
  readonly arn?: string;
  readonly principalId?: string;
  readonly accountId?: string;
  /** The role behind an assumed-role session: what Warden's self-exclusion matches. */
  readonly sessionIssuerArn?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly invokedBy?: string;
}

/** Where a record came from, for results that must name an event even when it is unusable. */
export interface EventRef {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
}

/**
 * One configuration change, whatever shape it arrived in: the typed form every detector reads.
 * `requestParameters` is what the caller sent; it is never trusted as state (DESIGN.md §2).
 */
export interface Change extends EventRef {
  /** The CloudTrail event id: the key for de-duplication and the ledger. */
  readonly eventId: string;
  /** The EventBridge event id when there is one, else the CloudTrail id: carried into logs, findings, ledger. */
  readonly correlationId: string;
  /** Bare event name: Lambda's API-version suffix removed. */
  readonly eventName: string;
  /** The event name exactly as recorded. */
  readonly rawEventName: string;
  readonly eventSource: string;
  /** `iam`, `lambda`, … */
  readonly service: string;
  readonly eventTime: string;
  readonly region: string;
  readonly accountId: string;
  readonly actor: Actor;
  readonly requestParameters: Readonly<Record<string, unknown>>;
  readonly responseElements: Readonly<Record<string, unknown>> | null;
}
