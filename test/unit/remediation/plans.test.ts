import type { Finding } from '../../../domain/findings';
import { detachPolicy, planDetach } from '../../../domain/remediation/detach-policy';
import { killSwitchConcurrency, planKillSwitch } from '../../../domain/remediation/kill-switch-concurrency';
import type { Plan } from '../../../domain/remediation/plan';
import { dangerousActionsOf, planQuarantine, quarantineKey, quarantinePrincipalRemediation } from '../../../domain/remediation/quarantine-principal';
import { fallbackRemediation, remediationFor, remediations } from '../../../domain/remediation/registry';
import type { Prepared } from '../../../domain/remediation/remediation';
import { addPermissionFor, planStatementRemoval, publicSids, removePublicStatements } from '../../../domain/remediation/remove-public-statements';
import { planVersionRestore, previousVersion, restorePolicyVersion } from '../../../domain/remediation/restore-policy-version';
import { planTrustRestore, restoreTrustPolicy } from '../../../domain/remediation/restore-trust-policy';
import { planInlineRevert, revertInlinePolicy } from '../../../domain/remediation/revert-inline-policy';
import { planUrlAuth, setUrlAuthIam } from '../../../domain/remediation/set-url-auth-iam';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const FN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`;
const ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
const NARROW = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-1',
    ruleId: 'iam-admin-equivalent',
    category: 'admin-equivalent',
    severity: 'critical',
    resourceArn: ROLE,
    title: 'admin',
    evidence: { via: 'all-actions-all-resources', statements: [{ policy: 'wide', source: 'inline', index: 0 }] },
    subject: { kind: 'role', name: 'app', arn: ROLE },
    trigger: { eventName: 'PutRolePolicy', params: { roleName: 'app', policyName: 'wide' } },
    eventId: 'e-1',
    correlationId: 'c-1',
    accountId: ACCOUNT,
    region: 'us-east-1',
    ...overrides,
  };
}

function planOf(prepared: Prepared): Plan {
  if (prepared.kind !== 'plan') throw new Error(`expected a plan, got ${prepared.kind}: ${prepared.reason}`);
  return prepared.plan;
}

const fnFinding = (ruleId: string, extra: Partial<Finding> = {}): Finding =>
  finding({ ruleId, category: 'exposure', resourceArn: FN, subject: { kind: 'function', name: 'orders', arn: FN, region: 'eu-west-1' }, trigger: { eventName: 'AddPermission', params: {} }, ...extra });

describe('registry', () => {
  it('has one remediation per file, ids unique, each declaring permissions and inverse permissions', () => {
    const ids = remediations.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['detach-policy', 'revert-inline-policy', 'restore-policy-version', 'restore-trust-policy', 'set-url-auth-iam', 'remove-public-statements', 'kill-switch-concurrency', 'quarantine-principal']);
    for (const r of remediations) {
      expect(r.permissions.length).toBeGreaterThan(0);
      expect(r.undoPermissions.length).toBeGreaterThan(0);
      for (const action of [...r.permissions, ...r.undoPermissions]) expect(action).toMatch(/^(iam|lambda):[A-Z][A-Za-z]+$/);
    }
  });

  it.each([
    ['AttachRolePolicy', { roleName: 'app', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, 'detach-policy'],
    ['PutRolePolicy', { roleName: 'app', policyName: 'wide' }, 'revert-inline-policy'],
    ['UpdateAssumeRolePolicy', { roleName: 'app' }, 'quarantine-principal'],
    ['AddUserToGroup', { userName: 'app' }, 'quarantine-principal'],
  ])('routes %s to %s', (eventName, params, id) => {
    expect(remediationFor(finding({ trigger: { eventName, params } }))?.id).toBe(id);
  });

  it('routes trust findings of UpdateAssumeRolePolicy to the trust restore, policies to the version restore, functions by rule', () => {
    expect(remediationFor(finding({ category: 'trust-policy', ruleId: 'iam-trust-public', trigger: { eventName: 'UpdateAssumeRolePolicy', params: { roleName: 'app' } } }))?.id).toBe('restore-trust-policy');
    const policy = `arn:aws:iam::${ACCOUNT}:policy/p`;
    expect(remediationFor(finding({ subject: { kind: 'policy', name: 'p', arn: policy }, trigger: { eventName: 'SetDefaultPolicyVersion', params: { policyArn: policy } } }))?.id).toBe('restore-policy-version');
    expect(remediationFor(fnFinding('lambda-public-url'))?.id).toBe('set-url-auth-iam');
    expect(remediationFor(fnFinding('lambda-public-invoke'))?.id).toBe('remove-public-statements');
    expect(remediationFor(fnFinding('lambda-env-secret-known-format'))?.id).toBe('kill-switch-concurrency');
    expect(remediationFor(fnFinding('lambda-confused-deputy'))).toBeUndefined();
    expect(fallbackRemediation.id).toBe('quarantine-principal');
  });

  it('never detaches a Warden quarantine policy', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/warden/warden-quarantine-role-app`;
    expect(detachPolicy.appliesTo(finding({ trigger: { eventName: 'AttachRolePolicy', params: { roleName: 'app', policyArn: arn } } }))).toBe(false);
  });
});

describe('detach-policy', () => {
  const principal = { kind: 'Role' as const, name: 'app', arn: ROLE };
  it('detaches with re-attach as the inverse', () => {
    const plan = planOf(planDetach(finding(), { principal, policyArn: 'arn:p', attached: true }));
    expect(plan.steps).toEqual([
      {
        step: 'detach-policy',
        target: ROLE,
        call: { action: 'iam:DetachRolePolicy', params: { RoleName: 'app', PolicyArn: 'arn:p' } },
        inverse: { action: 'iam:AttachRolePolicy', params: { RoleName: 'app', PolicyArn: 'arn:p' } },
      },
    ]);
  });
  it('does nothing when the policy is no longer attached (re-read state wins over the finding)', () => {
    expect(planDetach(finding(), { principal, policyArn: 'arn:p', attached: false }).kind).toBe('none');
  });
});

describe('revert-inline-policy', () => {
  const principal = { kind: 'User' as const, name: 'bob', arn: `arn:aws:iam::${ACCOUNT}:user/bob` };
  it('puts back the last-known-good document, saving the current one', () => {
    const prepared = planInlineRevert(finding(), { principal, policyName: 'wide', current: ADMIN, lastKnownGood: NARROW });
    expect(planOf(prepared).steps[0]).toMatchObject({
      step: 'restore-inline-policy',
      call: { action: 'iam:PutUserPolicy', params: { UserName: 'bob', PolicyName: 'wide', PolicyDocument: NARROW } },
      inverse: { action: 'iam:PutUserPolicy', params: { UserName: 'bob', PolicyName: 'wide', PolicyDocument: ADMIN } },
    });
    expect(prepared).toMatchObject({ priorState: { 'inline:wide': ADMIN }, revertsChange: true, widened: true, change: { before: NARROW, after: ADMIN } });
  });
  it('deletes a new inline policy that the finding cites; undo puts the exact document back', () => {
    const prepared = planInlineRevert(finding(), { principal, policyName: 'wide', current: ADMIN });
    expect(planOf(prepared).steps[0]).toMatchObject({ step: 'delete-inline-policy', call: { action: 'iam:DeleteUserPolicy' }, inverse: { params: { PolicyDocument: ADMIN } } });
  });
  it('falls back (quarantine) when the finding is caused by other policies', () => {
    const other = finding({ evidence: { statements: [{ policy: 'other', source: 'managed', index: 0 }] } });
    expect(planInlineRevert(other, { principal, policyName: 'wide', current: ADMIN }).kind).toBe('fallback');
  });
  it('does nothing when the policy is gone or already good', () => {
    expect(planInlineRevert(finding(), { principal, policyName: 'wide' }).kind).toBe('none');
    expect(planInlineRevert(finding(), { principal, policyName: 'wide', current: NARROW, lastKnownGood: ` ${NARROW}` }).kind).toBe('none');
  });
});

describe('restore-policy-version', () => {
  const state = {
    policyArn: 'arn:p',
    defaultVersionId: 'v3',
    defaultDocument: ADMIN,
    versions: [
      { versionId: 'v1', document: NARROW },
      { versionId: 'v2', document: ADMIN },
      { versionId: 'v3', document: ADMIN },
    ],
  };
  it('sets the newest older version as default, keeping the bad one', () => {
    const plan = planOf(planVersionRestore(finding(), state));
    expect(plan.steps[0]).toMatchObject({ call: { params: { PolicyArn: 'arn:p', VersionId: 'v2' } }, inverse: { params: { VersionId: 'v3' } } });
    expect(plan.steps.map((s) => s.call.action)).toEqual(['iam:SetDefaultPolicyVersion']);
  });
  it('prefers the version holding the last-known-good document', () => {
    expect(previousVersion({ ...state, lastKnownGood: NARROW })?.versionId).toBe('v1');
  });
  it('does nothing without an earlier version', () => {
    expect(planVersionRestore(finding(), { ...state, defaultVersionId: 'v1', versions: [{ versionId: 'v1' }] }).kind).toBe('none');
  });
});

describe('restore-trust-policy', () => {
  it('falls back to the quarantine without a last-known-good trust policy', () => {
    expect(planTrustRestore(finding(), { roleName: 'app', roleArn: ROLE, current: ADMIN }).kind).toBe('fallback');
  });
  it('puts back the last-known-good trust policy', () => {
    const plan = planOf(planTrustRestore(finding(), { roleName: 'app', roleArn: ROLE, current: ADMIN, lastKnownGood: NARROW }));
    expect(plan.steps[0]).toMatchObject({ call: { action: 'iam:UpdateAssumeRolePolicy', params: { PolicyDocument: NARROW } }, inverse: { params: { PolicyDocument: ADMIN } } });
  });
});

describe('quarantine-principal', () => {
  const base = { principalArn: ROLE, attached: false, policyExists: false, style: 'surgical' as const };
  it('keys the plan on the principal, so findings of one event share one record', () => {
    const a = planOf(planQuarantine(finding({ id: 'a' }), base));
    const b = planOf(planQuarantine(finding({ id: 'b' }), base));
    expect(a.findingId).toBe(quarantineKey(ROLE));
    expect(b.findingId).toBe(a.findingId);
    expect(a.steps.map((s) => s.step)).toEqual(['create-quarantine-policy', 'attach-quarantine-policy']);
  });
  it('is surgical when the finding names its actions, deny-all when it does not', () => {
    const surgical = finding({ ruleId: 'iam-privilege-escalation', category: 'privilege-escalation', evidence: { paths: [{ actions: ['iam:PassRole', 'lambda:CreateFunction'] }] } });
    expect(dangerousActionsOf(surgical)).toEqual(['iam:PassRole', 'lambda:CreateFunction']);
    const document = JSON.parse(String(planOf(planQuarantine(surgical, base)).steps[0]?.call.params['PolicyDocument'])) as { Statement: { Sid: string; Action: unknown }[] };
    expect(document.Statement[0]).toMatchObject({ Sid: 'WardenQuarantineDangerousActions', Action: ['iam:PassRole', 'lambda:CreateFunction'] });
    expect(dangerousActionsOf(finding())).toEqual([]);
    expect(dangerousActionsOf(finding({ category: 'data-exfiltration', evidence: { actions: ['s3:GetObject'], actionCount: 40 } }))).toEqual([]);
    expect(planOf(planQuarantine(finding(), base)).steps[0]?.call.params['PolicyDocument']).toContain('WardenQuarantineDenyAll');
  });
  it('does not quarantine twice, and only re-attaches a policy left in place', () => {
    const again = planQuarantine(finding(), { ...base, attached: true });
    expect(again.kind).toBe('none');
    expect(again.kind === 'none' ? again.reason : '').toMatch(/already quarantined/);
    expect(planOf(planQuarantine(finding(), { ...base, policyExists: true })).steps.map((s) => s.step)).toEqual(['attach-quarantine-policy']);
  });
  it('applies to roles and users only', () => {
    expect(quarantinePrincipalRemediation.appliesTo(finding({ subject: { kind: 'group', name: 'g', arn: 'arn:aws:iam::1:group/g' } }))).toBe(false);
  });
});

describe('set-url-auth-iam', () => {
  const fn = { arn: FN, name: 'orders', region: 'eu-west-1' };
  const url = { functionUrl: 'https://x.lambda-url.eu-west-1.on.aws/', functionArn: FN, authType: 'NONE' as const };
  it('sets AWS_IAM (never deletes the URL); undo sets NONE', () => {
    const plan = planOf(planUrlAuth(fnFinding('lambda-public-url'), { fn, url }));
    expect(plan.steps).toEqual([
      {
        step: 'set-url-auth-iam',
        target: FN,
        call: { action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'AWS_IAM' } },
        inverse: { action: 'lambda:UpdateFunctionUrlConfig', params: { FunctionName: FN, AuthType: 'NONE' } },
      },
    ]);
  });
  it('does nothing for a URL already on AWS_IAM or gone', () => {
    expect(planUrlAuth(fnFinding('lambda-public-url'), { fn, url: { ...url, authType: 'AWS_IAM' } }).kind).toBe('none');
    expect(planUrlAuth(fnFinding('lambda-public-url'), { fn }).kind).toBe('none');
  });
});

describe('remove-public-statements', () => {
  const fn = { arn: FN, name: 'orders', region: 'eu-west-1' };
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'anyone', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FN },
      { Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } } },
    ],
  });
  const state = { fn, accountId: ACCOUNT, policy, urlConfigs: [] };
  it('removes only the public statement, re-adding it exactly on undo', () => {
    expect(publicSids('lambda-public-invoke', state)).toEqual(['anyone']);
    const prepared = planStatementRemoval(fnFinding('lambda-public-invoke'), state);
    expect(planOf(prepared).steps).toEqual([
      {
        step: 'remove-statement',
        target: `${FN}#anyone`,
        call: { action: 'lambda:RemovePermission', params: { FunctionName: FN, StatementId: 'anyone' } },
        inverse: { action: 'lambda:AddPermission', params: { FunctionName: FN, StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' } },
      },
    ]);
    expect(prepared).toMatchObject({ priorState: { statements: { anyone: { Sid: 'anyone', Principal: '*' } } } });
  });
  it('maps conditions to AddPermission parameters, and refuses what it cannot re-create', () => {
    const s3 = (JSON.parse(policy) as { Statement: Record<string, unknown>[] }).Statement[1] ?? {};
    expect(addPermissionFor(fn, s3)?.params).toEqual({ FunctionName: FN, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::b', SourceAccount: ACCOUNT });
    expect(addPermissionFor(fn, { ...s3, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })).toBeUndefined();
    expect(addPermissionFor(fn, { ...s3, Action: ['lambda:InvokeFunction', 'lambda:GetFunction'] })).toBeUndefined();
    expect(addPermissionFor(fn, { ...s3, FunctionUrlAuthType: 'NONE' })).toBeUndefined();
    const url = { Sid: 'u', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FN, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } } };
    expect(addPermissionFor(fn, url)?.params).toMatchObject({ InvokedViaFunctionUrl: true });
  });
  it('refuses the whole plan when one public statement cannot be re-created exactly', () => {
    const odd = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'odd', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FN, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }] });
    expect(planStatementRemoval(fnFinding('lambda-public-invoke'), { ...state, policy: odd }).kind).toBe('none');
  });
});

describe('kill-switch-concurrency', () => {
  const fn = { arn: FN, name: 'orders', region: 'eu-west-1' };
  it('only reports when the kill switch is off', () => {
    expect(planKillSwitch(fnFinding('lambda-env-secret-named'), { fn, killSwitch: false }).kind).toBe('none');
  });
  it('restores the exact prior reserved concurrency, or removes it', () => {
    expect(planOf(planKillSwitch(fnFinding('x'), { fn, killSwitch: true, reserved: 7 })).steps[0]?.inverse).toEqual({ action: 'lambda:PutFunctionConcurrency', params: { FunctionName: FN, ReservedConcurrentExecutions: 7 } });
    expect(planOf(planKillSwitch(fnFinding('x'), { fn, killSwitch: true })).steps[0]?.inverse).toEqual({ action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: FN } });
    expect(planKillSwitch(fnFinding('x'), { fn, killSwitch: true, reserved: 0 }).kind).toBe('none');
  });
});

it('every remediation declares the permission of every action its plans use', () => {
  const byId = new Map(remediations.map((r) => [r.id, r]));
  const check = (id: string, plan: Plan): void => {
    const remediation = byId.get(id);
    for (const step of plan.steps) {
      expect(remediation?.permissions).toContain(step.call.action);
      expect(remediation?.undoPermissions).toContain(step.inverse.action);
    }
  };
  const principal = { kind: 'Role' as const, name: 'app', arn: ROLE };
  check(detachPolicy.id, planOf(planDetach(finding(), { principal, policyArn: 'arn:p', attached: true })));
  check(revertInlinePolicy.id, planOf(planInlineRevert(finding(), { principal, policyName: 'wide', current: ADMIN })));
  check(revertInlinePolicy.id, planOf(planInlineRevert(finding(), { principal, policyName: 'wide', current: ADMIN, lastKnownGood: NARROW })));
  check(restorePolicyVersion.id, planOf(planVersionRestore(finding(), { policyArn: 'arn:p', defaultVersionId: 'v2', defaultDocument: ADMIN, versions: [{ versionId: 'v1' }, { versionId: 'v2' }] })));
  check(restoreTrustPolicy.id, planOf(planTrustRestore(finding(), { roleName: 'app', roleArn: ROLE, current: ADMIN, lastKnownGood: NARROW })));
  check(quarantinePrincipalRemediation.id, planOf(planQuarantine(finding(), { principalArn: ROLE, attached: false, policyExists: false, style: 'deny-all' })));
  const fn = { arn: FN, name: 'orders', region: 'eu-west-1' };
  check(setUrlAuthIam.id, planOf(planUrlAuth(fnFinding('lambda-public-url'), { fn, url: { functionUrl: 'u', functionArn: FN, authType: 'NONE' } })));
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'a', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FN }] });
  check(removePublicStatements.id, planOf(planStatementRemoval(fnFinding('lambda-public-invoke'), { fn, accountId: ACCOUNT, policy, urlConfigs: [] })));
  check(killSwitchConcurrency.id, planOf(planKillSwitch(fnFinding('x'), { fn, killSwitch: true, reserved: 3 })));
  check(killSwitchConcurrency.id, planOf(planKillSwitch(fnFinding('x'), { fn, killSwitch: true })));
});
