import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ThrottledError } from '../../../domain/errors';
import type { Finding } from '../../../domain/findings';
import { buildAlertMessage, type AlertMessage } from '../../../domain/notifications/alert-message';
import { AlertTopic, alertTopicActions, messageAttributes } from '../../../infra/aws/alert-topic';
import { createAwsClients } from '../../../infra/aws/clients';
import { resetMoto } from '../moto';

const finding: Finding = {
  id: 'f-1',
  ruleId: 'lambda-public-url',
  category: 'exposure',
  severity: 'high',
  resourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
  title: 'Function URL of orders is public',
  evidence: { authType: 'NONE' },
  eventId: 'event-1',
  correlationId: 'event-1',
  accountId: '123456789012',
  region: 'us-east-1',
};

const message: AlertMessage = buildAlertMessage({
  finding,
  decision: { action: 'enforce', reason: 'mode enforce' },
  actions: [{ step: 'set-auth-type', target: finding.resourceArn, status: 'applied', undoId: 'u-1' }],
  undoCommand: 'warden undo u-1 --live --ledger-table warden-ci-ledger',
});

describe('AlertTopic on moto', () => {
  let topicArn: string;
  let client: SNSClient;

  beforeAll(async () => {
    await resetMoto();
    client = createAwsClients().sns();
    topicArn = (await client.send(new CreateTopicCommand({ Name: 'warden-ci-alerts' }))).TopicArn ?? '';
  });

  it('publishes a MessageStructure json message SNS accepts', async () => {
    await expect(new AlertTopic(client, topicArn).publish(message)).resolves.toBeUndefined();
  });

  it('translates errors (unknown topic)', async () => {
    await expect(new AlertTopic(client, `${topicArn}-missing`).publish(message)).rejects.toThrow(/sns:Publish failed/);
  });
});

describe('AlertTopic request', () => {
  // Created here, not at module load: mockClient patches every SNSClient, the moto suite's too.
  let snsMock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    snsMock = mockClient(SNSClient);
  });
  afterAll(() => snsMock.restore());
  beforeEach(() => snsMock.reset());

  it('sends subject, per-protocol body and String attributes', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await new AlertTopic(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:123456789012:warden-ci-alerts').publish(message);
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:warden-ci-alerts', Subject: message.subject, MessageStructure: 'json' });
    expect(input?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      ruleId: { DataType: 'String', StringValue: 'lambda-public-url' },
      action: { DataType: 'String', StringValue: 'enforce' },
      account: { DataType: 'String', StringValue: '123456789012' },
    });
    const body = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(body['default']).toBe(message.text);
    expect(JSON.parse(body['https'] ?? '{}')).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('lets throttling be retried', async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    await expect(new AlertTopic(new SNSClient({ region: 'us-east-1' }), 'arn:aws:sns:us-east-1:1:t').publish(message)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('leaves out empty attributes and declares its action', () => {
    expect(messageAttributes({ ...message, attributes: { ...message.attributes, account: '' } })).not.toHaveProperty('account');
    expect(alertTopicActions).toEqual(['sns:Publish']);
  });
});
