/**
 * The Lambda rows of DESIGN.md §5 against moto, through the CLI (`warden replay --live --mode
 * enforce`, then `warden undo`). Moto lacks ListFunctionUrlConfigs: it is emulated with
 * GetFunctionUrlConfig (the only mocked call).
 */
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/warden';
import { resetMoto } from '../moto';
import { EMPTY_ZIP, emulateListFunctionUrlConfigs, functionRole, lambdaEvent } from '../detectors/lambda-fixtures';
import type { ResultLine } from './events';

const lambda = new LambdaClient({});
const dir = mkdtempSync(join(tmpdir(), 'warden-enforce-lambda-'));
const keyFile = join(dir, 'fingerprint.key');
const TOKEN = 'xoxb-2468013579-1357924680-Zq8RvT2mLp5XwK9sNc3Bd7Hf';
let ledgerFile = '';
let counter = 0;
let restoreUrls: () => void = () => undefined;
let role = '';

beforeAll(() => {
  writeFileSync(keyFile, 'itest-fingerprint-key-0123456789abcdef');
  restoreUrls = emulateListFunctionUrlConfigs();
});

afterAll(() => {
  restoreUrls();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await resetMoto();
  role = await functionRole();
  counter += 1;
  ledgerFile = join(dir, `ledger-${counter}.jsonl`);
});

function capture(): { out: { write: (t: string) => void; isTTY: boolean }; text: () => string } {
  let buffer = '';
  return { out: { write: (t: string) => void (buffer += t), isTTY: false }, text: () => buffer };
}

async function replayEnforce(event: object, config: object = {}): Promise<ResultLine> {
  const file = join(dir, `event-${counter}.json`);
  const configFile = join(dir, `config-${counter}.json`);
  writeFileSync(file, JSON.stringify(event));
  writeFileSync(configFile, JSON.stringify(config));
  const out = capture();
  const err = capture();
  const args = ['replay', '--live', '--mode', 'enforce', '--ledger', ledgerFile, '--config', configFile, '--fingerprint-key-file', keyFile, '--format', 'json', '--fail-on', 'none', file];
  expect(await main(args, out.out, err.out)).toBe(0);
  expect(err.text()).toBe('');
  return JSON.parse(out.text().trim()) as ResultLine;
}

async function undo(id: string): Promise<void> {
  const out = capture();
  const err = capture();
  expect(await main(['undo', id, '--live', '--ledger', ledgerFile], out.out, err.out)).toBe(0);
  expect(err.text()).toBe('');
  expect(out.text()).toContain('undone');
}

async function createFunction(name: string, variables: Record<string, string> = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: variables } }));
}

async function statements(name: string): Promise<Record<string, unknown>[]> {
  const policy = (await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy ?? '{}';
  return (JSON.parse(policy) as { Statement: Record<string, unknown>[] }).Statement;
}

function undoIdOf(result: ResultLine, step: string): string {
  const action = result.actions.find((a) => a.step === step);
  expect(action).toMatchObject({ status: 'applied' });
  return action?.undoId ?? '';
}

describe('a public function URL', () => {
  it('gets AuthType AWS_IAM (the URL and its CORS kept); undo sets NONE again', async () => {
    await createFunction('site');
    const cors = { AllowOrigins: ['https://shop.example.com'], MaxAge: 300 };
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'site', AuthType: 'NONE', Cors: cors }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'site', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' }));
    const before = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'site' }));
    const result = await replayEnforce(lambdaEvent('CreateFunctionUrlConfig20211031', { functionName: 'site', authType: 'NONE' }, 'url-1'));
    expect(result.findings.map((f) => f.ruleId)).toContain('lambda-public-url');
    const undoId = undoIdOf(result, 'set-url-auth-iam');
    const after = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'site' }));
    expect(after).toMatchObject({ AuthType: 'AWS_IAM', FunctionUrl: before.FunctionUrl, Cors: cors });
    await undo(undoId);
    const restored = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'site' }));
    expect({ AuthType: restored.AuthType, FunctionUrl: restored.FunctionUrl, Cors: restored.Cors, InvokeMode: restored.InvokeMode }).toEqual({
      AuthType: before.AuthType,
      FunctionUrl: before.FunctionUrl,
      Cors: before.Cors,
      InvokeMode: before.InvokeMode,
    });
  });
});

describe('public statements of a resource policy', () => {
  it('removes only the public statement; undo re-adds exactly the same statement', async () => {
    await createFunction('cron');
    await lambda.send(new AddPermissionCommand({ FunctionName: 'cron', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '123456789012' }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'cron', StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' }));
    const before = await statements('cron');
    const result = await replayEnforce(lambdaEvent('AddPermission20150331v2', { functionName: 'cron', statementId: 'anyone', action: 'lambda:InvokeFunction', principal: '*' }, 'perm-1'));
    expect(result.findings.map((f) => f.ruleId)).toContain('lambda-public-invoke');
    const undoId = undoIdOf(result, 'remove-statement');
    const after = await statements('cron');
    expect(after.map((s) => s['Sid'])).toEqual(['s3']);
    expect(after[0]).toEqual(before.find((s) => s['Sid'] === 's3'));
    await undo(undoId);
    const restored = await statements('cron');
    const bySid = (list: Record<string, unknown>[]): Record<string, unknown> => Object.fromEntries(list.map((s) => [String(s['Sid']), s]));
    expect(bySid(restored)).toEqual(bySid(before));
  });
});

describe('a plaintext secret in the environment, kill switch on', () => {
  it.each([
    ['a prior reserved concurrency', 7],
    ['no reserved concurrency', undefined],
  ])('sets reserved concurrency 0; undo restores %s', async (_name, prior) => {
    await createFunction('billing', { SLACK_BOT_TOKEN: TOKEN });
    if (prior !== undefined) await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'billing', ReservedConcurrentExecutions: prior }));
    const result = await replayEnforce(lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'billing', environment: {} }, `sec-${String(prior)}`), { secrets: { killSwitch: true } });
    expect(result.findings.some((f) => f.ruleId.startsWith('lambda-env-secret'))).toBe(true);
    const undoId = undoIdOf(result, 'set-reserved-concurrency-0');
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'billing' }))).ReservedConcurrentExecutions).toBe(0);
    await undo(undoId);
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'billing' }))).ReservedConcurrentExecutions).toBe(prior);
    // The ledger never holds the secret (nor the environment).
    const ledger = readFileSync(ledgerFile, 'utf8');
    expect(ledger).not.toContain(TOKEN);
    expect(ledger).not.toContain(TOKEN.slice(-12));
  });

  it('only reports when the kill switch is off', async () => {
    await createFunction('billing', { SLACK_BOT_TOKEN: TOKEN });
    const result = await replayEnforce(lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'billing', environment: {} }, 'sec-off'));
    expect(result.findings.some((f) => f.ruleId.startsWith('lambda-env-secret'))).toBe(true);
    expect(result.actions).toEqual([]);
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'billing' }))).ReservedConcurrentExecutions).toBeUndefined();
  });
});
