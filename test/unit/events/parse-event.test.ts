import fc from 'fast-check';
import { normalizeEventName, parseEvent, type ClassifyOptions } from '../../../domain/events';
import { cloudTrailRecord, eventBridgeEvent } from './builders';

const handled = new Set(['iam.amazonaws.com#PutRolePolicy', 'lambda.amazonaws.com#UpdateFunctionConfiguration', 'lambda.amazonaws.com#AddPermission']);
const options: ClassifyOptions = {
  selfArnPatterns: ['arn:aws:iam::*:role/warden-prod-*'],
  isHandled: (source, name) => handled.has(`${source}#${name}`),
};

describe('normalizeEventName', () => {
  it.each([
    ['UpdateFunctionConfiguration20150331v2', 'UpdateFunctionConfiguration'],
    ['AddPermission20150331', 'AddPermission'],
    ['AddPermission20150331v2', 'AddPermission'],
    ['CreateFunctionUrlConfig20211031', 'CreateFunctionUrlConfig'],
    ['CreateFunction20150331', 'CreateFunction'],
    ['PutRolePolicy', 'PutRolePolicy'],
    ['UpdateFunctionConfiguration', 'UpdateFunctionConfiguration'],
    ['GetObject2', 'GetObject2'],
  ])('%s → %s', (raw, bare) => {
    expect(normalizeEventName(raw)).toBe(bare);
  });
});

describe('parseEvent', () => {
  it('parses an EventBridge-wrapped CloudTrail record into a change', () => {
    const verdict = parseEvent(eventBridgeEvent(cloudTrailRecord(), 'eb-42'), options);
    expect(verdict.kind).toBe('change');
    if (verdict.kind !== 'change') return;
    expect(verdict.change).toMatchObject({
      eventId: '3f0b0a9e-0000-4000-8000-000000000001',
      correlationId: 'eb-42',
      eventName: 'PutRolePolicy',
      service: 'iam',
      region: 'us-east-1',
      accountId: '111122223333',
      actor: { type: 'AssumedRole', sessionIssuerArn: 'arn:aws:iam::111122223333:role/Admin', sourceIp: '203.0.113.10' },
      requestParameters: { roleName: 'app' },
    });
  });

  it('parses a bare record, using the CloudTrail id as correlation id', () => {
    const verdict = parseEvent(cloudTrailRecord(), options);
    expect(verdict.kind === 'change' && verdict.change.correlationId).toBe('3f0b0a9e-0000-4000-8000-000000000001');
  });

  it.each([
    ['UpdateFunctionConfiguration20150331v2'],
    ['UpdateFunctionConfiguration'],
  ])('matches Lambda %s by its bare name', (eventName) => {
    const verdict = parseEvent(eventBridgeEvent(cloudTrailRecord({ eventName, eventSource: 'lambda.amazonaws.com' })), options);
    expect(verdict.kind === 'change' && verdict.change.eventName).toBe('UpdateFunctionConfiguration');
    expect(verdict.kind === 'change' && verdict.change.rawEventName).toBe(eventName);
  });

  it.each([
    ['a failed call', cloudTrailRecord({ errorCode: 'AccessDenied' }), 'failed-call', /AccessDenied/],
    ["Warden's own call", cloudTrailRecord({ sessionIssuerArn: 'arn:aws:iam::111122223333:role/warden-prod-remediate-us-east-1' }), 'own-action', /Warden's own role/],
    ['a read-only call', cloudTrailRecord({ eventName: 'GetRole', readOnly: true }), 'not-a-change', /read-only/],
    ['an event no detector handles', cloudTrailRecord({ eventName: 'CreateUser' }), 'unhandled-event', /no detector handles iam.amazonaws.com CreateUser/],
    ['another service', cloudTrailRecord({ eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com' }), 'unhandled-event', /s3.amazonaws.com/],
  ])('ignores %s with its reason', (_label, record, reason, message) => {
    const verdict = parseEvent(eventBridgeEvent(record), options);
    expect(verdict.kind).toBe('ignored');
    if (verdict.kind !== 'ignored') return;
    expect(verdict.reason).toBe(reason);
    expect(verdict.message).toMatch(message);
  });

  it('checks the failed call before the self match, so both are ignored either way', () => {
    const record = cloudTrailRecord({ errorCode: 'NoSuchEntityException', sessionIssuerArn: 'arn:aws:iam::111122223333:role/warden-prod-x' });
    const verdict = parseEvent(record, options);
    expect(verdict.kind === 'ignored' && verdict.reason).toBe('failed-call');
  });

  it('matches own roles on the session issuer, not the session name', () => {
    const record = cloudTrailRecord({ sessionIssuerArn: 'arn:aws:iam::111122223333:role/Admin' });
    const identity = record.userIdentity as Record<string, unknown>;
    identity.arn = 'arn:aws:sts::111122223333:assumed-role/Admin/warden-prod-remediate-us-east-1';
    expect(parseEvent(record, options).kind).toBe('change');
  });

  it('treats an IAM user (no session issuer) as a normal caller', () => {
    const record = cloudTrailRecord();
    record.userIdentity = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', userName: 'bob' };
    const verdict = parseEvent(record, options);
    expect(verdict.kind === 'change' && verdict.change.actor).toEqual({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', sourceIp: '203.0.113.10', userAgent: 'aws-cli/2.15.0' });
  });

  it('ignores EventBridge events that are not CloudTrail API calls', () => {
    const verdict = parseEvent({ version: '0', id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, options);
    expect(verdict).toMatchObject({ kind: 'ignored', reason: 'not-a-change', ref: { eventId: 'x' } });
  });

  it.each([
    ['null', null, /got null/],
    ['a string', 'PutRolePolicy', /got string/],
    ['an array', [cloudTrailRecord()], /got an array/],
    ['a record without eventName', { ...cloudTrailRecord(), eventName: undefined }, /eventName/],
    ['a record with a numeric eventSource', { ...cloudTrailRecord(), eventSource: 42 }, /eventSource/],
    ['an envelope with a broken detail', { id: 'e', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: 'x' }, /detail/],
    ['an envelope without an id', { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: cloudTrailRecord() }, /id/],
    ['requestParameters of the wrong type', { ...cloudTrailRecord(), requestParameters: 'x' }, /requestParameters/],
  ])('reports %s as malformed with the reason', (_label, input, message) => {
    const verdict = parseEvent(input, options);
    expect(verdict.kind).toBe('malformed');
    expect(verdict.kind === 'malformed' && verdict.message).toMatch(message);
  });

  it('names the event in a malformed verdict when it can', () => {
    const verdict = parseEvent({ ...cloudTrailRecord(), eventTime: 5 }, options);
    expect(verdict).toMatchObject({ kind: 'malformed', ref: { eventId: '3f0b0a9e-0000-4000-8000-000000000001', eventName: 'PutRolePolicy' } });
  });

  it('never echoes values from a malformed record', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzSECRET';
    const verdict = parseEvent({ ...cloudTrailRecord(), eventSource: { secret } }, options);
    expect(JSON.stringify(verdict)).not.toContain(secret);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.record({ detail: fc.anything(), 'detail-type': fc.string(), id: fc.string(), source: fc.string() })), (input) => {
        const verdict = parseEvent(input, options);
        expect(['change', 'ignored', 'malformed']).toContain(verdict.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on records with fields of random types', () => {
    const base = cloudTrailRecord();
    const keys = Object.keys(base);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        const verdict = parseEvent(eventBridgeEvent({ ...base, [key]: value }), options);
        expect(['change', 'ignored', 'malformed']).toContain(verdict.kind);
      }),
      { numRuns: 2000 },
    );
  });
});
