import type { PrincipalPolicies } from '../../../domain/policy/analyze';
import { compareAccess } from '../../../domain/policy/compare';
import { doc, role } from './builders';

const allow = (Action: unknown, Resource: unknown = '*', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ Effect: 'Allow', Action, Resource, ...extra });
const trust = (statements: unknown): PrincipalPolicies => role([], { policies: [], trustPolicy: doc(statements) });
const assume = (Principal: unknown, Condition?: unknown): Record<string, unknown> => ({ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...(Condition ? { Condition } : {}) });

const cases: readonly [string, PrincipalPolicies | undefined, PrincipalPolicies, boolean][] = [
  ['nothing before, a grant after', undefined, role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), true],
  ['nothing before, Deny-only after', undefined, role([{ Effect: 'Deny', Action: '*', Resource: '*' }]), false],
  ['identical', role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), false],
  ['narrower resource', role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), role([allow('s3:GetObject', 'arn:aws:s3:::b/logs/*')]), false],
  ['broader resource', role([allow('s3:GetObject', 'arn:aws:s3:::b/logs/*')]), role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), true],
  ['other bucket, same scope class', role([allow('s3:GetObject', 'arn:aws:s3:::a/*')]), role([allow('s3:GetObject', 'arn:aws:s3:::b/*')]), true],
  ['new action', role([allow('s3:GetObject')]), role([allow(['s3:GetObject', 's3:PutObject'])]), true],
  ['fewer actions', role([allow(['s3:GetObject', 's3:PutObject'])]), role([allow('s3:GetObject')]), false],
  ['same actions, reordered and recased', role([allow(['s3:GetObject', 's3:PutObject'])]), role([allow(['S3:putobject', 's3:getobject'])]), false],
  ['wildcard replacing its expansion widens to future actions', role([allow('s3:Get*')]), role([allow('s3:*')]), true],
  ['NotAction replacing s3:* widens', role([allow('s3:*')]), role([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]), true],
  ['removing a restricting condition widens', role([allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })]), role([allow('iam:PassRole')]), true],
  ['adding a restricting condition narrows', role([allow('iam:PassRole')]), role([allow('iam:PassRole', '*', { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } })]), false],
  ['removing a Deny widens', role([allow('*'), { Effect: 'Deny', Action: 'iam:*', Resource: '*' }]), role([allow('*')]), true],
  ['adding a Deny narrows', role([allow('*')]), role([allow('*'), { Effect: 'Deny', Action: 'iam:*', Resource: '*' }]), false],
  ['moving a grant to another policy changes nothing', role([allow('s3:GetObject')]), { ...role([]), policies: [{ name: 'other', source: 'managed', document: doc([allow('s3:GetObject')]) }] }, false],
  ['trust: new account principal widens', trust([assume({ AWS: 'arn:aws:iam::111122223333:root' })]), trust([assume({ AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:root'] })]), true],
  ['trust: same principal', trust([assume({ Service: 'lambda.amazonaws.com' })]), trust([assume({ Service: 'lambda.amazonaws.com' })]), false],
  ['trust: dropping the org condition widens', trust([assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })]), trust([assume({ AWS: '*' })]), true],
  ['trust: adding the org condition narrows', trust([assume({ AWS: '*' })]), trust([assume({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } })]), false],
];

describe('compareAccess (widened?)', () => {
  it.each(cases)('%s', (_name, before, after, widened) => {
    expect(compareAccess(before, after).widened).toBe(widened);
  });

  it('lists what was added', () => {
    const result = compareAccess(role([allow('s3:GetObject')]), role([allow(['s3:GetObject', 'iam:PassRole'])]));
    expect(result.added.grants).toEqual([expect.objectContaining({ resource: '*', actions: ['iam:PassRole'], actionCount: 1, futureActions: false })]);
    expect(result.added.trust).toEqual([]);
  });

  it('names new trust principals', () => {
    const result = compareAccess(trust([assume({ Service: 'lambda.amazonaws.com' })]), trust([assume({ Service: ['lambda.amazonaws.com', 'events.amazonaws.com'] })]));
    expect(result.added.trust).toEqual(['service:events.amazonaws.com']);
  });
});
