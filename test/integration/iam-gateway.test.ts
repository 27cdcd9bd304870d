import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { ServiceUnavailableError, ThrottledError } from '../../domain/errors';
import { createAwsClients } from '../../infra/aws/clients';
import { IamGateway, iamGatewayActions } from '../../infra/aws/iam-gateway';
import { resetMoto } from './moto';

const ACCOUNT = '123456789012'; // moto's default account
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const VIEW_ONLY = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';

const trustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const allow = (action: string, resource = '*'): object => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: resource }],
});
const roleInline = allow('s3:GetObject', 'arn:aws:s3:::reports/*');
const userInline = allow('sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`);
const groupInline = allow('logs:GetLogEvents');
const policyV1 = allow('dynamodb:GetItem');
const policyV2 = allow('dynamodb:*');
const boundary = allow('s3:*');

/** IAM read APIs URL-encode documents; the gateway passes them on raw, so tests decode. */
const decode = (document: string | undefined): unknown => JSON.parse(decodeURIComponent(document ?? 'null'));

async function seed(iam: IAMClient): Promise<{ policyArn: string; boundaryArn: string }> {
  const json = JSON.stringify;
  const { Policy: policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'app-data', PolicyDocument: json(policyV1) }));
  const policyArn = policy?.Arn ?? '';
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: json(policyV2), SetAsDefault: true }));
  const { Policy: bound } = await iam.send(new CreatePolicyCommand({ PolicyName: 'boundary', PolicyDocument: json(boundary) }));
  const boundaryArn = bound?.Arn ?? '';

  await iam.send(
    new CreateRoleCommand({
      RoleName: 'app-role',
      Path: '/service/',
      AssumeRolePolicyDocument: json(trustPolicy),
      Tags: [{ Key: 'team', Value: 'payments' }, { Key: 'warden:exempt', Value: 'load test until 2030-01-01' }],
    }),
  );
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app-role', PolicyName: 'read-reports', PolicyDocument: json(roleInline) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app-role', PolicyArn: policyArn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app-role', PolicyArn: READ_ONLY }));
  await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'app-role', PermissionsBoundary: boundaryArn }));

  await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: '/people/' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'read-logs', PolicyDocument: json(groupInline) }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: VIEW_ONLY }));

  await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'owner', Value: 'platform' }] }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'send-jobs', PolicyDocument: json(userInline) }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: policyArn }));
  await iam.send(new AddUserToGroupCommand({ UserName: 'alice', GroupName: 'developers' }));
  return { policyArn, boundaryArn };
}

const byArn = (a: { arn: string }, b: { arn: string }): number => a.arn.localeCompare(b.arn);

describe('IamGateway against moto', () => {
  const iam = createAwsClients().iam(); // AWS_ENDPOINT_URL from moto-env.ts, honoured natively
  const gateway = new IamGateway(iam);
  let policyArn = '';
  let boundaryArn = '';

  beforeAll(async () => {
    await resetMoto();
    ({ policyArn, boundaryArn } = await seed(iam));
  });

  it('reads a role: trust policy, inline and attached policies, boundary and tags', async () => {
    const role = await gateway.getRole('app-role');
    expect(role).toBeDefined();
    expect({ ...role, trustPolicy: undefined, inlinePolicies: undefined, attachedPolicies: undefined }).toEqual({
      kind: 'role',
      arn: `arn:aws:iam::${ACCOUNT}:role/service/app-role`,
      name: 'app-role',
      path: '/service/',
      trustPolicy: undefined,
      inlinePolicies: undefined,
      attachedPolicies: undefined,
      permissionsBoundaryArn: boundaryArn,
      tags: { team: 'payments', 'warden:exempt': 'load test until 2030-01-01' },
    });
    expect(decode(role?.trustPolicy)).toEqual(trustPolicy);
    expect(role?.inlinePolicies.map((policy) => ({ name: policy.name, document: decode(policy.document) }))).toEqual([
      { name: 'read-reports', document: roleInline },
    ]);
    expect([...(role?.attachedPolicies ?? [])].sort(byArn)).toEqual(
      [
        { arn: policyArn, name: 'app-data' },
        { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      ].sort(byArn),
    );
  });

  it('returns documents raw, URL-encoded as IAM gives them', async () => {
    const role = await gateway.getRole('app-role');
    expect(role?.trustPolicy.startsWith('%7B')).toBe(true);
    expect(role?.inlinePolicies[0]?.document.startsWith('%7B')).toBe(true);
  });

  it('reads a user with its groups, policies, boundary and tags', async () => {
    const user = await gateway.getUser('alice');
    expect(user).toEqual({
      kind: 'user',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      name: 'alice',
      path: '/',
      inlinePolicies: [{ name: 'send-jobs', document: expect.stringMatching(/^%7B/) as unknown }],
      attachedPolicies: [{ arn: policyArn, name: 'app-data' }],
      groups: ['developers'], // no permissionsBoundaryArn: moto cannot set a user's boundary
      tags: { owner: 'platform' },
    });
    expect(decode(user?.inlinePolicies[0]?.document)).toEqual(userInline);
  });

  it('reads a group with an AWS-managed policy under a path', async () => {
    const group = await gateway.getGroup('developers');
    expect(group).toEqual({
      kind: 'group',
      arn: `arn:aws:iam::${ACCOUNT}:group/people/developers`,
      name: 'developers',
      path: '/people/',
      inlinePolicies: [{ name: 'read-logs', document: expect.any(String) as unknown }],
      attachedPolicies: [{ arn: VIEW_ONLY, name: 'ViewOnlyAccess' }],
    });
    expect(decode(group?.inlinePolicies[0]?.document)).toEqual(groupInline);
  });

  it('reads a customer-managed policy with its default document and both versions', async () => {
    const policy = await gateway.getManagedPolicy(policyArn);
    expect(policy).toMatchObject({ arn: policyArn, name: 'app-data', path: '/', defaultVersionId: 'v2', attachmentCount: 2 });
    expect(decode(policy?.document)).toEqual(policyV2);
    // Sorted: AWS lists the newest version first, moto the oldest.
    const versions = policy?.versions.map(({ versionId, isDefault }) => ({ versionId, isDefault }));
    expect(versions?.sort((a, b) => a.versionId.localeCompare(b.versionId))).toEqual([
      { versionId: 'v1', isDefault: false },
      { versionId: 'v2', isDefault: true },
    ]);
    expect(decode(policy?.versions.find((version) => version.isDefault)?.document)).toEqual(policyV2);
  });

  it('reads an AWS-managed policy that moto loaded', async () => {
    const policy = await gateway.getManagedPolicy(READ_ONLY);
    expect(policy).toMatchObject({ arn: READ_ONLY, name: 'ReadOnlyAccess', path: '/' });
    expect(policy?.versions.filter((version) => version.isDefault)).toHaveLength(1);
    expect(decode(policy?.document)).toMatchObject({ Version: '2012-10-17', Statement: expect.any(Array) as unknown });
  });

  it('reads a specific policy version', async () => {
    expect(decode(await gateway.getPolicyVersion(policyArn, 'v1'))).toEqual(policyV1);
    expect(decode(await gateway.getPolicyVersion(policyArn, 'v2'))).toEqual(policyV2);
  });

  it('answers undefined for whatever does not exist', async () => {
    await expect(gateway.getRole('no-such-role')).resolves.toBeUndefined();
    await expect(gateway.getUser('no-such-user')).resolves.toBeUndefined();
    await expect(gateway.getGroup('no-such-group')).resolves.toBeUndefined();
    await expect(gateway.getManagedPolicy(`arn:aws:iam::${ACCOUNT}:policy/no-such-policy`)).resolves.toBeUndefined();
    await expect(gateway.getPolicyVersion(policyArn, 'v9')).resolves.toBeUndefined();
  });

  it('translates a connection failure into ServiceUnavailableError', async () => {
    const unreachable = new IamGateway(new IAMClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 }));
    const failure = unreachable.getRole('app-role');
    await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(failure).rejects.toThrow(/^iam:GetRole failed: ECONNREFUSED/);
  });
});

describe('IamGateway with a mocked client (what moto cannot show)', () => {
  const client = new IAMClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const gateway = new IamGateway(client);
  const role = {
    RoleName: 'r',
    Arn: `arn:aws:iam::${ACCOUNT}:role/r`,
    Path: '/',
    RoleId: 'AROA1',
    CreateDate: new Date(),
    AssumeRolePolicyDocument: '%7B%7D',
  };
  /** An unmodelled service error as the SDK throws it. */
  const serviceError = (name: string, status: number): Error =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  const attached = (arn: string, name: string): { PolicyArn: string; PolicyName: string } => ({ PolicyArn: arn, PolicyName: name });

  beforeEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('follows every page of the list calls (moto ignores MaxItems)', async () => {
    mock.on(GetRoleCommand).resolves({ Role: role });
    mock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['a'], IsTruncated: true, Marker: 'm1' });
    mock.on(ListRolePoliciesCommand, { RoleName: 'r', Marker: 'm1' }).resolves({ PolicyNames: ['b'], IsTruncated: false });
    mock.on(GetRolePolicyCommand).callsFake((input: { PolicyName: string }) => ({ PolicyDocument: `doc-${input.PolicyName}` }));
    mock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [attached('arn:1', 'one')], IsTruncated: true, Marker: 'p2' });
    mock.on(ListAttachedRolePoliciesCommand, { RoleName: 'r', Marker: 'p2' }).resolves({ AttachedPolicies: [attached('arn:2', 'two')] });
    const result = await gateway.getRole('r');
    expect(result?.inlinePolicies).toEqual([
      { name: 'a', document: 'doc-a' },
      { name: 'b', document: 'doc-b' },
    ]);
    expect(result?.attachedPolicies).toEqual([
      { arn: 'arn:1', name: 'one' },
      { arn: 'arn:2', name: 'two' },
    ]);
  });

  it('skips an inline policy deleted between list and get', async () => {
    mock.on(GetRoleCommand).resolves({ Role: role });
    mock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['kept', 'deleted'] });
    mock.on(GetRolePolicyCommand, { RoleName: 'r', PolicyName: 'kept' }).resolves({ PolicyDocument: 'doc' });
    mock.on(GetRolePolicyCommand, { RoleName: 'r', PolicyName: 'deleted' }).rejects(serviceError('NoSuchEntity', 404));
    mock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    expect((await gateway.getRole('r'))?.inlinePolicies).toEqual([{ name: 'kept', document: 'doc' }]);
  });

  it("maps a user's permissions boundary and tags (moto has no user boundaries)", async () => {
    mock.callsFake(() => ({}));
    mock.on(GetUserCommand).resolves({
      User: {
        UserName: 'u',
        Arn: `arn:aws:iam::${ACCOUNT}:user/u`,
        Path: '/',
        UserId: 'AIDA1',
        CreateDate: new Date(),
        PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:boundary' },
        Tags: [{ Key: 'k', Value: 'v' }],
      },
    });
    expect(await gateway.getUser('u')).toMatchObject({ permissionsBoundaryArn: 'arn:boundary', tags: { k: 'v' }, groups: [] });
  });

  it('translates throttling with the failing operation named', async () => {
    mock.on(GetRoleCommand).resolves({ Role: role });
    mock.on(ListRolePoliciesCommand).rejects(serviceError('Throttling', 400));
    mock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const failure = gateway.getRole('r');
    await expect(failure).rejects.toBeInstanceOf(ThrottledError);
    await expect(failure).rejects.toThrow('iam:ListRolePolicies failed: Throttling (HTTP 400)');
  });

  it('calls exactly the IAM actions it declares in iamGatewayActions', async () => {
    mock.callsFake(() => ({ PolicyNames: ['p'], PolicyDocument: 'doc' })); // every other call
    mock.on(GetUserCommand).resolves({ User: { UserName: 'u', Arn: 'arn:u', Path: '/', UserId: 'AIDA1', CreateDate: new Date() } });
    mock.on(ListGroupsForUserCommand).resolves({ Groups: [] });
    const group = { GroupName: 'g', Arn: 'arn:g', Path: '/', GroupId: 'AGPA1', CreateDate: new Date() };
    mock.on(GetGroupCommand).resolves({ Group: group, Users: [] });
    mock.on(GetPolicyCommand).resolves({ Policy: { Arn: 'arn:p', PolicyName: 'p', DefaultVersionId: 'v1' } });
    mock.on(ListPolicyVersionsCommand).resolves({ Versions: [{ VersionId: 'v1', IsDefaultVersion: true }] });
    mock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: 'doc', VersionId: 'v1' } });
    mock.on(GetRoleCommand).resolves({ Role: role });
    await gateway.getRole('r');
    await gateway.getUser('u');
    await gateway.getGroup('g');
    await gateway.getManagedPolicy('arn:p');
    const called = new Set(mock.calls().map((call) => `iam:${call.args[0].constructor.name.replace(/Command$/, '')}`));
    expect([...called].sort()).toEqual([...iamGatewayActions].sort());
  });
});
