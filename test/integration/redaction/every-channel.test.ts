/**
 * Redaction over every output channel (issue 7 part 4). Random canaries, shaped like real secrets
 * (AKIA…, ghp_…, sk_live_…, xoxb-…), are planted in every input field that can carry one: function
 * environment values, policy documents (Condition values, Resource strings), role tags, CloudTrail
 * request parameters and envelope (`userAgent`, `errorMessage` of a failed call), function URL CORS
 * headers, and malformed inputs whose parse errors might echo text. Then every output channel runs:
 * detector and remediator logs at DEBUG, findings on the bus, alert text (SNS/Chatbot), Slack Block
 * Kit, the DynamoDB and file ledgers, CLI replay json/table and scan-template json/sarif, and error
 * results.
 *
 * Two tiers. A secret value (environment values) must appear nowhere. A secret-shaped string in a
 * field that is not a secret by type (policy text, tags, headers, user agent) must appear in no output
 * either, except in a ledger: the ledger keeps the exact prior state so that undo can restore it.
 */
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, PutRolePolicyCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../../cli/replay';
import { main } from '../../../cli/warden';
import type * as RemediateModule from '../../../handlers/remediate';
import { slackMessageOf } from '../../../domain/notifications/slack-message';
import { createAwsClients } from '../../../infra/aws/clients';
import { detectIamDeps } from '../../../infra/deps/detect-iam';
import { detectLambdaDeps } from '../../../infra/deps/detect-lambda';
import { remediateDeps } from '../../../infra/deps/remediate';
import { createDetectorHandler } from '../../../infra/runtime/detector-handler';
import { createSecret, drain, EMPTY_ZIP, emulateListFunctionUrlConfigs, findingQueue, functionRole, lambdaEvent } from '../detectors/lambda-fixtures';
import { resetMoto } from '../moto';
import { cloudTrailEvent } from '../remediation/events';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const random = (length: number, alphabet = ALNUM): string => [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');

/** Secret values: may appear in no output at all. */
const secrets = {
  envGithub: `ghp_${random(36)}`,
  envAwsKey: `AKIA${random(16, UPPER32)}`,
  envStripe: `sk_live_${random(24)}`,
  envPassword: `${random(12)}!${random(12)}`,
};
/** Secret-shaped strings in fields that are not secrets by type: in no output but a ledger (undo needs the prior state). */
const shaped = {
  conditionValue: `sk_live_${random(24)}`,
  resourceString: `ghp_${random(36)}`,
  tagValue: `xoxb-${random(10, '0123456789')}-${random(12, '0123456789')}-${random(24)}`,
  userAgent: `AKIA${random(16, UPPER32)}`,
  failedCallMessage: `ghp_${random(36)}`,
  corsHeader: `sk_live_${random(24)}`,
  malformedEvent: `AKIA${random(16, UPPER32)}`,
  malformedEventId: `ghp_${random(36)}`,
  malformedTemplate: `ghp_${random(36)}`,
  malformedFinding: `sk_live_${random(24)}`,
};
const PREFIXES = ['ghp_', 'AKIA', 'sk_live_', 'xoxb-'];

/** The canaries of `set` found in `text`: whole, or any 8-character slice holding at least 4 random characters. */
function leaks(text: string, set: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(set)) {
    const prefix = PREFIXES.find((p) => value.startsWith(p))?.length ?? 0;
    for (let i = Math.max(0, prefix - 4); i + 8 <= value.length; i += 1) {
      if (text.includes(value.slice(i, i + 8))) {
        found.push(`${name}[${i}..${i + 8}]`);
        break;
      }
    }
  }
  return found;
}

const ACCOUNT = '123456789012';
const TABLE = 'warden-redaction-ledger';
const dir = mkdtempSync(join(tmpdir(), 'warden-redaction-'));
const keyFile = join(dir, 'fingerprint.key');
/** Output channel name → its text. Ledger channels are named `ledger …`. */
const outputs = new Map<string, string>();
const clients = createAwsClients();
const sqs = new SQSClient({});
let restoreUrls: () => void = () => undefined;
/** The change the CLI remediates with a file ledger (set by seed). */
let cliEvent: object = {};

const policyDocument = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::exports/${shaped.resourceString}/*`, Condition: { StringEquals: { 'aws:UserAgent': shaped.conditionValue } } },
  ],
});

/** Captures console output (Powertools writes there) while `run` runs, at DEBUG. */
async function withLogs<T>(name: string, run: () => Promise<T>): Promise<T> {
  const logs: string[] = [];
  const capture = (...args: unknown[]): void => void logs.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  const spies = (['log', 'info', 'debug', 'warn', 'error'] as const).map((method) => jest.spyOn(console, method).mockImplementation(capture));
  try {
    return await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
    outputs.set(`${name} logs`, (outputs.get(`${name} logs`) ?? '') + logs.join('\n'));
  }
}

async function cli(name: string, ...argv: string[]): Promise<void> {
  let out = '';
  let err = '';
  const stdout: Output = { write: (chunk) => void (out += chunk), isTTY: false };
  const stderr: Output = { write: (chunk) => void (err += chunk), isTTY: false };
  const code = await main(argv, stdout, stderr);
  outputs.set(`cli ${name}`, `${out}\n--- stderr (exit ${code}) ---\n${err}`);
}

/** Sets the account up with every carrier of a canary and returns the CloudTrail events of the changes. */
async function seed(): Promise<{ iamEvents: object[]; lambdaEvents: object[] }> {
  const iam = clients.iam();
  const lambda = new LambdaClient({});
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'leaky', AssumeRolePolicyDocument: trust }));
  await iam.send(new TagRoleCommand({ RoleName: 'leaky', Tags: [{ Key: 'owner-token', Value: shaped.tagValue }] }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'leaky', PolicyName: 'everything', PolicyDocument: policyDocument }));
  // The same carriers on a second role, which the CLI (file ledger) remediates.
  await iam.send(new CreateRoleCommand({ RoleName: 'leaky-cli', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'owner-token', Value: shaped.tagValue }] }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'leaky-cli', PolicyName: 'everything', PolicyDocument: policyDocument }));
  const put = cloudTrailEvent('PutRolePolicy', { roleName: 'leaky', policyName: 'everything', policyDocument });
  const withAgent = { ...put, detail: { ...(put as { detail: object }).detail, userAgent: shaped.userAgent } };
  const failed = cloudTrailEvent('PutRolePolicy', { roleName: 'leaky', policyName: 'other', policyDocument });
  const failedCall = { ...failed, detail: { ...(failed as { detail: object }).detail, errorCode: 'MalformedPolicyDocument', errorMessage: `Policy contains ${shaped.failedCallMessage}` } };

  const role = await functionRole();
  const variables = { GITHUB_TOKEN: secrets.envGithub, PARTNER_AWS_ACCESS_KEY_ID: secrets.envAwsKey, STRIPE_SECRET_KEY: secrets.envStripe, DB_PASSWORD: secrets.envPassword };
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'leakyfn', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: variables } }));
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'leakyfn', AuthType: 'NONE', Cors: { AllowOrigins: ['https://shop.example.com'], AllowHeaders: [`x-api-key-${shaped.corsHeader}`] } }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'leakyfn', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' }));
  await lambda.send(new AddPermissionCommand({ FunctionName: 'leakyfn', StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' }));
  const lambdaEvents = [
    lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'leakyfn', environment: {} }, 'redact-env'),
    lambdaEvent('CreateFunctionUrlConfig20211031', { functionName: 'leakyfn', authType: 'NONE', cors: { allowHeaders: [`x-api-key-${shaped.corsHeader}`] } }, 'redact-url'),
    lambdaEvent('AddPermission20150331v2', { functionName: 'leakyfn', statementId: 'anyone', action: 'lambda:InvokeFunction', principal: '*' }, 'redact-perm'),
  ];
  const cliPut = cloudTrailEvent('PutRolePolicy', { roleName: 'leaky-cli', policyName: 'everything', policyDocument });
  cliEvent = { ...cliPut, detail: { ...(cliPut as { detail: object }).detail, userAgent: shaped.userAgent } };
  return { iamEvents: [withAgent, failedCall], lambdaEvents };
}

async function alertQueue(): Promise<{ topicArn: string; queueUrl: string }> {
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: 'warden-redaction-alerts' }))).TopicArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'warden-redaction-alerts' }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
  // Not raw: the SNS envelope carries the subject and the message attributes too.
  await clients.sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  return { topicArn, queueUrl };
}

async function createLedgerTable(): Promise<void> {
  await clients.dynamodb().send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

/** A template whose function environment and policy carry canaries, and one that is not YAML at all. */
function writeTemplates(): { good: string; bad: string } {
  const good = join(dir, 'template.json');
  writeFileSync(
    good,
    JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/x', Code: { ZipFile: 'x' }, Environment: { Variables: { GITHUB_TOKEN: secrets.envGithub, STRIPE_SECRET_KEY: secrets.envStripe } } } },
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: JSON.parse(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] })) as object, Policies: [{ PolicyName: 'p', PolicyDocument: JSON.parse(policyDocument) as object }] } },
      },
    }),
  );
  const bad = join(dir, 'broken.yaml');
  writeFileSync(bad, `Resources:\n  Fn: {Type: AWS::Lambda::Function, Properties: {Environment: {Variables: {T: ${shaped.malformedTemplate}\n    : : [unclosed`);
  return { good, bad };
}

async function cliChannels(iamEvents: readonly object[], lambdaEvents: readonly object[]): Promise<void> {
  // The CLI (before remediation changes the account): every format of replay, scan-template, and the errors of malformed input.
  const eventsFile = join(dir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify([...iamEvents, ...lambdaEvents]));
  const malformed = join(dir, 'malformed.json');
  writeFileSync(malformed, `{"detail": {"eventName": "${shaped.malformedEvent}", "requestParameters": [`);
  for (const format of ['json', 'table']) {
    await cli(`replay --live ${format}`, 'replay', '--live', '--format', format, '--fail-on', 'none', '--fingerprint-key-file', keyFile, eventsFile);
    await cli(`replay malformed ${format}`, 'replay', '--live', '--format', format, '--fingerprint-key-file', keyFile, malformed);
  }
  const { good, bad } = writeTemplates();
  for (const format of ['json', 'sarif', 'table']) {
    await cli(`scan-template ${format}`, 'scan-template', '--format', format, '--fail-on', 'none', good);
    await cli(`scan-template malformed ${format}`, 'scan-template', '--format', format, bad);
  }
  // Well-formed JSON that is not an event: its fields must not be echoed in the error either.
  const invalid = join(dir, 'invalid-event.json');
  writeFileSync(invalid, JSON.stringify({ id: 'x', source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 'PutRolePolicy', requestParameters: { roleName: 7, policyDocument: { Sid: shaped.malformedEvent } } } }));
  await cli('replay invalid event json', 'replay', '--live', '--format', 'json', '--fingerprint-key-file', keyFile, invalid);
  for (const format of ['json', 'table', 'sarif']) {
    await cli(`audit --live ${format}`, 'audit', '--live', '--format', format, '--fail-on', 'none', '--fingerprint-key-file', keyFile);
  }
  // Enforce through the CLI with a file ledger, then undo (its output is a channel too).
  const cliEventFile = join(dir, 'cli-event.json');
  const ledgerFile = join(dir, 'ledger.jsonl');
  writeFileSync(cliEventFile, JSON.stringify(cliEvent));
  await cli('replay --mode enforce json', 'replay', '--live', '--mode', 'enforce', '--ledger', ledgerFile, '--format', 'json', '--fail-on', 'none', '--fingerprint-key-file', keyFile, cliEventFile);
  const undoId = /"undoId":"(u-[0-9a-f]+)"/.exec(outputs.get('cli replay --mode enforce json') ?? '')?.[1] ?? 'u-missing';
  outputs.set('ledger file', readFileSync(ledgerFile, 'utf8'));
  for (const format of ['json', 'table']) await cli(`undo ${format}`, 'undo', undoId, '--live', '--ledger', ledgerFile, '--format', format);
}

beforeAll(async () => {
  await resetMoto();
  restoreUrls = emulateListFunctionUrlConfigs();
  await createLedgerTable();
  const { iamEvents, lambdaEvents } = await seed();
  const busQueue = await findingQueue('warden-redaction');
  await createSecret('warden-redaction-fingerprint-key', `redaction-key-${random(32)}`);
  writeFileSync(keyFile, `${random(48)}\n`, { mode: 0o600 });
  const { topicArn, queueUrl } = await alertQueue();
  const env = { ...process.env, WARDEN_BUS_NAME: 'warden-redaction', WARDEN_FINGERPRINT_SECRET: 'warden-redaction-fingerprint-key' };
  Object.assign(process.env, { POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  try {
    // Detection, with logs at DEBUG: the loggers are created with the handlers, so after the switch.
    const detectIam = createDetectorHandler('detectIam', () => detectIamDeps(env));
    const detectLambda = createDetectorHandler('detectLambda', () => detectLambdaDeps(env));
    const summaries: unknown[] = [];
    await withLogs('detector', async () => {
      for (const event of iamEvents) summaries.push(await detectIam(event));
      for (const event of lambdaEvents) summaries.push(await detectLambda(event));
      summaries.push(await detectIam({ id: shaped.malformedEventId, 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: shaped.malformedEvent, requestParameters: `not an object ${shaped.malformedEvent}` } }));
    });
    outputs.set('detector results', JSON.stringify(summaries));
    const bus = await drain(busQueue);
    outputs.set('bus findings', bus.join('\n'));

    await cliChannels(iamEvents, lambdaEvents);

    // Remediation in enforce mode, as deployed; the handler module (and its logger) loads now, at DEBUG.
    const { createRemediateHandler } = jest.requireActual<typeof RemediateModule>('../../../handlers/remediate');
    const remediate = createRemediateHandler(() => remediateDeps({ ...process.env, WARDEN_MODE: 'enforce', WARDEN_LEDGER_TABLE: TABLE, WARDEN_TOPIC_ARN: topicArn }));
    const results: unknown[] = [];
    await withLogs('remediator', async () => {
      for (const body of bus) results.push(await remediate(JSON.parse(body)));
      results.push(await remediate({ 'detail-type': 'Warden Finding', source: 'warden', detail: { id: shaped.malformedFinding, ruleId: 7, evidence: shaped.malformedFinding } }));
    });
    outputs.set('remediator results', JSON.stringify(results));
    const alerts = await drain(queueUrl);
    outputs.set('sns alerts', alerts.join('\n'));
    for (const [index, body] of alerts.entries()) {
      const envelope = JSON.parse(body) as { Subject?: string; Message?: string };
      outputs.set(`slack ${index}`, JSON.stringify(slackMessageOf(envelope.Subject ?? '', envelope.Message ?? '')));
    }
    const items = await clients.dynamodb().send(new ScanCommand({ TableName: TABLE }));
    outputs.set('ledger dynamodb', JSON.stringify(items.Items ?? []));
  } finally {
    Object.assign(process.env, { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  }

}, 120_000);

afterAll(() => restoreUrls());

describe('canaries in every input field never reach an output', () => {
  it('every channel was produced and carries the findings', () => {
    expect(outputs.get('bus findings')).toMatch(/iam-admin-equivalent[\s\S]*lambda-env-secret|lambda-env-secret[\s\S]*iam-admin-equivalent/);
    expect(outputs.get('bus findings')).toMatch(/lambda-public-url/);
    expect(outputs.get('sns alerts')).toMatch(/remediated|alert/);
    // The policy diff of the alert went through, with the secret-shaped Condition value and Resource masked.
    expect(outputs.get('sns alerts')).toContain('[redacted secret]');
    expect(outputs.get('ledger dynamodb')).toMatch(/revert-inline-policy|quarantine/);
    expect(outputs.get('detector logs')).toMatch(/event evaluated/);
    expect(outputs.get('remediator logs')).toMatch(/finding remediated/);
    expect(outputs.get('remediator results')).toMatch(/"status":"dropped"/);
    expect(outputs.get('cli scan-template json')).toMatch(/GITHUB_TOKEN|STRIPE_SECRET_KEY/);
    expect(outputs.get('cli scan-template sarif')).toMatch(/"version":\s*"2.1.0"/);
    expect(outputs.get('cli replay --live json')).toMatch(/iam-admin-equivalent/);
    expect([...outputs.keys()].filter((name) => name.startsWith('slack ')).length).toBeGreaterThanOrEqual(3);
    expect(outputs.get('cli replay --mode enforce json')).toMatch(/"status":"applied"/);
    expect(outputs.get('ledger file')).toMatch(/revert-inline-policy/);
    expect(outputs.get('cli undo json')).toMatch(/undone/);
    expect(outputs.get('cli undo table')).toMatch(/undone/);
    expect(outputs.get('cli audit --live json')).toMatch(/lambda-env-secret/);
    expect(outputs.get('cli replay invalid event json')).toMatch(/invalid|error/i);
  });

  it('no output holds a secret value (environment values), ledgers included', () => {
    const found = [...outputs.entries()].flatMap(([name, text]) => leaks(text, secrets).map((leak) => `${name}: ${leak}`));
    expect(found).toEqual([]);
  });

  it('no output but a ledger holds a secret-shaped string from policy text, tags, headers, user agent or malformed input', () => {
    const found = [...outputs.entries()].filter(([name]) => !name.startsWith('ledger ')).flatMap(([name, text]) => leaks(text, shaped).map((leak) => `${name}: ${leak}`));
    expect(found).toEqual([]);
  });

  it('the planted policy canaries did reach Warden: the ledgers keep them as prior state, for undo', () => {
    for (const name of ['ledger file', 'ledger dynamodb']) {
      expect(leaks(outputs.get(name) ?? '', { conditionValue: shaped.conditionValue, resourceString: shaped.resourceString })).toEqual(['conditionValue[4..12]', 'resourceString[0..8]']);
    }
  });

  it('the leak check itself works (it must be able to fail)', () => {
    expect(leaks(`x ${shaped.tagValue.slice(3, 15)} y`, shaped)).toEqual(['tagValue[3..11]']);
    expect(leaks('sk_live_ alone is no leak', shaped)).toEqual([]);
    expect(ACCOUNT).toHaveLength(12);
  });
});
