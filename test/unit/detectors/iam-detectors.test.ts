import { defaultRegistry } from '../../../domain/detectors/registry';
import { evaluateEvent } from '../../../domain/evaluate-event';
import type { Finding } from '../../../domain/findings';
import type { StateReaders } from '../../../domain/ports';
import type { EventResult } from '../../../domain/result';
import { cloudTrailRecord, eventBridgeEvent } from '../events/builders';
import { ACCOUNT, adminDocument, doc, InMemoryIam, managedPolicy } from './iam-fakes';

const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const CUSTOMER_ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess`;

async function replay(eventName: string, requestParameters: Record<string, unknown>, readers: StateReaders): Promise<EventResult> {
  const event = eventBridgeEvent(cloudTrailRecord({ eventName, requestParameters }));
  const { result } = await evaluateEvent(event, { registry: defaultRegistry.only('detectIam'), readers, selfArnPatterns: [] });
  return result;
}

function ruleIds(result: EventResult): string[] {
  return [...new Set(result.findings.map((finding) => finding.ruleId))].sort();
}

function only(result: EventResult, ruleId: string): Finding {
  const found = result.findings.filter((finding) => finding.ruleId === ruleId);
  expect(found).toHaveLength(1);
  return found[0] as Finding;
}

const withAdminLibrary = (): InMemoryIam => new InMemoryIam().policy(managedPolicy(ADMIN_ARN, adminDocument));

describe('iam-principal-change with state', () => {
  it('AttachRolePolicy of AWS-managed AdministratorAccess is critical, widened, from state', async () => {
    const iam = withAdminLibrary().role('app', { attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }] });
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: ADMIN_ARN }, { iam });
    const finding = only(result, 'iam-admin-equivalent');
    expect(finding.severity).toBe('critical');
    expect(finding.widened).toBe(true);
    expect(finding.resourceArn).toBe(`arn:aws:iam::${ACCOUNT}:role/app`);
    expect(finding.subject).toEqual({ kind: 'role', name: 'app', arn: `arn:aws:iam::${ACCOUNT}:role/app` });
    expect(finding.trigger).toEqual({ eventName: 'AttachRolePolicy', params: { roleName: 'app', policyArn: ADMIN_ARN } });
    expect(finding.evidence).toMatchObject({ judgedFrom: 'state', baseline: 'derived-from-event' });
  });

  it('a customer policy named AdministratorAccess with a narrow document is clean', async () => {
    const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
    const iam = new InMemoryIam().policy(managedPolicy(CUSTOMER_ADMIN_ARN, narrow)).role('app', { attachedPolicies: [{ arn: CUSTOMER_ADMIN_ARN, name: 'AdministratorAccess' }] });
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: CUSTOMER_ADMIN_ARN }, { iam });
    expect(result.outcome).toBe('clean');
  });

  it('a role already admin before an unrelated attachment: the finding says the change did not widen', async () => {
    const readOnly = `arn:aws:iam::${ACCOUNT}:policy/read-reports`;
    const iam = withAdminLibrary()
      .policy(managedPolicy(readOnly, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' })))
      .role('app', { attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }, { arn: readOnly, name: 'read-reports' }] });
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: readOnly }, { iam });
    expect(only(result, 'iam-admin-equivalent').widened).toBe(false);
  });

  it('iam:PassRole with lambda:CreateFunction and lambda:InvokeFunction on * names that escalation path', async () => {
    const policy = doc({ Effect: 'Allow', Action: ['IAM:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' });
    const iam = new InMemoryIam().user('bob', { inlinePolicies: [{ name: 'dev', document: policy }] });
    const result = await replay('PutUserPolicy', { userName: 'bob', policyName: 'dev', policyDocument: policy }, { iam });
    const finding = only(result, 'iam-privilege-escalation');
    expect(finding.severity).toBe('critical');
    expect(JSON.stringify(finding.evidence)).toContain('iam:passrole+lambda:createfunction+lambda:invokefunction');
    expect(ruleIds(result)).toContain('iam-passrole-unrestricted');
    // An inline Put may overwrite an earlier document the event does not show: no baseline, so no claim.
    expect(finding.widened).toBeUndefined();
    expect(finding.evidence).toMatchObject({ baseline: 'unknown' });
  });

  it('a Deny-only inline policy is clean', async () => {
    const deny = doc({ Effect: 'Deny', Action: '*', Resource: '*' });
    const iam = new InMemoryIam().group('devs', { inlinePolicies: [{ name: 'guard', document: deny }] });
    expect((await replay('PutGroupPolicy', { groupName: 'devs', policyName: 'guard', policyDocument: deny }, { iam })).outcome).toBe('clean');
  });

  it('a permissions boundary caps what the attached policies grant', async () => {
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    const iam = withAdminLibrary()
      .policy(managedPolicy(boundaryArn, doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' })))
      .role('app', { attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }], permissionsBoundaryArn: boundaryArn });
    const result = await replay('PutRolePermissionsBoundary', { roleName: 'app', permissionsBoundary: boundaryArn }, { iam });
    expect(ruleIds(result)).not.toContain('iam-admin-equivalent');
  });

  it('DeleteRolePermissionsBoundary re-evaluates the role without its boundary', async () => {
    const iam = withAdminLibrary().role('app', { attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }] });
    expect(ruleIds(await replay('DeleteRolePermissionsBoundary', { roleName: 'app' }, { iam }))).toContain('iam-admin-equivalent');
  });

  it('AddUserToGroup: the user inherits the group admin grant and the change widened it', async () => {
    const iam = withAdminLibrary().group('admins', { attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }] }).user('carol', { groups: ['admins'] });
    const result = await replay('AddUserToGroup', { groupName: 'admins', userName: 'carol' }, { iam });
    const finding = only(result, 'iam-admin-equivalent');
    expect(finding.resourceArn).toBe(`arn:aws:iam::${ACCOUNT}:user/carol`);
    expect(finding.widened).toBe(true);
  });

  it('a principal deleted meanwhile is unresolved with the reason', async () => {
    const result = await replay('AttachRolePolicy', { roleName: 'gone', policyArn: ADMIN_ARN }, { iam: withAdminLibrary() });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('role gone no longer exists');
  });

  it('an attached policy that cannot be read makes the change unresolved, never clean', async () => {
    const iam = new InMemoryIam().role('app', { attachedPolicies: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/missing`, name: 'missing' }] });
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: `arn:aws:iam::${ACCOUNT}:policy/missing` }, { iam });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('could not be read');
  });

  it('an invalid stored document is unresolved with a reason, not a crash', async () => {
    const iam = new InMemoryIam().role('app', { inlinePolicies: [{ name: 'broken', document: '{"Statement": 42' }] });
    const result = await replay('PutRolePolicy', { roleName: 'app', policyName: 'broken', policyDocument: '{}' }, { iam });
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('inline policy broken is not a valid policy');
  });
});

describe('trust policies', () => {
  const openTrust = (condition: Record<string, unknown>): string => doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: condition });
  const githubTrust = (condition: Record<string, unknown>): string =>
    doc({ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: condition });

  it('{"AWS":"*"} with only sts:ExternalId is a finding', async () => {
    const trust = openTrust({ StringEquals: { 'sts:ExternalId': 'partner-123' } });
    const iam = new InMemoryIam().role('partner', { trustPolicy: trust });
    const result = await replay('UpdateAssumeRolePolicy', { roleName: 'partner', policyDocument: trust }, { iam });
    expect(only(result, 'iam-trust-public').severity).toBe('critical');
  });

  it('{"AWS":"*"} with aws:PrincipalOrgID is clean', async () => {
    const trust = openTrust({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
    const iam = new InMemoryIam().role('partner', { trustPolicy: trust });
    expect((await replay('UpdateAssumeRolePolicy', { roleName: 'partner', policyDocument: trust }, { iam })).outcome).toBe('clean');
  });

  it('GitHub OIDC trust without a sub condition is a finding; with one it is clean', async () => {
    const loose = githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } });
    const tight = githubTrust({ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main' } });
    const params = (document: string): Record<string, unknown> => ({ roleName: 'deploy', assumeRolePolicyDocument: document });
    expect(ruleIds(await replay('CreateRole', params(loose), {}))).toContain('iam-trust-oidc-unscoped');
    expect((await replay('CreateRole', params(tight), {})).outcome).toBe('clean');
  });

  it('CreateRole is compared with nothing: any finding widened access', async () => {
    const trust = openTrust({});
    const result = await replay('CreateRole', { roleName: 'open', assumeRolePolicyDocument: trust }, {});
    expect(only(result, 'iam-trust-public').widened).toBe(true);
  });
});

describe('iam-principal-change without state (event-only replay)', () => {
  it('AttachRolePolicy of an AWS-managed ARN resolves from the bundled library', async () => {
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: ADMIN_ARN }, { awsManaged: withAdminLibrary() });
    expect(only(result, 'iam-admin-equivalent').evidence).toMatchObject({ judgedFrom: 'event' });
  });

  it('AttachRolePolicy of a customer policy needs state: unresolved', async () => {
    const result = await replay('AttachRolePolicy', { roleName: 'app', policyArn: CUSTOMER_ADMIN_ARN }, {});
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('--snapshot or --live');
  });

  it('PutRolePolicy judges the document the event carries', async () => {
    const result = await replay('PutRolePolicy', { roleName: 'app', policyName: 'all', policyDocument: adminDocument }, {});
    expect(ruleIds(result)).toContain('iam-admin-equivalent');
  });

  it('an invalid document in the event is unresolved with the reason', async () => {
    const result = await replay('PutRolePolicy', { roleName: 'app', policyName: 'bad', policyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}' }, {});
    expect(result.outcome).toBe('unresolved');
    expect(result.reason).toContain('policyDocument in the event is not a valid policy');
  });

  it('AddUserToGroup needs state: unresolved', async () => {
    expect((await replay('AddUserToGroup', { groupName: 'admins', userName: 'carol' }, {})).outcome).toBe('unresolved');
  });
});

describe('iam-managed-policy-change', () => {
  const arn = `arn:aws:iam::${ACCOUNT}:policy/deploy`;
  const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });

  it('CreatePolicyVersion with setAsDefault=false changes nothing', async () => {
    const iam = new InMemoryIam().policy(managedPolicy(arn, narrow));
    const result = await replay('CreatePolicyVersion', { policyArn: arn, policyDocument: adminDocument, setAsDefault: false }, { iam });
    expect(result.outcome).toBe('clean');
  });

  it('CreatePolicyVersion set as default that grants admin is critical and widened against the previous version', async () => {
    const iam = new InMemoryIam().policy(managedPolicy(arn, narrow, adminDocument));
    const result = await replay('CreatePolicyVersion', { policyArn: arn, policyDocument: adminDocument, setAsDefault: true }, { iam });
    const finding = only(result, 'iam-admin-equivalent');
    expect(finding.subject).toEqual({ kind: 'policy', name: 'deploy', arn });
    expect(finding.widened).toBe(true);
    expect(finding.evidence).toMatchObject({ baseline: 'previous-version' });
  });

  it('SetDefaultPolicyVersion back to an admin version that was already the baseline did not widen', async () => {
    const iam = new InMemoryIam().policy(managedPolicy(arn, adminDocument, adminDocument));
    const result = await replay('SetDefaultPolicyVersion', { policyArn: arn, versionId: 'v2' }, { iam });
    expect(only(result, 'iam-admin-equivalent').widened).toBe(false);
  });

  it('CreatePolicy event-only judges the document, names the policy from the response', async () => {
    const event = eventBridgeEvent(cloudTrailRecord({ eventName: 'CreatePolicy', requestParameters: { policyName: 'deploy', policyDocument: adminDocument } }));
    const { result } = await evaluateEvent(event, { registry: defaultRegistry, readers: {}, selfArnPatterns: [] });
    expect(only(result, 'iam-admin-equivalent').resourceArn).toBe(arn);
  });

  it('SetDefaultPolicyVersion without state is unresolved', async () => {
    expect((await replay('SetDefaultPolicyVersion', { policyArn: arn, versionId: 'v2' }, {})).outcome).toBe('unresolved');
  });
});

describe('exemption tag changes', () => {
  it('setting warden:exempt on a role is a finding that shows the reason and who set it', async () => {
    const result = await replay('TagRole', { roleName: 'app', tags: [{ key: 'Warden:Exempt', value: 'reason=migration expires=2026-12-31' }] }, {});
    const finding = only(result, 'warden-exemption-tag-changed');
    expect(finding.evidence).toMatchObject({ action: 'set', value: 'reason=migration expires=2026-12-31', by: expect.stringContaining('assumed-role') as unknown });
  });

  it('removing it is a finding too; unrelated tags are clean', async () => {
    expect(only(await replay('UntagRole', { roleName: 'app', tagKeys: ['warden:exempt'] }, {}), 'warden-exemption-tag-changed').evidence).toMatchObject({ action: 'removed' });
    expect((await replay('TagRole', { roleName: 'app', tags: [{ key: 'team', value: 'data' }] }, {})).outcome).toBe('clean');
  });

  it('Lambda TagResource with a map of tags is recognised', async () => {
    const event = eventBridgeEvent(cloudTrailRecord({ eventName: 'TagResource20170331v2', eventSource: 'lambda.amazonaws.com', requestParameters: { resource: 'arn:aws:lambda:us-east-1:111122223333:function:api', tags: { 'warden:exempt': 'reason=x expires=2026-12-01' } } }));
    const { result } = await evaluateEvent(event, { registry: defaultRegistry.only('detectLambda'), readers: {}, selfArnPatterns: [] });
    expect(only(result, 'warden-exemption-tag-changed').subject).toMatchObject({ kind: 'function', name: 'api' });
  });
});

describe('registry', () => {
  it('every IAM event of DESIGN.md §2 has a detectIam detector', () => {
    const names = ['PutRolePolicy', 'PutUserPolicy', 'PutGroupPolicy', 'AttachRolePolicy', 'AttachUserPolicy', 'AttachGroupPolicy', 'CreatePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'CreateRole', 'UpdateAssumeRolePolicy', 'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary', 'AddUserToGroup', 'TagRole', 'UntagRole'];
    const iam = defaultRegistry.only('detectIam');
    expect(names.filter((name) => !iam.handles('iam.amazonaws.com', name))).toEqual([]);
  });
});
