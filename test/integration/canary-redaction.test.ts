/**
 * The canary test (issue 4): a function whose environment holds known secret values goes through
 * detection (the detectLambda handler, its logs and its bus messages), decision, notification (SNS text,
 * Chatbot, Slack), the ledger, and every CLI format (replay json/table live and from a snapshot,
 * audit json/table). None of those outputs may contain a canary value, nor any 8-character slice
 * of one. The canaries are random per run, so no fixed secret lives in the repository and no
 * output can contain one by coincidence.
 */
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../cli/replay';
import { main } from '../../cli/warden';
import { defaultConfig, parseConfig } from '../../domain/config';
import { decide } from '../../domain/decide';
import type { Finding } from '../../domain/findings';
import { buildAlertMessage } from '../../domain/notifications/alert-message';
import { slackMessageOf } from '../../domain/notifications/slack-message';
import { planKillSwitch } from '../../domain/remediation/kill-switch-concurrency';
import { functionOfFinding } from '../../domain/remediation/lambda-targets';
import { newLedgerRecord } from '../../domain/remediation/ledger-record';
import { detectLambdaDeps } from '../../infra/deps/detect-lambda';
import { FileLedger } from '../../infra/ledger/file-ledger';
import { createDetectorHandler } from '../../infra/runtime/detector-handler';
import { createSecret, drain, EMPTY_ZIP, findingQueue, functionRole, lambdaEvent } from './detectors/lambda-fixtures';
import { resetMoto } from './moto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function random(length: number, alphabet = ALNUM): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** The secret parts, each a value (or the password inside one) that must never be emitted. */
const canary = {
  password: `${random(10)}!${random(12)}`,
  dbPassword: random(20),
  githubToken: `ghp_${random(36)}`,
  awsKeyId: `AKIA${random(16, UPPER32)}`,
  awsSecret: random(40, `${ALNUM}/+`),
  nestedPassword: random(24),
  slackToken: `xoxb-${random(10, '0123456789')}-${random(12, '0123456789')}-${random(24)}`,
};

const variables: Record<string, string> = {
  APP_DB_PASSWORD: canary.password,
  DATABASE_URL: `postgresql://app:${canary.dbPassword}@db.internal.example.com:5432/app`,
  GITHUB_TOKEN: canary.githubToken,
  PARTNER_AWS_ACCESS_KEY_ID: canary.awsKeyId,
  PARTNER_AWS_SECRET_ACCESS_KEY: canary.awsSecret,
  APP_CONFIG: JSON.stringify({ db: { user: 'app', password: canary.nestedPassword } }),
  SLACK_BOT_TOKEN: canary.slackToken,
  TABLE_NAME: 'canary-table',
};

const SLICE = 8;

/** Every canary whole, and every 8-character slice of each. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(canary)) {
    for (let i = 0; i + SLICE <= value.length; i += 1) {
      if (text.includes(value.slice(i, i + SLICE))) {
        found.push(`${name}[${i}..${i + SLICE}]`);
        break;
      }
    }
  }
  return found;
}

const dir = mkdtempSync(join(tmpdir(), 'warden-canary-'));
const keyFile = join(dir, 'fingerprint.key');
const outputs = new Map<string, string>();
let busFindings: Finding[] = [];

async function cli(...argv: string[]): Promise<string> {
  let text = '';
  const out: Output = { write: (chunk) => void (text += chunk), isTTY: false };
  const err: Output = { write: (chunk) => void (text += chunk), isTTY: false };
  await main(argv, out, err);
  return text;
}

/** An offline snapshot holding the same function (the files a `warden snapshot` would write). */
function writeSnapshot(root: string): void {
  mkdirSync(join(root, 'lambda', 'us-east-1'), { recursive: true });
  writeFileSync(join(root, 'account.json'), JSON.stringify({ accountId: '123456789012', partition: 'aws' }));
  const fn = (version: string) => ({
    FunctionName: 'canary',
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:canary${version === '$LATEST' ? '' : `:${version}`}`,
    Version: version,
    Environment: { Variables: variables },
  });
  writeFileSync(join(root, 'lambda', 'us-east-1', 'functions.json'), JSON.stringify({ Functions: [fn('$LATEST'), fn('1')] }));
}

beforeAll(async () => {
  await resetMoto();
  const lambda = new LambdaClient({});
  const role = await functionRole();
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'canary', Runtime: 'nodejs22.x', Role: role, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: variables } }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'canary' }));
  await createSecret('warden-canary-fingerprint-key', `canary-key-${random(32)}`);
  const queueUrl = await findingQueue('warden-canary');
  process.env.WARDEN_BUS_NAME = 'warden-canary';
  process.env.WARDEN_FINGERPRINT_SECRET = 'warden-canary-fingerprint-key';
  writeFileSync(keyFile, `${random(48)}\n`, { mode: 0o600 });

  // Detection: the Lambda handler, its logs (at DEBUG, through the console), and what it put on the bus.
  const event = lambdaEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'canary', environment: {} }, 'canary-1');
  Object.assign(process.env, { POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  const logs: string[] = [];
  const capture = (...args: unknown[]): void => void logs.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
  const spies = (['log', 'info', 'debug', 'warn', 'error'] as const).map((method) => jest.spyOn(console, method).mockImplementation(capture));
  try {
    // handlers/detect-lambda.ts exactly, built here so that its logger sees DEBUG (set above).
    const handler = createDetectorHandler('detectLambda', () => detectLambdaDeps());
    outputs.set('handler summary', JSON.stringify(await handler(event)));
  } finally {
    for (const spy of spies) spy.mockRestore();
    Object.assign(process.env, { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT' });
  }
  outputs.set('handler logs', logs.join('\n'));
  const bodies = await drain(queueUrl);
  outputs.set('bus messages', bodies.join('\n'));
  busFindings = bodies.map((body) => (JSON.parse(body) as { detail: Finding }).detail);

  // Every CLI format.
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const snapshot = join(dir, 'snapshot');
  writeSnapshot(snapshot);
  for (const format of ['json', 'table']) {
    outputs.set(`replay --live ${format}`, await cli('replay', '--live', '--format', format, '--fingerprint-key-file', keyFile, eventFile));
    outputs.set(`replay --snapshot ${format}`, await cli('replay', '--snapshot', snapshot, '--format', format, '--fingerprint-key-file', keyFile, eventFile));
    outputs.set(`audit ${format}`, await cli('audit', '--snapshot', snapshot, '--format', format, '--fingerprint-key-file', keyFile));
  }

  // Decision, notification and the ledger, for every finding.
  const config = parseConfig({ ...defaultConfig, mode: 'enforce', secrets: { killSwitch: true } });
  const ledger = new FileLedger(join(dir, 'ledger.jsonl'));
  for (const finding of busFindings) {
    const decision = decide(finding, config, { tags: {}, now: new Date(), recentActions: 0 });
    outputs.set(`decision ${finding.id}`, JSON.stringify(decision));
    const alert = buildAlertMessage({ finding, decision, actions: [], actor: { principalArn: 'arn:aws:iam::123456789012:role/deployer', sourceIp: '203.0.113.10' } });
    outputs.set(`alert ${finding.id}`, JSON.stringify(alert));
    outputs.set(`slack ${finding.id}`, JSON.stringify(slackMessageOf(alert.subject, alert.text)));
    const fn = functionOfFinding(finding);
    if (fn === undefined) throw new Error('a secret finding must name its function');
    const prepared = planKillSwitch(finding, { fn, killSwitch: true, reserved: 7 });
    if (prepared.kind !== 'plan') throw new Error(`expected a kill-switch plan: ${prepared.reason}`);
    await ledger.begin(newLedgerRecord({ plan: prepared.plan, eventId: finding.eventId, correlationId: finding.correlationId, resourceArn: prepared.resourceArn, priorState: prepared.priorState }, new Date()));
  }
  outputs.set('ledger file', readFileSync(join(dir, 'ledger.jsonl'), 'utf8'));
});

describe('canary secrets never leave Warden', () => {
  it('the canaries are found: every secret variable is reported, on $LATEST and version 1', () => {
    const reported = new Set(busFindings.map((finding) => finding.evidence.variable));
    for (const name of ['APP_DB_PASSWORD', 'DATABASE_URL', 'GITHUB_TOKEN', 'PARTNER_AWS_SECRET_ACCESS_KEY', 'APP_CONFIG', 'SLACK_BOT_TOKEN']) expect(reported).toContain(name);
    expect(reported).not.toContain('TABLE_NAME');
    for (const finding of busFindings) expect(finding.evidence.version).toEqual(['$LATEST', '1']);
  });

  it('every output was produced and names the findings', () => {
    expect([...outputs.keys()].length).toBe(10 + busFindings.length * 3);
    expect(outputs.get('handler logs')).toMatch(/event evaluated[\s\S]*lambda-env-secret/);
    for (const key of ['bus messages', 'replay --live json', 'replay --live table', 'replay --snapshot json', 'replay --snapshot table', 'audit json', 'audit table', 'ledger file']) {
      expect(outputs.get(key)).toMatch(/lambda-env-secret|APP_DB_PASSWORD|kill-switch/);
    }
  });

  it('no output holds a canary value or any 8-character slice of one', () => {
    const found = [...outputs.entries()].flatMap(([name, text]) => leaks(text).map((leak) => `${name}: ${leak}`));
    expect(found).toEqual([]);
  });

  it('the leak check itself works (it must be able to fail)', () => {
    expect(leaks(`prefix ${canary.githubToken.slice(5, 14)} suffix`)).toEqual(['githubToken[5..13]']);
    expect(leaks('nothing secret here')).toEqual([]);
  });
});
