import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionUrlConfigCommand, LambdaClient, ListFunctionUrlConfigsCommand, type FunctionUrlConfig } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudTrailRecord, eventBridgeEvent } from '../../unit/events/builders';

/** Shared setup of the Lambda detector integration suites (moto). */

export const ACCOUNT = '123456789012'; // moto's account
export const REGION = 'us-east-1';
/** The smallest valid zip (an empty archive): moto stores code but never runs it. */
export const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

export const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** An EventBridge-wrapped Lambda CloudTrail record as moto's account would emit it. */
export function lambdaEvent(eventName: string, requestParameters: Record<string, unknown>, id: string, responseElements: Record<string, unknown> | null = null): Record<string, unknown> {
  const record = cloudTrailRecord({ eventName, eventSource: 'lambda.amazonaws.com', requestParameters, eventID: id });
  return eventBridgeEvent({ ...record, responseElements, recipientAccountId: ACCOUNT, userIdentity: { ...(record.userIdentity as object), accountId: ACCOUNT } }, `eb-${id}`);
}

/** A role functions can be created with. */
export async function functionRole(): Promise<string> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const created = await new IAMClient({}).send(new CreateRoleCommand({ RoleName: 'fn-role', AssumeRolePolicyDocument: trust }));
  return created.Role?.Arn ?? '';
}

/**
 * Creates a Secrets Manager secret in moto. The project ships no Secrets Manager client (Warden
 * reads its one secret through Parameter Store), so the test speaks the JSON protocol directly;
 * moto does not check signatures.
 */
export async function createSecret(name: string, value: string): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL ?? '';
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'secretsmanager.CreateSecret',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/secretsmanager/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Name: name, SecretString: value }),
  });
  if (!response.ok) throw new Error(`CreateSecret failed: ${response.status} ${await response.text()}`);
}

/** A bus whose findings land in a queue, named by WARDEN_BUS_NAME for the handler. */
export async function findingQueue(bus: string): Promise<string> {
  const events = new EventBridgeClient({});
  const sqs = new SQSClient({});
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${bus}-findings` }))).QueueUrl ?? '';
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: 'findings', EventBusName: bus, EventPattern: JSON.stringify({ 'detail-type': ['Warden Finding'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'findings', EventBusName: bus, Targets: [{ Id: 'q', Arn: attributes.Attributes?.QueueArn ?? '' }] }));
  return queueUrl;
}

/** The raw message bodies waiting in a queue (drains it). */
export async function drain(queueUrl: string): Promise<string[]> {
  const sqs = new SQSClient({});
  const bodies: string[] = [];
  for (let round = 0; round < 10; round += 1) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    bodies.push(...messages.map((message) => message.Body ?? ''));
  }
  return bodies;
}

/**
 * Moto has no ListFunctionUrlConfigs (DESIGN.md §8). Every LambdaClient gets it answered from
 * moto's own GetFunctionUrlConfig (one URL per function there); every other command goes to moto
 * unchanged. Returns the restore function.
 */
export function emulateListFunctionUrlConfigs(): () => void {
  const mock = mockClient(LambdaClient);
  mock.send.callThrough();
  mock.on(ListFunctionUrlConfigsCommand).callsFake(async (input: { FunctionName: string }, getClient) => {
    try {
      const url = await getClient().send(new GetFunctionUrlConfigCommand({ FunctionName: input.FunctionName }));
      const config: FunctionUrlConfig = { FunctionUrl: url.FunctionUrl, FunctionArn: url.FunctionArn, AuthType: url.AuthType, CreationTime: url.CreationTime, LastModifiedTime: url.LastModifiedTime };
      return { FunctionUrlConfigs: [config] };
    } catch (error) {
      if ((error as { name?: string }).name === 'ResourceNotFoundException') return { FunctionUrlConfigs: [] };
      throw error;
    }
  });
  return () => mock.restore();
}
