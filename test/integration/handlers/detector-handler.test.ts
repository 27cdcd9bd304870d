import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Detector } from '../../../domain/detectors/detector';
import { DetectorRegistry } from '../../../domain/detectors/registry';
import { AccessDeniedError, ThrottledError } from '../../../domain/errors';
import { findingId, type Finding } from '../../../domain/findings';
import { defaultConfig } from '../../../domain/config';
import { assessTrailCoverage } from '../../../domain/trail';
import { CloudTrailGateway } from '../../../infra/aws/cloudtrail-gateway';
import { FindingBus } from '../../../infra/aws/finding-bus';
import { createDetectorHandler } from '../../../infra/runtime/detector-handler';
import { cloudTrailRecord, eventBridgeEvent } from '../../unit/events/builders';
import { resetMoto } from '../moto';

beforeAll(async () => {
  await resetMoto();
});

function detector(load: Detector<string>['load']): Detector<string> {
  return {
    metadata: { id: 'test-role', title: 't', category: 'test', severity: 'high', risk: 'r', fix: 'f' },
    runsIn: 'detectIam',
    trigger: { source: 'aws.iam', eventNames: ['PutRolePolicy'] },
    permissions: [],
    load,
    evaluate(change, roleName): Finding[] {
      const resourceArn = `arn:aws:iam::${change.accountId}:role/${roleName}`;
      return [{ id: findingId('test-role', resourceArn, change.eventId), ruleId: 'test-role', category: 'test', severity: 'high', resourceArn, title: 't', evidence: {}, eventId: change.eventId, correlationId: change.correlationId, accountId: change.accountId, region: change.region }];
    },
  };
}

function handlerWith(load: Detector<string>['load'], published: Finding[][] = []) {
  return createDetectorHandler('detectIam', () => ({
    config: defaultConfig,
    registry: new DetectorRegistry([detector(load)]),
    readers: {},
    publisher: { publish: (findings) => Promise.resolve(void published.push([...findings])) },
  }));
}

describe('detector handler', () => {
  const event = eventBridgeEvent(cloudTrailRecord());

  it('publishes findings and returns a summary', async () => {
    const published: Finding[][] = [];
    const summary = await handlerWith(() => Promise.resolve({ status: 'resolved', state: 'app' }), published)(event);
    expect(summary).toEqual({ outcome: 'finding', reason: '1 finding: test-role', findings: 1 });
    expect(published.flat().map((finding) => finding.resourceArn)).toEqual(['arn:aws:iam::111122223333:role/app']);
  });

  it('rethrows retryable failures so EventBridge retries and the DLQ catches the rest', async () => {
    const handler = handlerWith(() => Promise.reject(new ThrottledError('iam:GetRole throttled')));
    await expect(handler(event)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('drops non-retryable failures with an error outcome', async () => {
    const summary = await handlerWith(() => Promise.reject(new AccessDeniedError('iam:GetRole denied')))(event);
    expect(summary).toMatchObject({ outcome: 'error', reason: 'AccessDeniedError: iam:GetRole denied', findings: 0 });
  });

  it('drops malformed events without throwing', async () => {
    await expect(handlerWith(() => Promise.resolve({ status: 'resolved', state: 'x' }))({ nonsense: true })).resolves.toMatchObject({ outcome: 'error' });
  });
});

describe('FindingBus against moto', () => {
  it('puts findings on the bus where a rule delivers them', async () => {
    const events = new EventBridgeClient({});
    const sqs = new SQSClient({});
    await events.send(new CreateEventBusCommand({ Name: 'warden-test' }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'findings' }));
    const queueUrl = queue.QueueUrl ?? '';
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: 'to-queue', EventBusName: 'warden-test', EventPattern: JSON.stringify({ 'detail-type': ['Warden Finding'] }) }));
    await events.send(new PutTargetsCommand({ Rule: 'to-queue', EventBusName: 'warden-test', Targets: [{ Id: 'q', Arn: attributes.Attributes?.QueueArn ?? '' }] }));

    const finding: Finding = { id: 'f1', ruleId: 'test-role', category: 'test', severity: 'high', resourceArn: 'arn:aws:iam::111122223333:role/app', title: 't', evidence: { statementIndex: 0 }, eventId: 'e1', correlationId: 'c1', accountId: '111122223333', region: 'us-east-1' };
    await new FindingBus(events, 'warden-test').publish(Array.from({ length: 12 }, (_, index) => ({ ...finding, id: `f${index}` })));

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const bodies = (received.Messages ?? []).map((message) => JSON.parse(message.Body ?? '{}') as { 'detail-type': string; detail: Finding });
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies[0]?.['detail-type']).toBe('Warden Finding');
    expect(bodies[0]?.detail).toMatchObject({ ruleId: 'test-role', resourceArn: 'arn:aws:iam::111122223333:role/app' });
  });
});

describe('CloudTrailGateway against moto', () => {
  it('sees no coverage without a trail, then a logging multi-region trail', async () => {
    const cloudTrail = new CloudTrailClient({});
    const gateway = new CloudTrailGateway(cloudTrail);
    expect(assessTrailCoverage(await gateway.listTrails(), 'us-east-1')).toMatchObject({ covered: false });

    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
    await cloudTrail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'trail-bucket', IsMultiRegionTrail: true }));
    expect(assessTrailCoverage(await gateway.listTrails(), 'eu-west-1')).toMatchObject({ covered: false, reason: expect.stringMatching(/logging off/) as unknown });

    await cloudTrail.send(new StartLoggingCommand({ Name: 'main' }));
    expect(assessTrailCoverage(await gateway.listTrails(), 'eu-west-1')).toEqual({ covered: true, trail: 'main' });

    await cloudTrail.send(new PutEventSelectorsCommand({ TrailName: 'main', EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] }));
    expect(assessTrailCoverage(await gateway.listTrails(), 'us-east-1')).toMatchObject({ covered: false, reason: expect.stringMatching(/write management events/) as unknown });
  });
});
