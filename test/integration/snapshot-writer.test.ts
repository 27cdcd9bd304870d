import { AttachRolePolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreateRoleCommand, CreateUserCommand, AddUserToGroupCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, PublishVersionCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../cli/replay';
import { main } from '../../cli/warden';
import { createAwsClients } from '../../infra/aws/clients';
import { IamGateway } from '../../infra/aws/iam-gateway';
import { LambdaGateway } from '../../infra/aws/lambda-gateway';
import { SnapshotStore } from '../../infra/snapshot/snapshot-store';
import { writeSnapshot } from '../../infra/snapshot/snapshot-writer';
import { cloudTrailRecord, eventBridgeEvent } from '../unit/events/builders';
import { resetMoto } from './moto';

const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1'];
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const doc = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const lambdaTrust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const clients = createAwsClients();
const work = mkdtempSync(join(tmpdir(), 'warden-snapshot-'));
let customerPolicyArn = '';

async function seed(): Promise<void> {
  const iam = clients.iam();
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'fn-role', AssumeRolePolicyDocument: lambdaTrust }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'fn-role', PolicyName: 'all', PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'fn-role', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  customerPolicyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'deploy', PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:*'], Resource: '*' }) }))).Policy?.Arn ?? '';
  await iam.send(new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: lambdaTrust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'deployer', PolicyArn: customerPolicyArn }));
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  await iam.send(new CreateUserCommand({ UserName: 'dana' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'dana' }));
  for (const region of REGIONS) {
    const lambda = clients.lambda(region);
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'api', Runtime: 'nodejs22.x', Role: role.Role?.Arn ?? '', Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP }, Environment: { Variables: { TABLE: 'orders' } }, Tags: { team: 'web' } }));
    await lambda.send(new PublishVersionCommand({ FunctionName: 'api' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'live', FunctionVersion: '1' }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'api', StatementId: 'public', Action: 'lambda:InvokeFunction', Principal: '*' }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'api', Qualifier: 'live', StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: '210987654321' }));
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'api', AuthType: 'NONE' }));
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'api', ReservedConcurrentExecutions: 5 }));
  }
}

beforeAll(async () => {
  await resetMoto();
  await seed();
});

describe('writeSnapshot against moto', () => {
  const dir = join(work, 'account');
  const lambdaClient = (region: string) => clients.lambda(region);

  beforeAll(async () => {
    await writeSnapshot(dir, { sts: clients.sts(), iam: clients.iam(), lambdaClient, lambda: new LambdaGateway(lambdaClient) }, REGIONS);
  });

  it('writes the DESIGN.md §7 layout, private to its owner', () => {
    expect(JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'))).toEqual({ accountId: ACCOUNT, partition: 'aws' });
    expect(statSync(join(dir, 'lambda', 'us-east-1', 'functions.json')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('reads back through SnapshotStore exactly what the live gateways read', async () => {
    const store = new SnapshotStore(dir);
    const iam = new IamGateway(clients.iam());
    const lambda = new LambdaGateway(lambdaClient);
    for (const name of ['fn-role', 'deployer']) {
      const [live, offline] = await Promise.all([iam.getRole(name), store.getRole(name)]);
      expect(offline?.attachedPolicies).toEqual(live?.attachedPolicies);
      expect(offline?.inlinePolicies.map((p) => JSON.parse(decodeURIComponent(p.document)) as unknown)).toEqual(live?.inlinePolicies.map((p) => JSON.parse(decodeURIComponent(p.document)) as unknown));
    }
    expect((await store.getUser('dana'))?.groups).toEqual(['devs']);
    expect(JSON.parse(decodeURIComponent((await store.getManagedPolicy(customerPolicyArn))?.document ?? '')) as unknown).toEqual(JSON.parse(decodeURIComponent((await iam.getManagedPolicy(customerPolicyArn))?.document ?? '')) as unknown);
    for (const region of REGIONS) {
      expect(await store.getFunction(region, 'api')).toMatchObject({ functionName: 'api', environment: { variables: { TABLE: 'orders' } } });
      expect((await store.listVersions(region, 'api')).map((v) => v.version)).toEqual(expect.arrayContaining(['1']));
      expect(await store.listAliases(region, 'api')).toEqual(await lambda.listAliases(region, 'api'));
      expect(await store.getPolicy(region, 'api')).toEqual(await lambda.getPolicy(region, 'api'));
      expect(await store.getPolicy(region, 'api', 'live')).toEqual(await lambda.getPolicy(region, 'api', 'live'));
      expect((await store.listUrlConfigs(region, 'api')).map((u) => u.authType)).toEqual((await lambda.listUrlConfigs(region, 'api')).map((u) => u.authType));
      expect(await store.getReservedConcurrency(region, 'api')).toBe(5);
    }
  });

  it('refuses a non-empty output directory and leaves it untouched', async () => {
    await expect(writeSnapshot(dir, { sts: clients.sts(), iam: clients.iam(), lambdaClient, lambda: new LambdaGateway(lambdaClient) }, REGIONS)).rejects.toThrow(/is not empty/);
    expect(JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'))).toMatchObject({ accountId: ACCOUNT });
  });
});

describe('warden snapshot, then replay --snapshot equals replay --live', () => {
  async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { write: (t) => void (stdout += t), isTTY: false } satisfies Output, { write: (t) => void (stderr += t), isTTY: false });
    return { code, stdout, stderr };
  }

  it('gives the same results from the snapshot as from the account', async () => {
    const out = join(work, 'cli-snapshot');
    const taken = await run('snapshot', '--live', '--out', out, '--regions', REGIONS.join(','));
    expect(taken.stderr).toBe('');
    expect(taken.stdout).toMatch(/snapshot of account 123456789012 written .*: 2 roles, 1 users, 1 groups/);
    expect(taken.code).toBe(0);

    const events = join(work, 'events.jsonl');
    const record = (eventName: string, requestParameters: Record<string, unknown>, id: string): string => JSON.stringify(eventBridgeEvent({ ...cloudTrailRecord({ eventName, requestParameters, eventID: id }), recipientAccountId: ACCOUNT }));
    writeFileSync(events, [
      record('PutRolePolicy', { roleName: 'fn-role', policyName: 'all', policyDocument: '{}' }, 'e1'),
      record('AttachRolePolicy', { roleName: 'deployer', policyArn: customerPolicyArn }, 'e2'),
      record('AddUserToGroup', { groupName: 'devs', userName: 'dana' }, 'e3'),
    ].join('\n'));
    const live = await run('replay', '--format', 'json', '--live', events);
    const offline = await run('replay', '--format', 'json', '--snapshot', out, events);
    expect(offline.stdout).toBe(live.stdout);
    expect(offline.code).toBe(live.code);
    expect(live.stdout).toContain('iam-admin-equivalent');
  });

  it('audit --snapshot of the written snapshot gives the same results as audit --live', async () => {
    const out = join(work, 'cli-snapshot');
    const keyFile = join(work, 'fingerprint.key');
    writeFileSync(keyFile, 'snapshot-test-fingerprint-key-0123456789\n', { mode: 0o600 });
    const common = ['--format', 'json', '--fail-on', 'none', '--fingerprint-key-file', keyFile];
    const live = await run('audit', '--live', '--regions', REGIONS.join(','), ...common);
    const offline = await run('audit', '--snapshot', out, ...common);
    expect(live.stderr).toBe('');
    expect(offline.stdout.split('\n')).toEqual(live.stdout.split('\n'));
    const results = live.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { resourceType: string; findings: { ruleId: string }[] });
    expect(results.filter((result) => result.resourceType === 'function')).toHaveLength(2);
    expect(results.flatMap((result) => result.findings.map((finding) => finding.ruleId))).toEqual(expect.arrayContaining(['iam-admin-equivalent', 'lambda-public-invoke', 'lambda-cross-account']));
  });

  it.each([
    [['snapshot', '--out', 'x'], /pass --live/],
    [['snapshot', '--live'], /needs --out/],
    [['snapshot', '--live', '--out', 'x', '--regions', 'mars-1'], /not a region name/],
  ])('rejects %j with a usage error', async (argv, message) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
