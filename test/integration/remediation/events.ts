import { createHash } from 'node:crypto';

/** A result line of `warden replay --format json`. */
export interface ResultLine {
  readonly eventId: string;
  readonly outcome: string;
  readonly reason: string;
  readonly findings: { readonly ruleId: string; readonly id: string }[];
  readonly actions: { readonly step: string; readonly target: string; readonly status: string; readonly undoId: string; readonly reason?: string }[];
}

const ACCOUNT = '123456789012';

/**
 * A real-shaped EventBridge "AWS API Call via CloudTrail" event. The event id is derived from the
 * name and parameters, so the same change gives the same id (one delivery or ten).
 */
export function cloudTrailEvent(
  eventName: string,
  requestParameters: Record<string, unknown>,
  options: { readonly issuerArn?: string; readonly source?: 'aws.iam' | 'aws.lambda'; readonly responseElements?: Record<string, unknown> } = {},
): object {
  const source = options.source ?? 'aws.iam';
  const issuer = options.issuerArn ?? `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
  const eventId = createHash('sha256').update(`${eventName}${JSON.stringify(requestParameters)}${issuer}`).digest('hex').slice(0, 32);
  const session = issuer.split('/').pop() ?? 'session';
  return {
    version: '0',
    id: `eb-${eventId}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account: ACCOUNT,
    time: '2026-11-23T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:alice',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${session}/alice`,
        accountId: ACCOUNT,
        sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: issuer, accountId: ACCOUNT, userName: session } },
      },
      eventTime: '2026-11-23T10:00:00Z',
      eventSource: source === 'aws.iam' ? 'iam.amazonaws.com' : 'lambda.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.42',
      userAgent: 'aws-cli/2.31.18',
      requestParameters,
      responseElements: options.responseElements ?? null,
      requestID: `req-${eventId}`,
      eventID: `${eventId.slice(0, 8)}-${eventId.slice(8, 12)}-${eventId.slice(12, 16)}-${eventId.slice(16, 20)}-${eventId.slice(20, 32)}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  };
}
