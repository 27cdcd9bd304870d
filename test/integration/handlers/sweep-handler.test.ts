import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { lastKnownGoodKey } from '../../../domain/remediation/ledger-record';
import { createAwsClients } from '../../../infra/aws/clients';
import { DynamoDbLedger } from '../../../infra/ledger/dynamodb-ledger';
import { DynamoDbSweepState } from '../../../infra/ledger/dynamodb-sweep-state';
import { sweepDeps } from '../../../infra/deps/sweep';
import { runSweep } from '../../../domain/audit/sweep';
import { createSecret, drain, EMPTY_ZIP, emulateListFunctionUrlConfigs } from '../detectors/lambda-fixtures';
import { createLedgerTable } from '../ledger-table';
import { resetMoto } from '../moto';

const ACCOUNT = '123456789012';
const TABLE = 'warden-itest-sweep-ledger';
const clients = createAwsClients();
const doc = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const lambdaTrust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const CANARY = 'sk_live_9Tq2LmZr8VbXk4NpW7yHc1Fd';
const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
let env: NodeJS.ProcessEnv;
let queueUrl = '';
let restoreLambda: () => void = () => undefined;

afterAll(() => restoreLambda());

beforeAll(async () => {
  await resetMoto();
  await createLedgerTable(clients.dynamodb(), TABLE);
  const sqs = new SQSClient({});
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: 'warden-itest-sweep-alerts' }))).TopicArn ?? '';
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'warden-itest-sweep-alerts' }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  await clients.sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  await createSecret('warden-itest-fingerprint-key', 'sweep-fingerprint-key-0123456789abcdef');
  const role = await clients.iam().send(new CreateRoleCommand({ RoleName: 'worker', AssumeRolePolicyDocument: lambdaTrust }));
  await clients.iam().send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'reports', PolicyDocument: narrow }));
  await clients.lambda('us-east-1').send(
    new CreateFunctionCommand({ FunctionName: 'billing', Runtime: 'nodejs22.x', Role: role.Role?.Arn ?? '', Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: { STRIPE_SECRET_KEY: CANARY } } }),
  );
  restoreLambda = emulateListFunctionUrlConfigs();
  env = { ...process.env, WARDEN_LEDGER_TABLE: TABLE, WARDEN_TOPIC_ARN: topicArn, WARDEN_FINGERPRINT_SECRET: 'warden-itest-fingerprint-key', WARDEN_HOME_REGION: 'us-east-1' };
});

describe('sweep against moto', () => {
  it('first run: no trail is alerted, the baseline is stored, clean roles get last-known-good documents', async () => {
    const report = await runSweep(sweepDeps(env));
    expect(report.errors).toEqual([]);
    expect(report.coverage.covered).toBe(false);
    expect(report.current.map((finding) => finding.ruleId)).toEqual(expect.arrayContaining([expect.stringMatching(/^lambda-env-secret-/)]));
    const alerts = await drain(queueUrl);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('NO TRAIL');
    expect(alerts.join('')).not.toContain(CANARY.slice(8, 20));
    expect((await new DynamoDbSweepState(clients.dynamodb(), TABLE).load())?.findings.length).toBe(report.current.length);
    const lkg = await new DynamoDbLedger(clients.dynamodb(), TABLE).lastKnownGood(lastKnownGoodKey(`arn:aws:iam::${ACCOUNT}:role/worker`, 'inline:reports'));
    expect(JSON.parse(lkg?.document ?? '{}')).toEqual(JSON.parse(narrow));
  });

  it('next run: a trail logging and a new admin grant give one alert naming the new finding', async () => {
    await new S3Client({ forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'sweep-trail' }));
    await clients.cloudTrail().send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'sweep-trail', IsMultiRegionTrail: true }));
    await clients.cloudTrail().send(new StartLoggingCommand({ Name: 'main' }));
    await clients.iam().send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'reports', PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }));
    const report = await runSweep(sweepDeps(env));
    expect(report.coverage.covered).toBe(true);
    expect(report.added.map((finding) => finding.ruleId)).toContain('iam-admin-equivalent');
    const alerts = await drain(queueUrl);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`iam-admin-equivalent arn:aws:iam::${ACCOUNT}:role/worker`);
  });

  it('an unreadable stored state is a typed error, never a silent new baseline', async () => {
    await clients.dynamodb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'sweep#state' }, sk: { S: 'state' }, state: { B: Buffer.from('not gzip') } } }));
    await expect(new DynamoDbSweepState(clients.dynamodb(), TABLE).load()).rejects.toThrow(/sweep state .* is unreadable/);
  });
});
