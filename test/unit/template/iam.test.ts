import { InvalidTemplateError, scanTemplate, type TemplateResourceResult, type TemplateScan } from '../../../domain/template';
import { FakeAwsManagedPolicies, LAMBDA_TRUST, role, template, TEST_KEY } from './fakes';

async function scan(resources: Record<string, unknown>, extra: Record<string, unknown> = {}, library = new FakeAwsManagedPolicies()): Promise<TemplateScan> {
  return scanTemplate(template(resources, extra), { source: 'test.yaml', fingerprintKey: TEST_KEY, accountId: '111122223333', region: 'us-east-1' }, library);
}

function resultOf(s: TemplateScan, logicalId: string): TemplateResourceResult {
  const found = s.results.find((r) => r.logicalId === logicalId);
  if (!found) throw new Error(`no result for ${logicalId}: ${s.results.map((r) => r.logicalId).join(', ')}`);
  return found;
}

function rules(r: TemplateResourceResult): string[] {
  return [...new Set(r.findings.map((f) => f.ruleId))].sort();
}

const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('AWS::IAM::Role', () => {
  test('an inline admin statement is admin-equivalent and points at the statement', async () => {
    const s = await scan({ App: role([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }, ADMIN]) });
    const r = resultOf(s, 'App');
    expect(r.outcome).toBe('finding');
    const admin = r.findings.find((f) => f.ruleId === 'iam-admin-equivalent');
    expect(admin?.location).toEqual({ logicalId: 'App', resourceType: 'AWS::IAM::Role', path: ['Resources', 'App', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 1] });
    expect(admin?.subject).toEqual({ kind: 'role', name: '{App}', arn: 'arn:aws:iam::111122223333:role/{App}' });
    expect(admin?.evidence.propertyPath).toBe('Resources.App.Properties.Policies[0].PolicyDocument.Statement[1]');
  });

  test('a narrow role is clean', async () => {
    const s = await scan({ App: role([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Q', 'Arn'] } }]), Q: { Type: 'AWS::SQS::Queue' } });
    expect(resultOf(s, 'App')).toMatchObject({ outcome: 'clean', findings: [] });
  });

  test.each([
    ['a plain ARN', 'arn:aws:iam::aws:policy/AdministratorAccess'],
    ['Fn::Sub with the partition', { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess' }],
    ['Fn::Join', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }],
  ])('AWS-managed AdministratorAccess as %s resolves through the library', async (_name, arn) => {
    const library = new FakeAwsManagedPolicies();
    const s = await scan({ App: role([], { ManagedPolicyArns: [arn] }) }, {}, library);
    const admin = resultOf(s, 'App').findings.find((f) => f.ruleId === 'iam-admin-equivalent');
    expect(admin?.location.path).toEqual(['Resources', 'App', 'Properties', 'ManagedPolicyArns', 0]);
    expect(library.asked).toContain('arn:aws:iam::aws:policy/AdministratorAccess');
  });

  test('an AWS-managed policy the library does not know leaves the role unresolved, never clean', async () => {
    const s = await scan({ App: role([], { ManagedPolicyArns: ['arn:aws:iam::aws:policy/job-function/NotBundled'] }) });
    const r = resultOf(s, 'App');
    expect(r.outcome).toBe('unresolved');
    expect(r.reason).toContain('not in Warden');
  });

  test('a customer policy ARN outside the template is unresolved', async () => {
    const s = await scan({ App: role([], { ManagedPolicyArns: [{ Ref: 'PolicyArn' }] }) }, { Parameters: { PolicyArn: { Type: 'String' } } });
    expect(resultOf(s, 'App')).toMatchObject({ outcome: 'unresolved' });
    expect(resultOf(s, 'App').reason).toContain('{PolicyArn}');
  });

  test('a template policy named AdministratorAccess is judged by its document', async () => {
    const s = await scan({
      App: role([], { ManagedPolicyArns: [{ Ref: 'Narrow' }] }),
      Narrow: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'AdministratorAccess', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:111122223333:q' }] } } },
    });
    expect(resultOf(s, 'App').outcome).toBe('clean');
    expect(resultOf(s, 'Narrow').outcome).toBe('clean');
  });

  test('a permissions boundary from the template limits what the role can do', async () => {
    const boundary = { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } } };
    const bounded = await scan({ App: role([ADMIN], { PermissionsBoundary: { Ref: 'Boundary' } }), Boundary: boundary });
    const unbounded = await scan({ App: role([ADMIN]), Boundary: boundary });
    expect(rules(resultOf(bounded, 'App'))).not.toContain('iam-admin-equivalent');
    expect(rules(resultOf(unbounded, 'App'))).toContain('iam-admin-equivalent');
  });

  test('a trust policy open to anyone is critical and points at the trust statement', async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] };
    const s = await scan({ App: role([], { AssumeRolePolicyDocument: trust }) });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'iam-trust-public');
    expect(f?.severity).toBe('critical');
    expect(f?.location.path).toEqual(['Resources', 'App', 'Properties', 'AssumeRolePolicyDocument', 'Statement', 0]);
  });

  test('the own account by AWS::AccountId is not cross-account; a foreign account is', async () => {
    const trustOf = (aws: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' }] });
    const own = await scan({ App: role([], { AssumeRolePolicyDocument: trustOf({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }) }) });
    const foreign = await scan({ App: role([], { AssumeRolePolicyDocument: trustOf('arn:aws:iam::999988887777:root') }) });
    expect(rules(resultOf(own, 'App'))).toEqual([]);
    expect(rules(resultOf(foreign, 'App'))).toContain('iam-trust-cross-account');
  });

  test('intrinsic resources are specific: PassRole on a referenced role is fine, on * it is not', async () => {
    const passRole = (resource: unknown) => ({ Effect: 'Allow', Action: 'iam:PassRole', Resource: resource });
    const specific = await scan({ App: role([passRole({ 'Fn::GetAtt': ['Other', 'Arn'] })]), Other: role([]) });
    const imported = await scan({ App: role([passRole({ 'Fn::ImportValue': 'shared-role-arn' })]) });
    const star = await scan({ App: role([passRole('*')]) });
    expect(rules(resultOf(specific, 'App'))).toEqual([]);
    expect(rules(resultOf(imported, 'App'))).toEqual([]);
    expect(rules(resultOf(star, 'App'))).toContain('iam-passrole-unrestricted');
  });

  test('a role that may rewrite its own policy (by GetAtt of itself) is admin-equivalent', async () => {
    const s = await scan({ App: role([{ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: { 'Fn::GetAtt': ['App', 'Arn'] } }], { RoleName: 'app' }) });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'iam-admin-equivalent');
    expect(f?.evidence.via).toBe('self-escalation');
  });

  test('a statement that only exists under a condition is still evaluated (both Fn::If branches)', async () => {
    const s = await scan({ App: role([{ 'Fn::If': ['IsProd', ADMIN, { Ref: 'AWS::NoValue' }] }]) });
    expect(rules(resultOf(s, 'App'))).toContain('iam-admin-equivalent');
  });

  test('an inline policy under Fn::If is evaluated', async () => {
    const policy = { PolicyName: 'admin', PolicyDocument: { Version: '2012-10-17', Statement: [ADMIN] } };
    const s = await scan({ App: role([], { Policies: [{ 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, policy] }] }) });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'iam-admin-equivalent');
    expect(f?.location.path).toEqual(['Resources', 'App', 'Properties', 'Policies', 0]);
  });

  test('an invalid policy document gives an error result and the scan goes on', async () => {
    const s = await scan({ Bad: role([{ Effect: 'Maybe', Action: 's3:GetObject', Resource: '*' }]), Good: role([]) });
    expect(resultOf(s, 'Bad')).toMatchObject({ outcome: 'error' });
    expect(resultOf(s, 'Bad').reason).toContain('Effect');
    expect(resultOf(s, 'Good').outcome).toBe('clean');
  });
});

describe('policies attached by resources', () => {
  test('AWS::IAM::Policy attached by Roles: !Ref is evaluated with the role and points back at the policy', async () => {
    const s = await scan({
      App: role([]),
      Extra: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'extra', Roles: [{ Ref: 'App' }], PolicyDocument: { Version: '2012-10-17', Statement: [ADMIN] } } },
    });
    const f = resultOf(s, 'App').findings.find((x) => x.ruleId === 'iam-admin-equivalent');
    expect(f?.location.logicalId).toBe('App');
    expect(f?.relatedLocations?.[0]?.path).toEqual(['Resources', 'Extra', 'Properties', 'PolicyDocument', 'Statement', 0]);
    expect(s.results.find((r) => r.logicalId === 'Extra')).toBeUndefined();
  });

  test('AWS::IAM::Policy attached by a literal role name of the template counts for that role', async () => {
    const s = await scan({
      App: role([], { RoleName: 'app-role' }),
      Extra: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'extra', RoleName: 'app-role', PolicyDocument: { Version: '2012-10-17', Statement: [ADMIN] } } },
    });
    expect(rules(resultOf(s, 'App'))).toContain('iam-admin-equivalent');
  });

  test('a policy attached to a role outside the template is judged on its own', async () => {
    const s = await scan({ Extra: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'extra', Roles: ['existing-role'], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } } } });
    const r = resultOf(s, 'Extra');
    expect(r.reason).toContain('existing-role');
    expect(rules(r)).toContain('iam-service-wildcard');
  });

  test('AWS::IAM::ManagedPolicy: judged on its own and with every principal it is attached to', async () => {
    const s = await scan({
      App: role([]),
      Ops: { Type: 'AWS::IAM::Group', Properties: {} },
      Wide: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'App' }], Groups: [{ Ref: 'Ops' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] } } },
    });
    for (const id of ['App', 'Ops', 'Wide']) expect(rules(resultOf(s, id))).toContain('iam-service-wildcard');
    expect(resultOf(s, 'Wide').findings[0]?.subject?.kind).toBe('policy');
  });

  test('a user gets the policies of the template groups it belongs to', async () => {
    const s = await scan({
      Admins: { Type: 'AWS::IAM::Group', Properties: { GroupName: 'admins', ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } },
      Alice: { Type: 'AWS::IAM::User', Properties: { Groups: [{ Ref: 'Admins' }] } },
      Bob: { Type: 'AWS::IAM::User', Properties: { Groups: ['admins'] } },
      Carol: { Type: 'AWS::IAM::User', Properties: {} },
    });
    expect(rules(resultOf(s, 'Alice'))).toContain('iam-admin-equivalent');
    expect(rules(resultOf(s, 'Bob'))).toContain('iam-admin-equivalent');
    expect(resultOf(s, 'Carol').outcome).toBe('clean');
  });
});

describe('SAM functions', () => {
  test('the generated execution role gets AWS-managed names, documents and the basic execution role', async () => {
    const library = new FakeAwsManagedPolicies();
    const s = await scan(
      {
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: { Handler: 'i.h', Policies: ['AdministratorAccess', { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }, { DynamoDBCrudPolicy: { TableName: 't' } }] },
        },
      },
      { Transform: 'AWS::Serverless-2016-10-31' },
      library,
    );
    const r = resultOf(s, 'FnRole');
    expect(r.resourceType).toBe('AWS::Serverless::Function');
    expect(rules(r)).toContain('iam-admin-equivalent');
    expect(r.findings.find((f) => f.ruleId === 'iam-admin-equivalent')?.location.path).toEqual(['Resources', 'Fn', 'Properties', 'Policies', 0]);
    expect(r.reason).toContain('DynamoDBCrudPolicy is not evaluated');
    expect(library.asked).toContain('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
  });

  test('a function with its own Role gets no generated role', async () => {
    const s = await scan({ Fn: { Type: 'AWS::Serverless::Function', Properties: { Role: { 'Fn::GetAtt': ['R', 'Arn'] } } }, R: role([], { AssumeRolePolicyDocument: LAMBDA_TRUST }) });
    expect(s.results.map((r) => r.logicalId)).not.toContain('FnRole');
  });
});

describe('templates Warden cannot read', () => {
  test.each<[string, unknown]>([
    ['not an object', ['a']],
    ['no Resources', { AWSTemplateFormatVersion: '2010-09-09' }],
    ['empty Resources', { Resources: {} }],
    ['a resource without Type', { Resources: { A: { Properties: {} } } }],
    ['Properties that are not a mapping', { Resources: { A: { Type: 'AWS::IAM::Role', Properties: 'x' } } }],
    ['a logical id that is not alphanumeric', { Resources: { 'a-b': { Type: 'AWS::IAM::Role' } } }],
  ])('%s is an InvalidTemplateError', async (_name, raw) => {
    await expect(scanTemplate(raw, { source: 't', fingerprintKey: TEST_KEY }, new FakeAwsManagedPolicies())).rejects.toBeInstanceOf(InvalidTemplateError);
  });

  test('finding ids are stable for the same template and differ between files', async () => {
    const resources = { App: role([ADMIN]) };
    const options = { fingerprintKey: TEST_KEY };
    const a = await scanTemplate(template(resources), { ...options, source: 'a.yaml' }, new FakeAwsManagedPolicies());
    const again = await scanTemplate(template(resources), { ...options, source: 'a.yaml' }, new FakeAwsManagedPolicies());
    const b = await scanTemplate(template(resources), { ...options, source: 'b.yaml' }, new FakeAwsManagedPolicies());
    const ids = (s: TemplateScan) => s.results.flatMap((r) => r.findings.map((f) => f.id));
    expect(ids(a)).toEqual(ids(again));
    expect(ids(a)).not.toEqual(ids(b));
    expect(new Set(ids(a)).size).toBe(ids(a).length);
  });
});
