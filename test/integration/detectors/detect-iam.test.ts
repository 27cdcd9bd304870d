import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../../cli/replay';
import { main } from '../../../cli/warden';
import type { Finding } from '../../../domain/findings';
import { handler } from '../../../handlers/detect-iam';
import { cloudTrailRecord, eventBridgeEvent } from '../../unit/events/builders';
import { resetMoto } from '../moto';

const ACCOUNT = '123456789012'; // moto's account
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const iam = new IAMClient({});
const lambdaTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const doc = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const adminInline = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
const passRoleLambda = doc({ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' });

let queueUrl = '';
let customerAdminArn = '';
let deployPolicyArn = '';

/** An EventBridge-wrapped CloudTrail record as moto's account would emit it. */
function event(eventName: string, requestParameters: Record<string, unknown>, id: string): Record<string, unknown> {
  const record = cloudTrailRecord({ eventName, requestParameters, eventID: id });
  return eventBridgeEvent({ ...record, recipientAccountId: ACCOUNT, userIdentity: { ...(record.userIdentity as object), accountId: ACCOUNT } }, `eb-${id}`);
}

async function publishedFindings(): Promise<Finding[]> {
  const sqs = new SQSClient({});
  const findings: Finding[] = [];
  for (let round = 0; round < 5; round += 1) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    findings.push(...messages.map((message) => (JSON.parse(message.Body ?? '{}') as { detail: Finding }).detail));
  }
  return findings;
}

async function seedAccount(): Promise<void> {
  const role = (name: string): Promise<unknown> => iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: lambdaTrust }));
  await role('inline-admin');
  await iam.send(new PutRolePolicyCommand({ RoleName: 'inline-admin', PolicyName: 'everything', PolicyDocument: adminInline }));
  await role('aws-admin');
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'aws-admin', PolicyArn: ADMIN_ARN }));
  const customer = await iam.send(new CreatePolicyCommand({ PolicyName: 'AdministratorAccess', PolicyDocument: narrow }));
  customerAdminArn = customer.Policy?.Arn ?? '';
  await role('customer-named-admin');
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'customer-named-admin', PolicyArn: customerAdminArn }));
  const deploy = await iam.send(new CreatePolicyCommand({ PolicyName: 'deploy', PolicyDocument: narrow }));
  deployPolicyArn = deploy.Policy?.Arn ?? '';
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: deployPolicyArn, PolicyDocument: passRoleLambda, SetAsDefault: true }));
  await role('deployer');
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: deployPolicyArn }));
  await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'admins', PolicyArn: ADMIN_ARN }));
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'carol' }));
}

async function wireBus(): Promise<void> {
  const events = new EventBridgeClient({});
  const sqs = new SQSClient({});
  await events.send(new CreateEventBusCommand({ Name: 'warden-itest' }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'detect-iam-findings' }))).QueueUrl ?? '';
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: 'findings', EventBusName: 'warden-itest', EventPattern: JSON.stringify({ 'detail-type': ['Warden Finding'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'findings', EventBusName: 'warden-itest', Targets: [{ Id: 'q', Arn: attributes.Attributes?.QueueArn ?? '' }] }));
  process.env.WARDEN_BUS_NAME = 'warden-itest';
}

beforeAll(async () => {
  await resetMoto();
  await seedAccount();
  await wireBus();
});

describe('detectIam handler against moto', () => {
  it.each([
    ['inline admin policy', 'PutRolePolicy', { roleName: 'inline-admin', policyName: 'everything', policyDocument: adminInline }, 'iam-admin-equivalent', 'role/inline-admin'],
    ['AWS-managed AdministratorAccess', 'AttachRolePolicy', { roleName: 'aws-admin', policyArn: ADMIN_ARN }, 'iam-admin-equivalent', 'role/aws-admin'],
    ['customer-managed default version with a PassRole path', 'AttachRolePolicy', { roleName: 'deployer', policyArn: 'DEPLOY' }, 'iam-privilege-escalation', 'role/deployer'],
    ['group membership inheriting AWS-managed admin', 'AddUserToGroup', { groupName: 'admins', userName: 'carol' }, 'iam-admin-equivalent', 'user/carol'],
  ])('%s: publishes a finding to the bus', async (_label, eventName, params: Record<string, unknown>, ruleId, resource) => {
    const requestParameters = { ...params, ...(params.policyArn === 'DEPLOY' ? { policyArn: deployPolicyArn } : {}) };
    const summary = await handler(event(eventName, requestParameters, `${eventName}-${resource.replace('/', '-')}`));
    expect(summary).toMatchObject({ outcome: 'finding' });
    const findings = await publishedFindings();
    const match = findings.find((finding) => finding.ruleId === ruleId && finding.resourceArn === `arn:aws:iam::${ACCOUNT}:${resource}`);
    expect(match).toBeDefined();
    expect(match?.evidence).toMatchObject({ judgedFrom: 'state' });
  });

  it('a customer policy named AdministratorAccess with a narrow document is clean', async () => {
    const summary = await handler(event('AttachRolePolicy', { roleName: 'customer-named-admin', policyArn: customerAdminArn }, 'clean-1'));
    expect(summary).toEqual({ outcome: 'clean', reason: 'no finding for AttachRolePolicy', findings: 0 });
  });

  it('a role deleted meanwhile is unresolved and publishes nothing', async () => {
    const summary = await handler(event('AttachRolePolicy', { roleName: 'never-existed', policyArn: ADMIN_ARN }, 'gone-1'));
    expect(summary).toMatchObject({ outcome: 'unresolved', findings: 0 });
  });
});

describe('warden replay --live against moto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-live-'));

  async function replayLive(...files: [string, Record<string, unknown>][]): Promise<{ code: number; results: { outcome: string; findings: Finding[] }[] }> {
    const paths = files.map(([name, body]) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(body));
      return path;
    });
    let stdout = '';
    const out: Output = { write: (text) => void (stdout += text), isTTY: false };
    const code = await main(['replay', '--live', '--format', 'json', ...paths], out, { write: () => undefined, isTTY: false });
    return { code, results: stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { outcome: string; findings: Finding[] }) };
  }

  it('judges live state: AWS-managed admin is critical, the narrow customer "AdministratorAccess" is clean', async () => {
    const { code, results } = await replayLive(
      ['aws-admin', event('AttachRolePolicy', { roleName: 'aws-admin', policyArn: ADMIN_ARN }, 'live-1')],
      ['customer-admin', event('AttachRolePolicy', { roleName: 'customer-named-admin', policyArn: customerAdminArn }, 'live-2')],
    );
    expect(results.map((result) => result.outcome)).toEqual(['finding', 'clean']);
    expect(results[0]?.findings.find((finding) => finding.ruleId === 'iam-admin-equivalent')?.severity).toBe('critical');
    expect(code).toBe(1);
  });

  it('reads the live document rather than trusting the event', async () => {
    // The event claims an admin document, but the role's stored policy was since narrowed.
    await iam.send(new PutRolePolicyCommand({ RoleName: 'inline-admin', PolicyName: 'everything', PolicyDocument: narrow }));
    const { results } = await replayLive(['narrowed', event('PutRolePolicy', { roleName: 'inline-admin', policyName: 'everything', policyDocument: adminInline }, 'live-3')]);
    expect(results[0]?.outcome).toBe('clean');
  });
});
