import fc from 'fast-check';
import { analyzePrincipal } from '../../../domain/policy/analyze';
import { compareAccess } from '../../../domain/policy/compare';
import { POLICY_RULE_IDS } from '../../../domain/policy/issues';
import { only, role, ruleIds } from './builders';
import { IDENTITY_CASES } from './identity-cases';

describe('analyzePrincipal: identity categories 1–5 (rule id sets)', () => {
  it.each(IDENTITY_CASES)('%s', (_name, principal, expected) => {
    expect(ruleIds(analyzePrincipal(principal))).toEqual([...expected].sort());
  });
});

describe('analyzePrincipal: severities and evidence', () => {
  it('Action * Resource * is admin-equivalent, critical', () => {
    const issue = only(analyzePrincipal(role([{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }])), 'iam-admin-equivalent');
    expect(issue.severity).toBe('critical');
    expect(issue.category).toBe('admin-equivalent');
    expect(issue.evidence).toMatchObject({ via: 'all-actions-all-resources', statements: [{ policy: 'inline', index: 0, sid: 'All', source: 'inline' }] });
  });

  it('names the PassRole + CreateFunction + InvokeFunction path', () => {
    const issue = only(analyzePrincipal(role([{ Effect: 'Allow', Action: ['IAM:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], Resource: '*' }])), 'iam-privilege-escalation');
    expect(issue.severity).toBe('critical');
    const paths = issue.evidence.paths as { id: string; actions: string[]; name: string }[];
    expect(paths[0]).toMatchObject({ id: 'iam:passrole+lambda:createfunction+lambda:invokefunction', actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'] });
    expect(paths[0]?.name).toMatch(/Lambda/);
  });

  it('lowers the severity when only a restricting condition grants the path', () => {
    const issue = only(
      analyzePrincipal(role([{ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'a' } } }])),
      'iam-privilege-escalation',
    );
    expect(issue.severity).toBe('medium');
  });

  it('caps the action list and counts them', () => {
    const issue = only(analyzePrincipal(role([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])), 'iam-resource-exposure');
    expect((issue.evidence.actions as string[]).length).toBeLessThanOrEqual(20);
    expect(issue.evidence.actionCount).toBeGreaterThan(5);
  });

  it('reports the PassRole condition that failed to restrict', () => {
    const issue = only(
      analyzePrincipal(role([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringLike: { 'iam:PassedToService': '*' } } }])),
      'iam-passrole-unrestricted',
    );
    expect(issue.evidence.condition).toMatchObject({ strength: 'weak', weaknesses: [{ key: 'iam:PassedToService' }] });
  });

  it('every issue has a why and a fix', () => {
    for (const [, principal] of IDENTITY_CASES) {
      for (const issue of analyzePrincipal(principal)) {
        expect(issue.why.length).toBeGreaterThan(20);
        expect(issue.fix.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('analyzePrincipal: properties over random documents', () => {
  const action = fc.constantFrom('*', 's3:*', 's3:GetObject', 'iam:PassRole', 'IAM:put*', 'i*:*', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'sts:AssumeRole', 'ec2:Describe*', 'newsvc:Do', 'kms:Decrypt');
  const resource = fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::*:user/${aws:username}', 'arn:aws:lambda:*:111122223333:function:*');
  const condition = fc.constantFrom(undefined, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, { Bool: { 'aws:SecureTransport': 'x' } });
  const statement = fc.record({
    effect: fc.constantFrom('Allow', 'Deny'),
    not: fc.boolean(),
    actions: fc.array(action, { minLength: 1, maxLength: 3 }),
    resources: fc.array(resource, { minLength: 1, maxLength: 2 }),
    condition,
  }).map(({ effect, not, actions, resources, condition: c }) => ({ Effect: effect, [not ? 'NotAction' : 'Action']: actions, Resource: resources, ...(c ? { Condition: c } : {}) }));
  const statements = fc.array(statement, { maxLength: 4 });
  const identityRules = new Set(['iam-admin-equivalent', 'iam-privilege-escalation', 'iam-passrole-unrestricted', 'iam-resource-exposure', 'iam-credentials-exposure', 'iam-data-exfiltration', 'iam-defense-evasion', 'iam-service-wildcard']);

  it('never throws and only raises known rule ids', () => {
    fc.assert(
      fc.property(statements, (s) => {
        for (const issue of analyzePrincipal(role(s))) expect(POLICY_RULE_IDS).toContain(issue.ruleId);
      }),
      { numRuns: 150 },
    );
  });

  it('an unconditional Deny of everything leaves no over-breadth (categories 1–5)', () => {
    fc.assert(
      fc.property(statements, (s) => {
        const issues = analyzePrincipal(role([...s, { Effect: 'Deny', Action: '*', Resource: '*' }]));
        expect(issues.filter((i) => identityRules.has(i.ruleId))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('a principal never widens over itself, and removing every policy never widens', () => {
    fc.assert(
      fc.property(statements, (s) => {
        const principal = role(s);
        expect(compareAccess(principal, principal).widened).toBe(false);
        expect(compareAccess(principal, role([]))).toMatchObject({ widened: false });
      }),
      { numRuns: 100 },
    );
  });
});
