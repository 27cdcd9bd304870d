/**
 * At-least-once delivery against moto (issue 7 part 3). fast-check generates a set of over-broad
 * changes on a few roles and functions; each change is made twice with the SDK, in two disjoint
 * namespaces of one moto account, and detected with the real detector handlers (findings read off
 * Warden's bus). The reference namespace gets every finding once, in bus order, one at a time. The
 * other namespace gets each finding 1–10 times, shuffled, in concurrent batches, with retryable
 * failures redelivered as EventBridge would. The account state, the ledger records and the alerts
 * of both namespaces must be the same once names are mapped, and must match an explicit model.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetPolicyCommand as GetIamPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { isRetryable } from '../../../domain/errors';
import type { Finding } from '../../../domain/findings';
import { createRemediateHandler, type RemediationSummary } from '../../../handlers/remediate';
import { createAwsClients } from '../../../infra/aws/clients';
import { detectIamDeps } from '../../../infra/deps/detect-iam';
import { detectLambdaDeps } from '../../../infra/deps/detect-lambda';
import { remediateDeps } from '../../../infra/deps/remediate';
import { createDetectorHandler } from '../../../infra/runtime/detector-handler';
import { createSecret, EMPTY_ZIP, emulateListFunctionUrlConfigs, findingQueue, functionRole, lambdaEvent } from '../detectors/lambda-fixtures';
import { createLedgerTable, serializeLedgerCalls } from '../ledger-table';
import { resetMoto } from '../moto';
import { cloudTrailEvent } from '../remediation/events';

const TABLE = 'warden-delivery-ledger';
const TARGETS = 3;
const adminDoc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const lambdaTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

const KINDS = ['attach-admin', 'inline-admin', 'public-permission', 'public-url'] as const;
type Kind = (typeof KINDS)[number];
interface Change {
  readonly kind: Kind;
  readonly target: number;
}

const clients = createAwsClients();
const iam: IAMClient = clients.iam();
const lambda: LambdaClient = clients.lambda('us-east-1');
const dynamodb: DynamoDBClient = clients.dynamodb();
const sqs = new SQSClient({});
let findingQueueUrl = '';
let fnRole = '';
let restoreUrls: () => void = () => undefined;
const alertQueues = new Map<'ref' | 'chaos', string>();
const remediators = new Map<'ref' | 'chaos', (event: unknown) => Promise<RemediationSummary>>();
let detectIam: (event: unknown) => Promise<unknown>;
let detectLambda: (event: unknown) => Promise<unknown>;

/** A topic whose messages land in a queue (raw delivery, so the body is the alert text). */
async function alertTopic(name: string): Promise<{ topicArn: string; queueUrl: string }> {
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: name }))).TopicArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
  await clients.sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  return { topicArn, queueUrl };
}

/**
 * Every message waiting in a queue, deleted as read: a message only received would come back after
 * the visibility timeout and be counted again by a later run.
 */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < 50; round += 1) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle ?? '' })) }));
  }
  return bodies;
}

let restoreLedgerCalls: () => void = () => undefined;

beforeAll(async () => {
  restoreLedgerCalls = serializeLedgerCalls();
  await resetMoto();
  restoreUrls = emulateListFunctionUrlConfigs();
  await createLedgerTable(dynamodb, TABLE);
  fnRole = await functionRole();
  findingQueueUrl = await findingQueue('warden-delivery');
  await createSecret('warden-delivery-fingerprint-key', 'delivery-fingerprint-key-0123456789abcdef');
  const env = { ...process.env, WARDEN_BUS_NAME: 'warden-delivery', WARDEN_FINGERPRINT_SECRET: 'warden-delivery-fingerprint-key' };
  detectIam = createDetectorHandler('detectIam', () => detectIamDeps(env));
  detectLambda = createDetectorHandler('detectLambda', () => detectLambdaDeps(env));
  for (const kind of ['ref', 'chaos'] as const) {
    const { topicArn, queueUrl } = await alertTopic(`warden-delivery-${kind}`);
    alertQueues.set(kind, queueUrl);
    const remediateEnv = { ...process.env, WARDEN_MODE: 'enforce', WARDEN_LEDGER_TABLE: TABLE, WARDEN_TOPIC_ARN: topicArn };
    remediators.set(kind, createRemediateHandler(() => remediateDeps(remediateEnv)));
  }
});

afterAll(() => {
  restoreUrls();
  restoreLedgerCalls();
});

// ---- Making the changes and detecting them ----

const roleName = (ns: string, target: number): string => `${ns}-role-${target}`;
const fnName = (ns: string, target: number): string => `${ns}-fn-${target}`;

/** Creates the namespace's roles, functions and admin policy (clean), then makes each change and returns its CloudTrail event. */
async function makeChanges(ns: string, changes: readonly Change[]): Promise<{ source: 'iam' | 'lambda'; event: object }[]> {
  const adminArn = (await iam.send(new CreatePolicyCommand({ PolicyName: `${ns}-admin`, PolicyDocument: adminDoc }))).Policy?.Arn ?? '';
  for (let target = 0; target < TARGETS; target += 1) {
    await iam.send(new CreateRoleCommand({ RoleName: roleName(ns, target), AssumeRolePolicyDocument: lambdaTrust }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: fnName(ns, target), Runtime: 'nodejs22.x', Role: fnRole, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP } }));
  }
  const events: { source: 'iam' | 'lambda'; event: object }[] = [];
  for (const { kind, target } of changes) {
    const role = roleName(ns, target);
    const fn = fnName(ns, target);
    if (kind === 'attach-admin') {
      await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: adminArn }));
      events.push({ source: 'iam', event: cloudTrailEvent('AttachRolePolicy', { roleName: role, policyArn: adminArn }) });
    } else if (kind === 'inline-admin') {
      await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'everything', PolicyDocument: adminDoc }));
      events.push({ source: 'iam', event: cloudTrailEvent('PutRolePolicy', { roleName: role, policyName: 'everything', policyDocument: adminDoc }) });
    } else if (kind === 'public-permission') {
      await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' }));
      events.push({ source: 'lambda', event: lambdaEvent('AddPermission20150331v2', { functionName: fn, statementId: 'anyone', action: 'lambda:InvokeFunction', principal: '*' }, `${ns}-perm-${target}`) });
    } else {
      await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: 'NONE' }));
      // Without FunctionUrlAuthType: moto keeps it as a raw statement element, not as AWS's Condition.
      await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' }));
      events.push({ source: 'lambda', event: lambdaEvent('CreateFunctionUrlConfig20211031', { functionName: fn, authType: 'NONE' }, `${ns}-url-${target}`) });
    }
  }
  return events;
}

/** Runs the detectors on every event (after all changes, as a burst of CloudTrail would) and reads the findings off the bus. */
async function detect(events: readonly { source: 'iam' | 'lambda'; event: object }[]): Promise<object[]> {
  for (const { source, event } of events) await (source === 'iam' ? detectIam(event) : detectLambda(event));
  return (await drain(findingQueueUrl)).map((body) => JSON.parse(body) as object);
}

// ---- Delivering ----

/** One delivery as EventBridge makes it: a retryable failure is delivered again (bounded). */
async function deliver(handler: (event: unknown) => Promise<RemediationSummary>, event: object): Promise<RemediationSummary> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handler(event);
    } catch (error) {
      if (!isRetryable(error) || attempt >= 25) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}

/** A small seeded PRNG (mulberry32), so a failing run is reproducible from fast-check's seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Each event `times[i % n]` times, shuffled, cut into batches of 1–8 delivered concurrently. */
async function deliverChaotically(handler: (event: unknown) => Promise<RemediationSummary>, events: readonly object[], times: readonly number[], seed: number): Promise<RemediationSummary[]> {
  const random = prng(seed);
  const copies = events.flatMap((event, i) => Array.from({ length: times[i % times.length] ?? 1 }, () => event));
  for (let i = copies.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copies[i], copies[j]] = [copies[j] as object, copies[i] as object];
  }
  const summaries: RemediationSummary[] = [];
  while (copies.length > 0) {
    const batch = copies.splice(0, 1 + Math.floor(random() * 8));
    summaries.push(...(await Promise.all(batch.map((event) => deliver(handler, event)))));
  }
  return summaries;
}

// ---- Observing ----

/** Names of one namespace mapped to a common placeholder (namespaces use letters absent from hex ids). */
const normalized = (ns: string, text: string): string => text.replaceAll(`${ns}-`, 'NS-');

/** Ids derived from event ids or fingerprints differ between namespaces by construction. */
const withoutIds = (text: string): string =>
  text
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'EVENT')
    .replace(/\b[0-9a-f]{8,}\b/g, 'ID')
    .replace(/\bu-ID\b/g, 'UNDO');

async function orEmpty<T>(read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException' || (error as { name?: string }).name === 'NoSuchEntityException') return empty;
    throw error;
  }
}

/** The namespace's IAM and Lambda state, normalized, as one comparable value. */
async function accountState(ns: string): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (let target = 0; target < TARGETS; target += 1) {
    const role = roleName(ns, target);
    const attached = ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '').sort();
    const inlineNames = (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? [];
    const inline = await Promise.all(inlineNames.map(async (name) => [name, decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }))).PolicyDocument ?? '')]));
    const fn = fnName(ns, target);
    const policy = await orEmpty(async () => JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: fn }))).Policy ?? '{}') as { Statement?: { Sid?: string; Principal?: unknown; Action?: unknown }[] }, {});
    const statements: { sid?: string; principal: unknown; action: unknown }[] = (policy.Statement ?? []).map((s) => ({ sid: s.Sid, principal: s.Principal, action: s.Action })).sort((a, b) => String(a.sid).localeCompare(String(b.sid)));
    const url = await orEmpty(async () => (await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fn }))).AuthType, 'no url');
    state[`target-${target}`] = { attached, inline, statements, url };
  }
  const warden = ((await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/warden/' }))).Policies ?? []).filter((p) => p.PolicyName?.includes(`${ns}-`));
  state['warden policies'] = await Promise.all(
    warden.map(async (p) => {
      const version = (await iam.send(new GetIamPolicyCommand({ PolicyArn: p.Arn }))).Policy?.DefaultVersionId;
      const document = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: version }))).PolicyVersion?.Document ?? '';
      return { name: p.PolicyName, document: decodeURIComponent(document), attachments: p.AttachmentCount };
    }),
  );
  return JSON.parse(normalized(ns, JSON.stringify(state))) as Record<string, unknown>;
}

interface RecordView {
  readonly resourceArn: string;
  readonly remediationId: string;
  readonly status: string;
  readonly steps: string;
}

/** The namespace's ledger records (and action-index entries), normalized and sorted. */
async function ledgerState(ns: string): Promise<{ records: RecordView[]; actionIndex: number }> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start !== undefined);
  const mine = items.filter((item) => JSON.stringify(item).includes(`${ns}-`));
  const records = mine
    .filter((item) => item['type'] === 'record')
    .map((item) => ({
      resourceArn: normalized(ns, String(item['resourceArn'])),
      remediationId: String(item['remediationId']),
      status: String(item['status']),
      // Step times differ by construction; what each step did must not.
      steps: withoutIds(normalized(ns, JSON.stringify((item['steps'] as { status: string; detail?: unknown }[]).map((step) => ({ status: step.status, detail: step.detail }))))),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { records, actionIndex: mine.filter((item) => String(item['pk']).startsWith('actions#')).length };
}

/** The `Event:` line of an alert (inside its JSON-encoded text). */
const EVENT_LINE = /Event: [^\\\n"]*/g;

/** Alerts as texts with the credited event blanked, and the credited events, each sorted. */
function credits(sent: readonly string[]): { texts: string[]; events: string[] } {
  return { texts: sent.map((text) => text.replace(EVENT_LINE, 'Event: -')).sort(), events: sent.flatMap((text) => text.match(EVENT_LINE) ?? []).sort() };
}

async function alerts(kind: 'ref' | 'chaos', ns: string): Promise<string[]> {
  return (await drain(alertQueues.get(kind) ?? '')).map((body) => withoutIds(normalized(ns, body))).sort();
}

// ---- The property ----

const changeArb = fc.uniqueArray(fc.record({ kind: fc.constantFrom(...KINDS), target: fc.integer({ min: 0, max: TARGETS - 1 }) }), {
  minLength: 1,
  maxLength: 6,
  selector: (change) => `${change.kind}#${change.target}`,
});
const timesArb = fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 8, maxLength: 8 });

let run = 0;

/** What one generated case left behind, for the assertions below. */
interface Observation {
  readonly input: string;
  readonly state: { readonly ref: Record<string, unknown>; readonly chaos: Record<string, unknown> };
  readonly ref: {
    readonly statuses: string[]; readonly ledger: Awaited<ReturnType<typeof ledgerState>>; readonly alerts: string[]; readonly applied: number; readonly findings: number; readonly alerting: number };
  readonly chaos: { readonly ledger: Awaited<ReturnType<typeof ledgerState>>; readonly alerts: string[]; readonly applied: number; readonly statuses: string[] };
}
const observations: Observation[] = [];

const remediator = (kind: 'ref' | 'chaos'): ((event: unknown) => Promise<RemediationSummary>) => {
  const handler = remediators.get(kind);
  if (handler === undefined) throw new Error(`no ${kind} remediator`);
  return handler;
};
const applied = (summaries: readonly RemediationSummary[]): number => summaries.filter((s) => s.status === 'applied').length;
const findingKeys = (ns: string, events: readonly object[]): string[] => events.map((e) => normalized(ns, `${(e as { detail: Finding }).detail.ruleId} ${(e as { detail: Finding }).detail.resourceArn}`)).sort();

/** The generated case: changes, detection, ordered and chaotic delivery; asserts what holds per case, records the rest. */
async function runCase(changes: readonly Change[], times: readonly number[], seed: number): Promise<void> {
  run += 1;
  // Letters absent from hex, so ids never look like a namespace.
  const ref = `wrefq${run}z`;
  const chaos = `wchsq${run}z`;
  const refFindings = await detect(await makeChanges(ref, changes));
  const chaosFindings = await detect(await makeChanges(chaos, changes));
  expect(findingKeys(chaos, chaosFindings)).toEqual(findingKeys(ref, refFindings));
  // Every change is over-broad: each one gives at least one finding.
  expect(refFindings.length).toBeGreaterThanOrEqual(changes.length);

  const refSummaries: RemediationSummary[] = [];
  for (const finding of refFindings) refSummaries.push(await deliver(remediator('ref'), finding));
  const chaosSummaries = await deliverChaotically(remediator('chaos'), chaosFindings, times, seed);

  observations.push({
    input: JSON.stringify({ changes, times, seed }),
    state: { ref: await accountState(ref), chaos: await accountState(chaos) },
    ref: {
      statuses: refSummaries.map((s) => `${s.status}: ${normalized(ref, s.reason)}`),
      ledger: await ledgerState(ref),
      alerts: await alerts('ref', ref),
      applied: applied(refSummaries),
      findings: refFindings.length,
      alerting: refSummaries.filter((s) => s.status !== 'already-recorded' && s.status !== 'ignored').length,
    },
    chaos: { ledger: await ledgerState(chaos), alerts: await alerts('chaos', chaos), applied: applied(chaosSummaries), statuses: chaosSummaries.map((s) => `${s.status}: ${normalized(chaos, s.reason)}`) },
  });
}

/** The first observation for which `check` throws, reported with its generated input. */
function firstCounterexample(check: (o: Observation) => void): string | undefined {
  for (const observation of observations) {
    try {
      check(observation);
    } catch (error) {
      return `input ${observation.input}\nordered delivery statuses:\n  ${observation.ref.statuses.join('\n  ')}\nchaotic delivery statuses:\n  ${[...new Set(observation.chaos.statuses)].join('\n  ')}\n${(error as Error).message}`;
    }
  }
  return undefined;
}

describe('at-least-once delivery to the remediator (fast-check over moto)', () => {
  beforeAll(async () => {
    await fc.assert(fc.asyncProperty(changeArb, timesArb, fc.integer(), runCase), { numRuns: 15, endOnFailure: true });
  }, 600_000);

  it('ran every generated case', () => {
    expect(observations).toHaveLength(15);
  });

  it('leaves the account as one ordered delivery does', () => {
    expect(firstCounterexample((o) => expect(o.state.chaos).toEqual(o.state.ref))).toBeUndefined();
  });

  it('the ordered delivery leaves nothing over-broad: each change undone, or its principal quarantined once', () => {
    expect(
      firstCounterexample((o) => {
        expect(o.ref.statuses.filter((s) => s.startsWith('failed') || s.startsWith('dropped'))).toEqual([]);
        // DESIGN.md §5: a revert that leaves the principal over-broad quarantines it instead.
        const quarantines = (o.state.ref['warden policies'] as { name: string }[]).map((p) => p.name);
        expect(new Set(quarantines).size).toBe(quarantines.length);
        for (let target = 0; target < TARGETS; target += 1) {
          const view = o.state.ref[`target-${target}`] as { attached: string[]; inline: unknown[]; statements: { principal: unknown; action: unknown }[]; url: string };
          const quarantined = view.attached.some((arn) => arn.includes('/warden/') && arn.endsWith(`NS-role-${target}`));
          if (!quarantined) expect({ target, admin: view.attached.filter((arn) => arn.endsWith('NS-admin')) }).toEqual({ target, admin: [] });
          expect(view.inline).toEqual([]);
          // The URL's own InvokeFunctionUrl grant stays: with AuthType AWS_IAM it needs signed calls.
          expect(view.statements.filter((s) => s.action === 'lambda:InvokeFunction' && JSON.stringify(s.principal).includes('"*"'))).toEqual([]);
          expect(view.url === 'no url' || view.url === 'AWS_IAM').toBe(true);
        }
      }),
    ).toBeUndefined();
  });

  it('no chaotic delivery ends dropped or failed', () => {
    expect(firstCounterexample((o) => expect(o.chaos.statuses.filter((s) => s.startsWith('failed') || s.startsWith('dropped'))).toEqual([]))).toBeUndefined();
  });

  it('the ordered delivery is itself consistent: records applied once each, indexed once, one alert per alerting finding', () => {
    expect(
      firstCounterexample((o) => {
        expect(o.ref.ledger.records.length).toBeGreaterThanOrEqual(1);
        expect(o.ref.ledger.records.every((r) => r.status === 'applied')).toBe(true);
        expect(o.ref.ledger.actionIndex).toBe(o.ref.ledger.records.length);
        const quarantines = o.ref.ledger.records.filter((r) => r.remediationId.includes('quarantine'));
        expect(new Set(quarantines.map((r) => r.resourceArn)).size).toBe(quarantines.length);
        expect(o.ref.alerts).toHaveLength(o.ref.alerting);
        expect(o.ref.alerts.length).toBeLessThanOrEqual(o.ref.findings);
      }),
    ).toBeUndefined();
  });

  it('gives the ledger records of one ordered delivery (no remediation twice)', () => {
    expect(
      firstCounterexample((o) => {
        expect(o.chaos.ledger).toEqual(o.ref.ledger);
        expect(o.chaos.applied).toBe(o.ref.applied);
      }),
    ).toBeUndefined();
  });

  // Which of two events on one function gets the credit cannot be the ordered delivery's: when both
  // give a finding of one rule (detection sees the function as it stands), the copy processed first
  // acts and the other finds nothing to do, and in shuffled delivery the later event may come first.
  // No remediator can wait for an event that has not arrived. So the alerts are compared as two
  // multisets: their texts with the credited event blanked, and the credited events. Every alert,
  // its count, resource, action and outcome must still be the ordered delivery's; only the pairing
  // of an `Event:` line with its alert may differ.
  it('gives the alerts of one ordered delivery (no second alert for a finding already acted on)', () => {
    expect(
      firstCounterexample((o) => {
        // Every alert credits an event, so the blanking below hides nothing else.
        expect(o.ref.alerts.filter((text) => text.match(EVENT_LINE) === null)).toEqual([]);
        expect(credits(o.chaos.alerts)).toEqual(credits(o.ref.alerts));
      }),
    ).toBeUndefined();
  });
});

/**
 * The two shapes the property found, fixed so that they reproduce in one step (each races real
 * concurrent deliveries, so an unlucky schedule may pass, but never a fixed remediator fail).
 */
describe('concurrent deliveries on one resource (reproducers)', () => {
  // What an earlier failing case left unread must not be counted here.
  beforeEach(async () => {
    for (const queueUrl of [findingQueueUrl, ...alertQueues.values()]) await drain(queueUrl);
  });

  it('one finding delivered six times at once: one action, one alert, no "nothing to do" notice', async () => {
    const ns = 'wdupq';
    const [finding] = await detect(await makeChanges(ns, [{ kind: 'attach-admin', target: 0 }]));
    if (finding === undefined) throw new Error('no finding for an attached admin policy');
    const summaries = await Promise.all(Array.from({ length: 6 }, () => deliver(remediator('chaos'), finding)));
    const sent = await alerts('chaos', ns);
    expect({ statuses: summaries.map((s) => `${s.status}: ${normalized(ns, s.reason)}`).filter((s) => !s.startsWith('already-recorded')), alerts: sent.length }).toEqual({
      statuses: [expect.stringMatching(/^applied: /)],
      alerts: 1,
    });
  });

  it('the findings of two events on one function at once: the remediations of one ordered delivery', async () => {
    const changes: Change[] = [
      { kind: 'public-url', target: 0 },
      { kind: 'public-permission', target: 0 },
    ];
    const ref = 'wonerq';
    const chaos = 'wonecq';
    const refFindings = await detect(await makeChanges(ref, changes));
    const chaosFindings = await detect(await makeChanges(chaos, changes));
    for (const finding of refFindings) await deliver(remediator('ref'), finding);
    await Promise.all(chaosFindings.map((finding) => deliver(remediator('chaos'), finding)));
    const expected = (await ledgerState(ref)).records.map((r) => `${r.remediationId} ${r.resourceArn}`);
    expect(expected).toEqual(['remove-public-statements arn:aws:lambda:us-east-1:123456789012:function:NS-fn-0', 'set-url-auth-iam arn:aws:lambda:us-east-1:123456789012:function:NS-fn-0']);
    expect((await ledgerState(chaos)).records.map((r) => `${r.remediationId} ${r.resourceArn}`)).toEqual(expected);
    expect((await alerts('chaos', chaos)).length).toBe((await alerts('ref', ref)).length);
  });
});
