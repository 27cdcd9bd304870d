import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../../domain/errors';
import { SnapshotStore, readAccount, snapshotPaths } from '../../infra/snapshot/snapshot-store';

const FIXTURE = join(__dirname, '..', 'fixtures', 'snapshot-minimal');
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const fnArn = (name: string, qualifier?: string): string =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
const ORDERS_DATA = `arn:aws:iam::${ACCOUNT}:policy/orders-data`;

/** Documents come back raw: decode the way the domain will (URL-decoding JSON is harmless). */
const decode = (document: string | undefined): unknown => JSON.parse(decodeURIComponent(document ?? 'null'));

/** A scratch copy of the fixture, for cases that add or break files. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-snapshot-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function writeJson(dir: string, relative: string, value: unknown): void {
  const file = join(dir, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
}

const scratchDirs: string[] = [];
function scratch(): string {
  const dir = scratchCopy();
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('SnapshotStore: IAM from get-account-authorization-details', () => {
  const store = new SnapshotStore(FIXTURE);

  it('reads account.json', async () => {
    await expect(readAccount(FIXTURE)).resolves.toEqual({ accountId: ACCOUNT, partition: 'aws' });
    await expect(store.readAccount()).resolves.toEqual({ accountId: ACCOUNT, partition: 'aws' });
  });

  it('reads a role; documents the CLI printed as objects come back as JSON strings', async () => {
    const role = await store.getRole('orders-api-role');
    expect(role).toEqual({
      kind: 'role',
      arn: `arn:aws:iam::${ACCOUNT}:role/service-role/orders-api-role`,
      name: 'orders-api-role',
      path: '/service-role/',
      trustPolicy: expect.any(String) as unknown,
      trustPolicyParsed: expect.objectContaining({ Version: '2012-10-17' }) as unknown,
      inlinePolicies: [{ name: 'orders-events', document: expect.any(String) as unknown, parsed: expect.objectContaining({ Version: '2012-10-17' }) as unknown }],
      attachedPolicies: [
        { arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', name: 'AWSLambdaBasicExecutionRole' },
        { arn: ORDERS_DATA, name: 'orders-data' },
      ],
      permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/workload-boundary`,
      tags: { app: 'orders', env: 'prod' },
    });
    expect(JSON.parse(role?.trustPolicy ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(JSON.parse(role?.inlinePolicies[0]?.document ?? '')).toMatchObject({ Statement: [{ Action: 'events:PutEvents' }] });
    // The parsed values (judged by audits without a text round trip) are the texts' documents.
    expect(role?.trustPolicyParsed).toEqual(JSON.parse(role?.trustPolicy ?? ''));
    expect(role?.inlinePolicies[0]?.parsed).toEqual(JSON.parse(role?.inlinePolicies[0]?.document ?? ''));
  });

  it('finds principals whatever the case of the name, as IAM does', async () => {
    expect((await store.getRole('ORDERS-API-ROLE'))?.name).toBe('orders-api-role');
    expect((await store.getUser('Deploy-Bot'))?.name).toBe('deploy-bot');
  });

  it('reads a user with its group, policies and tags', async () => {
    expect(await store.getUser('deploy-bot')).toEqual({
      kind: 'user',
      arn: `arn:aws:iam::${ACCOUNT}:user/automation/deploy-bot`,
      name: 'deploy-bot',
      path: '/automation/',
      inlinePolicies: [{ name: 'push-artifacts', document: expect.stringContaining('s3:PutObject') as unknown, parsed: expect.objectContaining({ Statement: expect.any(Array) as unknown }) as unknown }],
      attachedPolicies: [{ arn: ORDERS_DATA, name: 'orders-data' }],
      groups: ['deployers'],
      tags: { owner: 'platform-team' },
    });
  });

  it('reads a group', async () => {
    expect(await store.getGroup('deployers')).toEqual({
      kind: 'group',
      arn: `arn:aws:iam::${ACCOUNT}:group/deployers`,
      name: 'deployers',
      path: '/',
      inlinePolicies: [{ name: 'update-functions', document: expect.stringContaining('lambda:UpdateFunctionCode') as unknown, parsed: expect.objectContaining({ Statement: expect.any(Array) as unknown }) as unknown }],
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }],
    });
  });

  it('reads a customer-managed policy; URL-encoded documents stay URL-encoded', async () => {
    const policy = await store.getManagedPolicy(ORDERS_DATA);
    expect(policy).toMatchObject({ arn: ORDERS_DATA, name: 'orders-data', path: '/', defaultVersionId: 'v2', attachmentCount: 2 });
    expect(policy?.document.startsWith('%7B')).toBe(true);
    expect(decode(policy?.document)).toMatchObject({ Statement: [{ Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'] }] });
    expect(policy?.versions.map(({ versionId, isDefault }) => ({ versionId, isDefault }))).toEqual([
      { versionId: 'v2', isDefault: true },
      { versionId: 'v1', isDefault: false },
    ]);
    expect(decode(await store.getPolicyVersion(ORDERS_DATA, 'v1'))).toMatchObject({
      Statement: [{ Action: ['dynamodb:GetItem', 'dynamodb:Query'] }],
    });
  });

  it('answers undefined for what the snapshot does not hold', async () => {
    await expect(store.getRole('no-such-role')).resolves.toBeUndefined();
    await expect(store.getUser('no-such-user')).resolves.toBeUndefined();
    await expect(store.getGroup('no-such-group')).resolves.toBeUndefined();
    await expect(store.getPolicyVersion(ORDERS_DATA, 'v9')).resolves.toBeUndefined();
    // Attached, but AWS-managed and absent from the Policies list: unknown for now.
    await expect(store.getManagedPolicy('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')).resolves.toBeUndefined();
  });
});

describe('SnapshotStore: Lambda from the CLI outputs', () => {
  const store = new SnapshotStore(FIXTURE);

  it('reads $LATEST with its environment, by name or ARN', async () => {
    const expected = {
      functionArn: fnArn('orders-api'),
      functionName: 'orders-api',
      version: '$LATEST',
      region: REGION,
      environment: { variables: { TABLE_NAME: 'orders', DB_PASSWORD: 'correct-horse-battery-staple-9241' } },
      role: `arn:aws:iam::${ACCOUNT}:role/service-role/orders-api-role`,
      revisionId: '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    };
    expect(await store.getFunction(REGION, 'orders-api')).toEqual(expected);
    expect(await store.getFunction(REGION, fnArn('orders-api'))).toEqual(expected);
  });

  it('passes Environment.Error on', async () => {
    expect((await store.getFunction(REGION, 'nightly-report'))?.environment).toEqual({
      error: { errorCode: 'AccessDeniedException', message: expect.stringContaining('KMS access was denied') as unknown },
    });
  });

  it('lists $LATEST as the only version when no versions file exists', async () => {
    expect((await store.listVersions(REGION, 'orders-api')).map((v) => v.version)).toEqual(['$LATEST']);
    await expect(store.listAliases(REGION, 'orders-api')).resolves.toEqual([]);
  });

  it('returns the resource policy raw, and undefined without one', async () => {
    const policy = await store.getPolicy(REGION, 'orders-api');
    expect(JSON.parse(policy ?? 'null')).toMatchObject({
      Statement: [{ Sid: 'FunctionURLAllowPublicAccess', Principal: '*' }, { Sid: 'FunctionURLInvokeAllowPublicAccess' }],
    });
    await expect(store.getPolicy(REGION, 'nightly-report')).resolves.toBeUndefined();
    await expect(store.getPolicy(REGION, 'orders-api', 'live')).resolves.toBeUndefined();
    await expect(store.getPolicy(REGION, 'orders-api', '$LATEST')).resolves.toBe(policy);
  });

  it('lists URL configs', async () => {
    expect(await store.listUrlConfigs(REGION, 'orders-api')).toEqual([
      {
        functionUrl: 'https://abcdefghijklmnopqrstuvwxyz123456.lambda-url.us-east-1.on.aws/',
        functionArn: fnArn('orders-api'),
        authType: 'NONE',
        cors: { AllowCredentials: false, AllowMethods: ['GET', 'POST'], AllowOrigins: ['*'], MaxAge: 300 },
        invokeMode: 'BUFFERED',
      },
    ]);
    await expect(store.listUrlConfigs(REGION, 'nightly-report')).resolves.toEqual([]);
  });

  it('reads reserved concurrency (0 is a value, not "none")', async () => {
    await expect(store.getReservedConcurrency(REGION, 'nightly-report')).resolves.toBe(0);
    await expect(store.getReservedConcurrency(REGION, 'orders-api')).resolves.toBeUndefined();
  });

  it('has no tags without a tags file', async () => {
    await expect(store.getTags(REGION, fnArn('orders-api'))).resolves.toEqual({});
  });

  it('answers "none" for other regions, unknown functions and names that are not names', async () => {
    await expect(store.getFunction('eu-west-1', 'orders-api')).resolves.toBeUndefined();
    await expect(store.getFunction(REGION, 'missing')).resolves.toBeUndefined();
    await expect(store.listVersions(REGION, 'missing')).resolves.toEqual([]);
    // Names come from events: they must never become paths outside the snapshot.
    await expect(store.getPolicy(REGION, '../../account')).resolves.toBeUndefined();
    await expect(store.getPolicy(REGION, 'orders-api', '../orders-api')).resolves.toBeUndefined();
    await expect(store.getFunction('../..', 'orders-api')).resolves.toBeUndefined();
  });
});

describe('SnapshotStore: optional files', () => {
  it('reads versions, aliases, tags and qualified policies when present', async () => {
    const dir = scratch();
    const version = (v: string, table: string): object => ({
      FunctionName: 'orders-api',
      FunctionArn: fnArn('orders-api', v),
      Version: v,
      Environment: { Variables: { TABLE_NAME: table } },
    });
    writeJson(dir, snapshotPaths.versions(REGION, 'orders-api'), { Versions: [version('$LATEST', 'orders'), version('1', 'orders-v1')] });
    writeJson(dir, snapshotPaths.aliases(REGION, 'orders-api'), {
      Aliases: [{ AliasArn: fnArn('orders-api', 'live'), Name: 'live', FunctionVersion: '1', Description: '', RevisionId: 'r' }],
    });
    writeJson(dir, snapshotPaths.tags(REGION, 'orders-api'), { Tags: { app: 'orders' } });
    writeJson(dir, snapshotPaths.policy(REGION, 'orders-api', 'live'), { Policy: '{"Statement":[]}', RevisionId: 'r' });
    const store = new SnapshotStore(dir);

    expect((await store.listVersions(REGION, 'orders-api')).map((v) => v.version)).toEqual(['$LATEST', '1']);
    expect(await store.listAliases(REGION, 'orders-api')).toEqual([
      { name: 'live', aliasArn: fnArn('orders-api', 'live'), functionVersion: '1' },
    ]);
    expect((await store.getFunction(REGION, 'orders-api:live'))?.environment?.variables).toEqual({ TABLE_NAME: 'orders-v1' });
    expect((await store.getFunction(REGION, fnArn('orders-api', '1')))?.version).toBe('1');
    await expect(store.getTags(REGION, fnArn('orders-api'))).resolves.toEqual({ app: 'orders' });
    await expect(store.getPolicy(REGION, 'orders-api', 'live')).resolves.toBe('{"Statement":[]}');
    await expect(store.getPolicy(REGION, 'orders-api:live')).resolves.toBe('{"Statement":[]}');
  });

  it('takes published versions from list-functions --function-version ALL', async () => {
    const dir = scratch();
    const fn = (v: string): object => ({ FunctionName: 'job', FunctionArn: fnArn('job', v === '$LATEST' ? undefined : v), Version: v });
    writeJson(dir, snapshotPaths.functions(REGION), { Functions: [fn('$LATEST'), fn('1'), fn('2')] });
    const store = new SnapshotStore(dir);
    expect((await store.listVersions(REGION, 'job')).map((v) => v.version)).toEqual(['$LATEST', '1', '2']);
    expect((await store.getFunction(REGION, 'job'))?.version).toBe('$LATEST');
  });

  it('treats a snapshot without IAM or Lambda files as holding none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-empty-'));
    scratchDirs.push(dir);
    const store = new SnapshotStore(dir);
    await expect(store.getRole('orders-api-role')).resolves.toBeUndefined();
    await expect(store.getFunction(REGION, 'orders-api')).resolves.toBeUndefined();
    await expect(store.listUrlConfigs(REGION, 'orders-api')).resolves.toEqual([]);
  });
});

describe('SnapshotStore: bad input', () => {
  it('rejects a missing snapshot directory, naming it', async () => {
    const missing = join(tmpdir(), 'warden-no-such-snapshot');
    const store = new SnapshotStore(missing);
    await expect(store.getRole('x')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(store.getFunction(REGION, 'x')).rejects.toThrow(`snapshot directory not found: ${missing}`);
    await expect(readAccount(missing)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(SnapshotStore.open(missing)).rejects.toThrow(`snapshot directory not found: ${missing}`);
    await expect(SnapshotStore.open(FIXTURE)).resolves.toBeInstanceOf(SnapshotStore);
  });

  it('names a file that is not JSON without quoting it', async () => {
    const dir = scratch();
    writeJson(dir, snapshotPaths.functions(REGION), '{"Functions": [{"Environment": {"Variables": {"API_TOKEN": "hunter2-very-secret"');
    const failure = await new SnapshotStore(dir).getFunction(REGION, 'orders-api').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInputError);
    expect((failure as Error).message).toBe(`snapshot file ${join(dir, snapshotPaths.functions(REGION))} is not valid JSON`);
    expect((failure as Error).message).not.toContain('hunter2');
    expect((failure as Error).cause).toBeUndefined();
  });

  it('names the file and the place where the shape is wrong, not the value', async () => {
    const dir = scratch();
    writeJson(dir, snapshotPaths.functions(REGION), {
      Functions: [{ FunctionName: 'f', FunctionArn: fnArn('f'), Environment: { Variables: { API_TOKEN: 12345678 } } }],
    });
    const failure = await new SnapshotStore(dir).getFunction(REGION, 'f').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidInputError);
    expect((failure as Error).message).toContain('Functions.0.Environment.Variables.API_TOKEN');
    expect((failure as Error).message).not.toContain('12345678');
  });

  it('fails only the lookups of a malformed IAM entry, naming where it is', async () => {
    const dir = scratch();
    const role = { RoleName: 'broken', Arn: `arn:aws:iam::${ACCOUNT}:role/broken`, AssumeRolePolicyDocument: ['not', 'a', 'document'] };
    const good = { RoleName: 'fine', Arn: `arn:aws:iam::${ACCOUNT}:role/fine`, AssumeRolePolicyDocument: '%7B%7D' };
    writeJson(dir, snapshotPaths.authorizationDetails(), { RoleDetailList: [good, role] });
    const store = new SnapshotStore(dir);
    await expect(store.getRole('fine')).resolves.toMatchObject({ name: 'fine', trustPolicy: '%7B%7D', tags: {}, path: '/' });
    await expect(store.getRole('broken')).rejects.toThrow(/has an unexpected shape at RoleDetailList\.1\.AssumeRolePolicyDocument/);
  });

  it('rejects IAM entries without a name when the file loads', async () => {
    const dir = scratch();
    writeJson(dir, snapshotPaths.authorizationDetails(), { UserDetailList: [{ Arn: 'arn:aws:iam::111122223333:user/x' }] });
    await expect(new SnapshotStore(dir).getUser('x')).rejects.toThrow(/unexpected shape at UserDetailList\.0\.UserName/);
  });

  it('rejects an account.json without a valid account id', async () => {
    const dir = scratch();
    writeJson(dir, snapshotPaths.account(), { accountId: 'not-an-account', partition: 'aws' });
    await expect(readAccount(dir)).rejects.toThrow(/account\.json has an unexpected shape at accountId/);
    rmSync(join(dir, snapshotPaths.account()));
    await expect(readAccount(dir)).rejects.toThrow(/account\.json is missing/);
  });
});

describe('SnapshotStore: loading', () => {
  it('reads each file once and answers from memory afterwards', async () => {
    const dir = scratch();
    const store = new SnapshotStore(dir);
    expect(await store.getRole('orders-api-role')).toBeDefined();
    expect(await store.getFunction(REGION, 'orders-api')).toBeDefined();
    rmSync(join(dir, 'iam'), { recursive: true });
    rmSync(join(dir, snapshotPaths.functions(REGION)));
    expect((await store.getUser('deploy-bot'))?.groups).toEqual(['deployers']);
    expect((await store.getFunction(REGION, 'nightly-report'))?.functionName).toBe('nightly-report');
  });

  it('indexes a 5,000-role snapshot once and looks roles up quickly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-large-'));
    scratchDirs.push(dir);
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    const roles = Array.from({ length: 5000 }, (_, i) => ({
      RoleName: `role-${i}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
      Path: '/',
      AssumeRolePolicyDocument: document,
      RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: document }],
      AttachedManagedPolicies: [{ PolicyName: 'orders-data', PolicyArn: ORDERS_DATA }],
      Tags: [{ Key: 'n', Value: String(i) }],
    }));
    writeJson(dir, snapshotPaths.authorizationDetails(), { RoleDetailList: roles, UserDetailList: [], GroupDetailList: [], Policies: [] });
    const store = new SnapshotStore(dir);
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      const role = await store.getRole(`role-${i}`);
      if (role?.tags['n'] !== String(i)) throw new Error(`role-${i} not found`);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
