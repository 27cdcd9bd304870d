/**
 * The `remediate` Lambda against moto, wired exactly as deployed (infra/deps/remediate.ts): the
 * DynamoDB ledger, the SNS alerts topic (an SQS subscription reads what was published), the SDK
 * step runner. Fifty findings on one role give one quarantine, also when they arrive at once.
 */
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, ListAttachedRolePoliciesCommand, ListPoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Finding } from '../../../domain/findings';
import { createRemediateHandler } from '../../../handlers/remediate';
import { createAwsClients } from '../../../infra/aws/clients';
import { remediateDeps } from '../../../infra/deps/remediate';
import { DynamoDbLedger } from '../../../infra/ledger/dynamodb-ledger';
import { createLedgerTable, serializeLedgerCalls } from '../ledger-table';
import { resetMoto } from '../moto';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`;
const QUARANTINE = `arn:aws:iam::${ACCOUNT}:policy/warden/warden-quarantine-role-app`;
const clients = createAwsClients();
const iam: IAMClient = clients.iam();
const sqs = new SQSClient({});
let env: NodeJS.ProcessEnv;
let queueUrl = '';

let restoreLedgerCalls: () => void = () => undefined;

beforeAll(async () => {
  // Moto's cancelled transactions can erase concurrent writes (see serializeLedgerCalls).
  restoreLedgerCalls = serializeLedgerCalls();
  await resetMoto();
  await createLedgerTable(clients.dynamodb(), 'warden-itest-ledger');
  const topicArn = (await clients.sns().send(new CreateTopicCommand({ Name: 'warden-itest-alerts' }))).TopicArn ?? '';
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'warden-itest-alerts' }))).QueueUrl ?? '';
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
  await clients.sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: trust }));
  await iam.send(new CreateRoleCommand({ RoleName: 'break-glass', AssumeRolePolicyDocument: trust }));
  const admin = await iam.send(new CreatePolicyCommand({ PolicyName: 'everything', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'break-glass', PolicyArn: admin.Policy?.Arn }));
  env = {
    ...process.env,
    WARDEN_MODE: 'enforce',
    WARDEN_LEDGER_TABLE: 'warden-itest-ledger',
    WARDEN_TOPIC_ARN: topicArn,
    WARDEN_PROTECTED_PRINCIPALS: 'break-glass',
    WARDEN_SELF_ARNS: `arn:aws:iam::${ACCOUNT}:role/warden-itest-*`,
  };
});

/** A finding of one event on role `app` that no revert handles (a boundary was removed). */
function finding(index: number, role = 'app'): Finding {
  return {
    id: `f-${index}`,
    ruleId: index % 2 === 0 ? 'iam-privilege-escalation' : 'iam-passrole-unrestricted',
    category: index % 2 === 0 ? 'privilege-escalation' : 'passrole',
    severity: 'critical',
    resourceArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
    title: `Role ${role} can escalate (${index})`,
    evidence: { paths: [{ actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'] }], pathCount: 1 },
    subject: { kind: 'role', name: role, arn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
    trigger: { eventName: 'DeleteRolePermissionsBoundary', params: { roleName: role } },
    eventId: 'evt-boundary-1',
    correlationId: 'eb-boundary-1',
    accountId: ACCOUNT,
    region: 'us-east-1',
  };
}

const asEvent = (detail: Finding): object => ({ id: `eb-${detail.id}`, 'detail-type': 'Warden Finding', source: 'warden', detail });

async function receivedAlerts(): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < 10; round++) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (Messages === undefined || Messages.length === 0) break;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
  return bodies;
}

describe('remediate handler', () => {
  it('fifty findings on one role arriving at once give one quarantine; retries settle the rest', async () => {
    const handler = createRemediateHandler(() => remediateDeps(env));
    const events = Array.from({ length: 50 }, (_, i) => asEvent(finding(i)));
    const first = await Promise.allSettled(events.map((event) => handler(event)));
    // Findings that met the record in flight are retried, as EventBridge would.
    const retried = await Promise.all(events.filter((_, i) => first[i]?.status === 'rejected').map((event) => handler(event)));
    const summaries = [...first.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])), ...retried];
    expect(summaries).toHaveLength(50);
    expect(summaries.filter((s) => s.status === 'applied')).toHaveLength(1);
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app' }))).AttachedPolicies?.map((p) => p.PolicyArn);
    expect(attached).toEqual([QUARANTINE]);
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/warden/' }))).Policies).toHaveLength(1);
    const ledger = new DynamoDbLedger(clients.dynamodb(), 'warden-itest-ledger');
    expect(await ledger.countRecentActions(ROLE_ARN, new Date(Date.now() - 3_600_000))).toBe(1);
    expect(summaries.filter((s) => s.status === 'already-recorded')).toHaveLength(49);
    // One quarantine, one alert.
    const alerts = await receivedAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('remediated');
    expect(alerts[0]).toMatch(/warden undo u-[0-9a-f]{20} --live --ledger-table warden-itest-ledger/);
    // Findings on one resource take turns under its lease, and the harness serializes every
    // DynamoDB call (moto's transactions race): well above the default timeout on a loaded machine.
  }, 120_000);

  it('never modifies a protected principal', async () => {
    const handler = createRemediateHandler(() => remediateDeps(env));
    const summary = await handler(asEvent({ ...finding(100, 'break-glass'), eventId: 'evt-bg' }));
    expect(summary).toMatchObject({ status: 'notified' });
    expect(summary.reason).toMatch(/protected principal/);
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'break-glass' }))).AttachedPolicies?.map((p) => p.PolicyArn);
    expect(attached).toEqual([`arn:aws:iam::${ACCOUNT}:policy/everything`]);
  });

  it('drops an event that is not a finding without acting', async () => {
    const handler = createRemediateHandler(() => remediateDeps(env));
    await expect(handler({ 'detail-type': 'something else' })).resolves.toMatchObject({ status: 'dropped' });
  });
});

afterAll(() => restoreLedgerCalls());
