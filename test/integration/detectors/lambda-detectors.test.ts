import { AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, LambdaClient, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../../cli/replay';
import { main } from '../../../cli/warden';
import type { Finding } from '../../../domain/findings';
import { handler } from '../../../handlers/detect-lambda';
import { resetMoto } from '../moto';
import { createSecret, drain, emulateListFunctionUrlConfigs, findingQueue, functionArn, functionRole, EMPTY_ZIP, lambdaEvent } from './lambda-fixtures';

const lambda = new LambdaClient({});
const PASSWORD = 'tQ8#vN2!xR5pL9mW3zK7';
const TOKEN = 'xoxb-2468013579-1357924680-Zq8RvT2mLp5XwK9sNc3Bd7Hf';
let queueUrl = '';
let restoreUrls: () => void = () => undefined;
let roleArn = '';

async function fn(name: string, role: string, variables: Record<string, string> = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: variables } }));
}

async function seed(): Promise<void> {
  const role = await functionRole();
  roleArn = role;
  await fn('billing', role, { DB_PASSWORD: PASSWORD, TABLE_NAME: 'billing', DB_SECRET_NAME: 'prod/db' });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'billing' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'billing', Environment: { Variables: { DB_PASSWORD: PASSWORD, SLACK_BOT_TOKEN: TOKEN } } }));
  await fn('lookalikes', role, { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes', DB_SECRET_NAME: 'prod/db', API_TOKEN: '*******' });
  await fn('cron', role);
  await lambda.send(new AddPermissionCommand({ FunctionName: 'cron', StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' }));
  await fn('uploads', role);
  await lambda.send(new AddPermissionCommand({ FunctionName: 'uploads', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '123456789012' }));
  await fn('site', role);
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'site', AuthType: 'NONE' }));
  // Without FunctionUrlAuthType: moto writes it as a statement element instead of a condition, a
  // document no policy reader accepts (AWS writes Condition StringEquals lambda:FunctionUrlAuthType).
  await lambda.send(new AddPermissionCommand({ FunctionName: 'site', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' }));
  await fn('signup', role);
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'signup', AuthType: 'NONE' }));
  await fn('internal', role);
  await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'internal', AuthType: 'AWS_IAM' }));
}

beforeAll(async () => {
  await resetMoto();
  await seed();
  await createSecret('warden-itest-fingerprint-key', 'itest-fingerprint-key-0123456789abcdef');
  queueUrl = await findingQueue('warden-itest-lambda');
  process.env.WARDEN_BUS_NAME = 'warden-itest-lambda';
  process.env.WARDEN_FINGERPRINT_SECRET = 'warden-itest-fingerprint-key';
  restoreUrls = emulateListFunctionUrlConfigs();
});

afterAll(() => restoreUrls());

function findingsOf(bodies: readonly string[]): Finding[] {
  return bodies.map((body) => (JSON.parse(body) as { detail: Finding }).detail);
}

describe('detectLambda handler against moto', () => {
  it('reports secrets of $LATEST and the published version by variable and fingerprint, never the value', async () => {
    const summary = await handler(lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'billing', environment: {} }, 'sec-1'));
    expect(summary).toMatchObject({ outcome: 'finding' });
    const bodies = await drain(queueUrl);
    const findings = findingsOf(bodies);
    const password = findings.find((finding) => finding.evidence.variable === 'DB_PASSWORD');
    expect(password).toMatchObject({ ruleId: 'lambda-env-secret-named', resourceArn: functionArn('billing'), subject: { kind: 'function', name: 'billing', region: 'us-east-1' } });
    expect(password?.evidence.version).toEqual(['$LATEST', '1']);
    expect(findings.find((finding) => finding.evidence.variable === 'SLACK_BOT_TOKEN')?.evidence.version).toEqual(['$LATEST']);
    const raw = bodies.join('\n');
    for (const secret of [PASSWORD, TOKEN, PASSWORD.slice(3, 11), TOKEN.slice(-12)]) expect(raw).not.toContain(secret);
  });

  it('the same secret has the same fingerprint on every run (the deployment key is read from Secrets Manager)', async () => {
    await handler(lambdaEvent('PublishVersion', { functionName: 'billing' }, 'sec-2'));
    const first = findingsOf(await drain(queueUrl)).find((finding) => finding.evidence.variable === 'DB_PASSWORD');
    await handler(lambdaEvent('CreateFunction', { functionName: 'billing' }, 'sec-3'));
    const second = findingsOf(await drain(queueUrl)).find((finding) => finding.evidence.variable === 'DB_PASSWORD');
    expect(first?.evidence.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(second?.evidence.fingerprint).toBe(first?.evidence.fingerprint);
  });

  it('look-alikes are clean', async () => {
    expect(await handler(lambdaEvent('CreateFunction20150331', { functionName: 'lookalikes' }, 'clean-1'))).toEqual({ outcome: 'clean', reason: 'no finding for CreateFunction', findings: 0 });
  });

  it.each([
    ['a statement letting anyone invoke', 'AddPermission20150331v2', 'cron', 'lambda-public-invoke'],
    ['a NONE URL that anyone may call', 'CreateFunctionUrlConfig20211031', 'site', 'lambda-public-url'],
    ['a NONE URL with no public grant yet', 'UpdateFunctionUrlConfig', 'signup', 'lambda-latent-public-url'],
  ])('%s: publishes %s', async (_label, eventName, name, ruleId) => {
    const summary = await handler(lambdaEvent(eventName, { functionName: name }, `pub-${name}`));
    expect(summary).toMatchObject({ outcome: 'finding', reason: expect.stringContaining(ruleId) as unknown });
    const findings = findingsOf(await drain(queueUrl));
    expect(findings.map((finding) => finding.ruleId)).toEqual([ruleId]);
    expect(findings[0]?.evidence).toMatchObject({ judgedFrom: 'state' });
  });

  it('an AWS_IAM URL without a public grant and a source-scoped service grant are clean', async () => {
    expect(await handler(lambdaEvent('CreateFunctionUrlConfig', { functionName: 'internal', authType: 'AWS_IAM' }, 'iam-1'))).toMatchObject({ outcome: 'clean' });
    expect(await handler(lambdaEvent('AddPermission', { functionName: 'uploads' }, 'scoped-1'))).toMatchObject({ outcome: 'clean' });
  });

  it('a function deleted meanwhile is unresolved and publishes nothing', async () => {
    await fn('short-lived', roleArn);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    const summary = await handler(lambdaEvent('AddPermission', { functionName: 'short-lived', principal: '*', action: 'lambda:InvokeFunction' }, 'gone-1'));
    expect(summary).toMatchObject({ outcome: 'unresolved', findings: 0 });
    expect(await drain(queueUrl)).toEqual([]);
  });
});

describe('warden replay --live against moto (Lambda)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-lambda-live-'));
  const keyFile = join(dir, 'fingerprint.key');
  writeFileSync(keyFile, 'cli-fingerprint-key-0123456789abcdef0123\n', { mode: 0o600 });

  it('reads the functions: secrets and public access, never the values', async () => {
    const files = [
      ['secrets', lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'billing', environment: {} }, 'live-1')],
      ['public', lambdaEvent('AddPermission', { functionName: 'cron' }, 'live-2')],
      ['clean', lambdaEvent('CreateFunction', { functionName: 'lookalikes' }, 'live-3')],
    ] as const;
    const paths = files.map(([name, body]) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(body));
      return path;
    });
    let stdout = '';
    const out: Output = { write: (text) => void (stdout += text), isTTY: false };
    const code = await main(['replay', '--live', '--format', 'json', '--fingerprint-key-file', keyFile, ...paths], out, { write: () => undefined, isTTY: false });
    const results = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { outcome: string; findings: Finding[] });
    expect(results.map((result) => result.outcome)).toEqual(['finding', 'finding', 'clean']);
    expect(results[0]?.findings.map((finding) => finding.ruleId).sort()).toEqual(['lambda-env-secret-named', 'lambda-env-secret-vendor-token']);
    expect(results[1]?.findings.map((finding) => finding.ruleId)).toEqual(['lambda-public-invoke']);
    expect(code).toBe(1);
    for (const secret of [PASSWORD, TOKEN]) expect(stdout).not.toContain(secret);
  });
});
