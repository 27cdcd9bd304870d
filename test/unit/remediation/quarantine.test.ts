import fc from 'fast-check';
import { InvalidInputError } from '../../../domain/errors';
import { actionsOfService, services } from '../../../domain/policy/catalogue';
import {
  MANAGED_POLICY_MAX_CHARS,
  PolicyTooLargeError,
  UnknownActionError,
  buildQuarantinePolicy,
  compressActions,
  quarantinePolicyArnPattern,
  quarantineSteps,
  validateDenyActions,
  type ActionCatalogue,
  type DenyStatement,
} from '../../../domain/remediation/quarantine';
import { matchesWildcard } from '../../../domain/wildcard';

const ROLE = 'arn:aws:iam::123456789012:role/service/app-role';
const USER = 'arn:aws:iam::123456789012:user/alice';

function statement(document: { Statement: readonly DenyStatement[] }, sid: string): DenyStatement {
  const found = document.Statement.find((s) => s.Sid === sid);
  if (found === undefined) throw new Error(`no statement ${sid}`);
  return found;
}

/** The catalogue actions a list of patterns denies, lowercase. */
function expansion(patterns: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const prefix = pattern.split(':')[0] ?? '';
    for (const action of actionsOfService(prefix)) if (matchesWildcard(pattern, action, { caseInsensitive: true })) out.add(action.toLowerCase());
  }
  return out;
}

describe('buildQuarantinePolicy', () => {
  it('names the managed policy after the principal kind and name, under /warden/', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'deny-all', dangerousActions: [] });
    expect(policy.policyName).toBe('warden-quarantine-role-app-role');
    expect(policy.path).toBe('/warden/');
    expect(policy.policyArn).toBe('arn:aws:iam::123456789012:policy/warden/warden-quarantine-role-app-role');
    expect(buildQuarantinePolicy({ principalArn: USER, style: 'deny-all', dangerousActions: [] }).policyName).toBe('warden-quarantine-user-alice');
  });

  it('keeps the partition of the principal', () => {
    const policy = buildQuarantinePolicy({ principalArn: 'arn:aws-us-gov:iam::123456789012:role/r', style: 'surgical', dangerousActions: ['iam:PassRole'] });
    expect(policy.policyArn).toBe('arn:aws-us-gov:iam::123456789012:policy/warden/warden-quarantine-role-r');
    expect(policy.json).toContain('arn:aws-us-gov:iam::123456789012:policy/warden/warden-quarantine-*');
  });

  it('deny-all denies * on * (and needs no revocation statement)', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'deny-all', dangerousActions: ['ignored'], revokeSessionsBefore: new Date() });
    expect(policy.document).toEqual({ Version: '2012-10-17', Statement: [{ Sid: 'WardenQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }] });
    expect(JSON.parse(policy.json)).toEqual(policy.document);
  });

  it('surgical denies exactly the dangerous actions, spelled as AWS does, deduplicated', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['iam:passrole', 'IAM:PassRole', 'lambda:CreateFunction', 's3:Get*'] });
    expect(statement(policy.document, 'WardenQuarantineDangerousActions')).toEqual({
      Sid: 'WardenQuarantineDangerousActions',
      Effect: 'Deny',
      Action: ['iam:PassRole', 'lambda:CreateFunction', 's3:Get*'],
      Resource: '*',
    });
    expect(policy.compressed).toBe(false);
  });

  it('drops names a wildcard entry already covers', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['s3:GetObject', 's3:Get*'] });
    expect(statement(policy.document, 'WardenQuarantineDangerousActions').Action).toEqual(['s3:Get*']);
  });

  it('surgical also denies every way to lift the quarantine', () => {
    const { document } = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['iam:PassRole'] });
    const pattern = 'arn:aws:iam::123456789012:policy/warden/warden-quarantine-*';
    expect(statement(document, 'WardenQuarantineKeepAttached')).toEqual({
      Sid: 'WardenQuarantineKeepAttached',
      Effect: 'Deny',
      Action: ['iam:DetachRolePolicy', 'iam:DetachUserPolicy', 'iam:DetachGroupPolicy'],
      Resource: '*',
      Condition: { ArnLike: { 'iam:PolicyARN': pattern } },
    });
    expect(statement(document, 'WardenQuarantineKeepPolicy')).toMatchObject({
      Action: expect.arrayContaining(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion']) as unknown,
      Resource: pattern,
    });
    expect(statement(document, 'WardenQuarantineKeepGuards').Action).toEqual(
      expect.arrayContaining(['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy']),
    );
    expect(statement(document, 'WardenQuarantineKeepTags')).toMatchObject({
      Action: ['iam:TagRole', 'iam:UntagRole', 'iam:TagUser', 'iam:UntagUser'],
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['warden:*'] } },
    });
  });

  it('only ever denies (a quarantine never grants)', () => {
    const { document } = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['iam:PassRole'], revokeSessionsBefore: new Date() });
    expect(document.Statement.every((s) => s.Effect === 'Deny')).toBe(true);
    expect(new Set(document.Statement.map((s) => s.Sid)).size).toBe(document.Statement.length);
    for (const s of document.Statement) expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
  });

  it('revokes older sessions with aws:TokenIssueTime (AWSRevokeOlderSessions pattern)', () => {
    const { document } = buildQuarantinePolicy({
      principalArn: ROLE,
      style: 'surgical',
      dangerousActions: ['iam:PassRole'],
      revokeSessionsBefore: new Date('2026-06-15T12:00:00Z'),
    });
    expect(statement(document, 'WardenRevokeOlderSessions')).toEqual({
      Sid: 'WardenRevokeOlderSessions',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-06-15T12:00:00.000Z' } },
    });
  });

  it('has no revocation statement unless asked', () => {
    const { document } = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['iam:PassRole'] });
    expect(document.Statement.map((s) => s.Sid)).not.toContain('WardenRevokeOlderSessions');
  });

  it.each([
    [['iam:PasRole'], ['iam:PasRole']],
    [['iam:PassRole', 's3:GetObjekt', 'lambda:Invoke'], ['s3:GetObjekt', 'lambda:Invoke']],
    [['*:GetObject'], ['*:GetObject']],
    [['s?:GetObject'], ['s?:GetObject']],
    [['iam:Nothing*'], ['iam:Nothing*']],
    [['nosuchservice:Get*'], ['nosuchservice:Get*']],
    [['PassRole'], ['PassRole']],
    [['iam:'], ['iam:']],
    [['iam:Pass:Role'], ['iam:Pass:Role']],
  ])('refuses unknown actions %j (a typo in a Deny denies nothing)', (dangerousActions, unknown) => {
    expect(() => buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions })).toThrow(UnknownActionError);
    try {
      buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions });
    } catch (error) {
      expect((error as UnknownActionError).actions).toEqual(unknown);
      expect((error as UnknownActionError).retryable).toBe(false);
      expect((error as UnknownActionError).name).toBe('UnknownActionError');
    }
  });

  it('refuses a surgical quarantine with nothing to deny', () => {
    expect(() => buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: [] })).toThrow(InvalidInputError);
  });

  it.each(['arn:aws:iam::123456789012:group/devs', 'arn:aws:iam::123456789012:policy/p', 'arn:aws:lambda:us-east-1:123456789012:function:f', 'app-role', 'arn:aws:iam::123:role/short-account'])(
    'refuses a principal that is not a role or user: %s',
    (principalArn) => {
      expect(() => buildQuarantinePolicy({ principalArn, style: 'deny-all', dangerousActions: [] })).toThrow(InvalidInputError);
    },
  );

  it('validates with an injected catalogue', () => {
    const tiny: ActionCatalogue = {
      isKnownAction: (action) => ['iam:passrole'].includes(action.toLowerCase()),
      actionsOfService: (prefix) => (prefix === 'iam' ? ['iam:PassRole'] : []),
    };
    // The guard actions are not in this tiny catalogue: they are validated too.
    expect(() => buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: ['iam:PassRole'] }, tiny)).toThrow(/iam:DetachRolePolicy/);
  });

  it('compresses only when the document would not fit, and then exactly', () => {
    const many = services()
      .slice(0, 80)
      .flatMap((prefix) => actionsOfService(prefix));
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: many });
    expect(policy.compressed).toBe(true);
    expect(policy.json.length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    const denied = statement(policy.document, 'WardenQuarantineDangerousActions').Action as string[];
    expect(expansion(denied)).toEqual(new Set(many.map((a) => a.toLowerCase())));
  });

  it('fails with PolicyTooLargeError when even compression cannot fit', () => {
    // Every other action of every service: no wildcard can cover two of them.
    const scattered = services().flatMap((prefix) => actionsOfService(prefix).filter((_, i) => i % 2 === 0));
    expect(() => buildQuarantinePolicy({ principalArn: ROLE, style: 'surgical', dangerousActions: scattered })).toThrow(PolicyTooLargeError);
  });
});

describe('compressActions', () => {
  it('uses service:* for a whole service', () => {
    expect(compressActions(actionsOfService('sts'))).toEqual(['sts:*']);
  });

  it('never widens: a name that is a prefix of others stays literal', () => {
    // iam:GetRole is a prefix of iam:GetRolePolicy: `iam:GetRole*` would deny more.
    expect(compressActions(['iam:GetRole'])).toEqual(['iam:GetRole']);
  });

  it('expands to exactly the input set (property)', () => {
    const iam = actionsOfService('iam');
    fc.assert(
      fc.property(fc.subarray([...iam], { minLength: 1 }), (subset) => {
        const patterns = compressActions(subset);
        expect(expansion(patterns)).toEqual(new Set(subset.map((a) => a.toLowerCase())));
        expect(() => validateDenyActions(patterns)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('quarantineSteps', () => {
  it('creates then attaches, with inverses that detach then delete', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'deny-all', dangerousActions: [] });
    const steps = quarantineSteps(policy);
    expect(steps.map((s) => [s.step, s.call.action, s.inverse.action])).toEqual([
      ['create-quarantine-policy', 'iam:CreatePolicy', 'iam:DeletePolicy'],
      ['attach-quarantine-policy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
    ]);
    expect(steps[0]?.call.params).toMatchObject({ PolicyName: 'warden-quarantine-role-app-role', Path: '/warden/', PolicyDocument: policy.json });
    expect(steps[1]?.call.params).toEqual({ RoleName: 'app-role', PolicyArn: policy.policyArn });
  });

  it('uses the user calls for a user', () => {
    const steps = quarantineSteps(buildQuarantinePolicy({ principalArn: USER, style: 'deny-all', dangerousActions: [] }));
    expect(steps[1]?.call).toEqual({ action: 'iam:AttachUserPolicy', params: { UserName: 'alice', PolicyArn: 'arn:aws:iam::123456789012:policy/warden/warden-quarantine-user-alice' } });
    expect(steps[1]?.inverse.action).toBe('iam:DetachUserPolicy');
  });

  it('matches the remediator-role pattern', () => {
    const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'deny-all', dangerousActions: [] });
    expect(matchesWildcard(quarantinePolicyArnPattern(), policy.policyArn)).toBe(true);
  });
});
