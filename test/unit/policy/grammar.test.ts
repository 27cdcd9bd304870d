import { analyzePrincipal } from '../../../domain/policy/analyze';
import { grammarIssues } from '../../../domain/policy/grammar-rules';
import { doc, only, role, ruleIds } from './builders';

const narrow = 'arn:aws:s3:::bucket/*';
const cases: readonly [string, unknown, string | null, readonly string[]][] = [
  ['plain Allow is clean', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow }], '2012-10-17', []],
  ['Allow with NotAction', [{ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: narrow }], '2012-10-17', ['iam-grammar-allow-notaction']],
  ['Deny with NotAction is a normal guard', [{ Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' }], '2012-10-17', []],
  ['Allow with NotResource', [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: narrow }], '2012-10-17', ['iam-grammar-allow-notresource']],
  ['Deny with NotResource is a normal guard', [{ Effect: 'Deny', Action: 's3:*', NotResource: narrow }], '2012-10-17', []],
  ['ForAllValues on aws:SourceVpc', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow, Condition: { 'ForAllValues:StringEquals': { 'aws:SourceVpc': 'vpc-1' } } }], '2012-10-17', ['iam-grammar-forallvalues-single-valued']],
  ['ForAllValues on aws:TagKeys is right', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow, Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } } }], '2012-10-17', []],
  ['ForAnyValue on aws:PrincipalOrgPaths is right', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow, Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-1/*' } } }], '2012-10-17', []],
  ['StringEquals with a wildcard', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow, Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/*' } } }], '2012-10-17', ['iam-grammar-wildcard-stringequals']],
  ['StringLike with a wildcard is right', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: narrow, Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/*' } } }], '2012-10-17', []],
  ['Deny of an unknown action', [{ Effect: 'Deny', Action: 'iam:DeleteEverything', Resource: '*' }], '2012-10-17', ['iam-grammar-deny-unknown-action']],
  ['Deny of an unknown service', [{ Effect: 'Deny', Action: 'notaservice:*', Resource: '*' }], '2012-10-17', ['iam-grammar-deny-unknown-action']],
  ['Deny of a typo among good actions', [{ Effect: 'Deny', Action: ['iam:PassRole', 'iam:CreateAcessKey'], Resource: '*' }], '2012-10-17', ['iam-grammar-deny-unknown-action']],
  ['Deny of known actions (any case) is fine', [{ Effect: 'Deny', Action: ['IAM:passrole', 'cloudtrail:Stop*'], Resource: '*' }], '2012-10-17', []],
  ['Allow of an unknown service (fail closed: reported)', [{ Effect: 'Allow', Action: 'brandnewservice:DoThing', Resource: narrow }], '2012-10-17', ['iam-grammar-unknown-action']],
  ['Allow of a malformed action', [{ Effect: 'Allow', Action: 'GetObject', Resource: narrow }], '2012-10-17', ['iam-grammar-unknown-action']],
  ['wildcard in the service prefix', [{ Effect: 'Allow', Action: 'i*:List*', Resource: narrow }], '2012-10-17', ['iam-grammar-service-prefix-wildcard']],
  ['*am:Get* (prefix wildcard in the middle)', [{ Effect: 'Allow', Action: '*am:Get*', Resource: narrow }], '2012-10-17', ['iam-grammar-service-prefix-wildcard']],
  ['* alone is not a prefix wildcard finding', [{ Effect: 'Allow', Action: '*', Resource: narrow }], '2012-10-17', []],
  ['policy variable under 2012-10-17 is fine', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' }], '2012-10-17', []],
  ['policy variable under 2008-10-17 is literal', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' }], '2008-10-17', ['iam-grammar-policy-variable-literal']],
  ['policy variable in a condition without Version', [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': '${aws:username}/*' } } }], null, ['iam-grammar-policy-variable-literal']],
  ['contradicting conditions', [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' }, StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } }], '2012-10-17', ['iam-grammar-unsatisfiable-condition']],
];

describe('grammarIssues (category 7)', () => {
  it.each(cases)('%s', (_name, statements, version, expected) => {
    expect(ruleIds(grammarIssues({ name: 'p', source: 'inline', document: doc(statements, version) }))).toEqual([...expected].sort());
  });

  it('skips AWS-managed documents (AWS authors them) but not a customer copy of one', () => {
    const document = doc([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], '2012-10-17');
    expect(grammarIssues({ name: 'PowerUserAccess', arn: 'arn:aws:iam::aws:policy/PowerUserAccess', source: 'managed', document })).toEqual([]);
    expect(ruleIds(grammarIssues({ name: 'PowerUserAccess', arn: 'arn:aws:iam::111122223333:policy/PowerUserAccess', source: 'managed', document }))).toEqual(['iam-grammar-allow-notaction']);
  });

  it('cites the statement and its Sid', () => {
    const issues = grammarIssues({ name: 'p', source: 'inline', document: doc([{ Sid: 'Guard', Effect: 'Deny', Action: 'iam:Nope', Resource: '*' }]) });
    expect(issues[0]?.evidence).toMatchObject({ statement: { policy: 'p', index: 0, sid: 'Guard' }, unknownActions: [{ pattern: 'iam:Nope', reason: 'no such action' }] });
  });

  it('a Deny with unknown actions leaves the Allow in place (it denies nothing)', () => {
    const issues = analyzePrincipal(role([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, { Effect: 'Deny', Action: 'iam:PasRole', Resource: '*' }]));
    expect(ruleIds(issues)).toEqual(['iam-grammar-deny-unknown-action', 'iam-passrole-unrestricted']);
    expect(only(issues, 'iam-grammar-deny-unknown-action').severity).toBe('medium');
  });
});
