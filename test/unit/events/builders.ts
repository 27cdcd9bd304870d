/** Builders for real-shaped CloudTrail records and EventBridge envelopes in tests. */
export interface RecordOverrides {
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly errorCode?: string;
  readonly sessionIssuerArn?: string;
  readonly readOnly?: boolean;
  readonly requestParameters?: Record<string, unknown>;
  readonly eventID?: string;
}

export function cloudTrailRecord(overrides: RecordOverrides = {}): Record<string, unknown> {
  const issuer = overrides.sessionIssuerArn ?? 'arn:aws:iam::111122223333:role/Admin';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:alice',
      arn: `arn:aws:sts::111122223333:assumed-role/${issuer.split('/').pop() ?? 'Admin'}/alice`,
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLEKEYID',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: issuer, accountId: '111122223333', userName: 'Admin' },
        attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: '2026-11-20T10:05:00Z',
    eventSource: overrides.eventSource ?? 'iam.amazonaws.com',
    eventName: overrides.eventName ?? 'PutRolePolicy',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.0',
    ...(overrides.errorCode === undefined ? {} : { errorCode: overrides.errorCode, errorMessage: 'denied' }),
    requestParameters: overrides.requestParameters ?? { roleName: 'app', policyName: 'inline', policyDocument: '{"Version":"2012-10-17","Statement":[]}' },
    responseElements: null,
    requestID: 'req-1',
    eventID: overrides.eventID ?? '3f0b0a9e-0000-4000-8000-000000000001',
    readOnly: overrides.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

export function eventBridgeEvent(record: Record<string, unknown>, id = 'eb-0001'): Record<string, unknown> {
  const source = typeof record.eventSource === 'string' ? `aws.${record.eventSource.split('.')[0] ?? ''}` : 'aws.unknown';
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account: '111122223333',
    time: '2026-11-20T10:05:00Z',
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}
