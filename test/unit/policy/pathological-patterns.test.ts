import { defaultRegistry } from '../../../domain/detectors/registry';
import { evaluateEvent } from '../../../domain/evaluate-event';
import { analyzePolicyDocument, analyzePrincipal } from '../../../domain/policy';
import { cloudTrailRecord, eventBridgeEvent } from '../events/builders';
import { ACCOUNT, doc, role, ruleIds } from './builders';

/**
 * Regression: policy documents anyone may write reach the wildcard matcher. A pattern with many
 * `*` once backtracked exponentially (seconds per document), and a 40,000-character Resource made
 * the regular-expression constructor throw. No timing is asserted: a hang fails on jest's timeout.
 */

const TEAM = 'a'.repeat(36);
const MANY_STARS = `${'*a'.repeat(9)}*b`;
/** The 241-character document of the report: the StringLike value never matches the StringEquals one. */
const DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': TEAM }, StringLike: { 'aws:PrincipalTag/team': MANY_STARS } } }],
});

describe('pathological wildcard patterns in policy documents', () => {
  it('uses the document of the report', () => {
    expect(DOCUMENT).toHaveLength(241);
  });

  it('analyzePrincipal finds the condition unsatisfiable (the StringLike pattern needs a trailing b)', () => {
    const issues = analyzePrincipal(role((JSON.parse(DOCUMENT) as { Statement: unknown }).Statement));
    expect(ruleIds(issues)).toContain('iam-grammar-unsatisfiable-condition');
    expect(ruleIds(issues)).not.toContain('iam-admin-equivalent');
  });

  it('the same pattern with a value it matches is satisfiable, so the grant stands', () => {
    const statement = { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': `${TEAM}b` }, StringLike: { 'aws:PrincipalTag/team': MANY_STARS } } };
    const ids = ruleIds(analyzePrincipal(role([statement])));
    expect(ids).not.toContain('iam-grammar-unsatisfiable-condition');
  });

  it('evaluateEvent judges a PutRolePolicy carrying the document', async () => {
    const event = eventBridgeEvent(cloudTrailRecord({ eventName: 'PutRolePolicy', requestParameters: { roleName: 'app', policyName: 'stars', policyDocument: DOCUMENT } }));
    const { result } = await evaluateEvent(event, { registry: defaultRegistry.only('detectIam'), readers: {}, selfArnPatterns: [] });
    expect(result.outcome).not.toBe('error');
    expect(result.findings.map((f) => f.ruleId)).toContain('iam-grammar-unsatisfiable-condition');
  });

  it('analyses a 40,000-character Resource without throwing', () => {
    const resource = `arn:aws:s3:::bucket/${'k'.repeat(40_000)}`;
    const issues = analyzePolicyDocument(doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListAllMyBuckets'], Resource: resource }]), { name: 'long', arn: `arn:aws:iam::${ACCOUNT}:policy/long`, accountId: ACCOUNT });
    expect(Array.isArray(issues)).toBe(true);
    expect(ruleIds(issues)).not.toContain('iam-admin-equivalent');
  });

  it('analyses a 40,000-character NotResource and a starred long Resource without throwing', () => {
    const long = `arn:aws:s3:::${'k*'.repeat(20_000)}`;
    const statements = [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: long },
      { Effect: 'Allow', Action: 'iam:PassRole', NotResource: long },
    ];
    expect(() => analyzePrincipal(role(statements))).not.toThrow();
  });
});
