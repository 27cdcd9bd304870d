import { actionIndex } from '../../../domain/policy/catalogue';
import { resourceSpecs, SCOPE_CLASSES, scopeOf, specCovers, specMatchesArn } from '../../../domain/policy/resource-scope';

const cls = (resource: string, action: string, version: '2012-10-17' | '2008-10-17' = '2012-10-17'): string => {
  const spec = resourceSpecs({ resources: [resource] }, version)[0];
  const index = actionIndex(action);
  if (!spec || index === undefined) throw new Error('bad case');
  return SCOPE_CLASSES[scopeOf(spec, index)] ?? '';
};

describe('resource scope classes', () => {
  const cases: readonly [string, string, string][] = [
    ['*', 'iam:PassRole', 'all'],
    ['arn:aws:iam::*:role/*', 'iam:PassRole', 'service-wide'],
    ['arn:aws:iam::111122223333:role/*', 'iam:PassRole', 'account-wide'],
    ['arn:aws:iam::111122223333:role/app-*', 'iam:PassRole', 'pattern'],
    ['arn:aws:iam::111122223333:role/app', 'iam:PassRole', 'specific'],
    ['arn:aws:iam::111122223333:user/*', 'iam:PassRole', 'none'],
    ['arn:aws:s3:::*', 'iam:PassRole', 'none'],
    ['arn:aws:s3:::*', 's3:GetObject', 'service-wide'],
    ['arn:aws:s3:::b/*', 's3:GetObject', 'pattern'],
    ['arn:aws:s3:::b/key.txt', 's3:GetObject', 'specific'],
    ['arn:aws:s3:::*', 's3:ListAllMyBuckets', 'none'],
    ['*', 's3:ListAllMyBuckets', 'all'],
    ['arn:aws:lambda:*:111122223333:function:*', 'lambda:UpdateFunctionCode', 'account-wide'],
    ['arn:aws:lambda:us-east-1:111122223333:function:*', 'lambda:UpdateFunctionCode', 'account-wide'],
    ['arn:aws:lambda:us-east-1:*:function:*', 'lambda:UpdateFunctionCode', 'service-wide'],
    ['arn:aws:iam::111122223333:user/${aws:username}', 'iam:CreateAccessKey', 'specific'],
    ['arn:aws:iam::*', 'iam:PassRole', 'service-wide'],
    ['arn:aws:IAM::*:role/*', 'iam:PassRole', 'none'],
  ];
  it.each(cases)('%s for %s is %s', (resource, action, expected) => {
    expect(cls(resource, action)).toBe(expected);
  });

  it('NotResource is broad unless it excludes the whole type', () => {
    const not = (patterns: string[], action: string): string => SCOPE_CLASSES[scopeOf(resourceSpecs({ notResources: patterns }, '2012-10-17')[0]!, actionIndex(action) ?? -1)] ?? '';
    expect(not(['arn:aws:s3:::secret'], 's3:PutBucketPolicy')).toBe('service-wide');
    expect(not(['arn:aws:s3:::secret/*'], 's3:GetObject')).toBe('all'); // access-point objects stay untouched
    expect(not(['arn:aws:s3:::*'], 'iam:PassRole')).toBe('all');
    expect(not(['arn:aws:iam::*:role/*'], 'iam:PassRole')).toBe('none');
  });
});

describe('resource matching', () => {
  const self: readonly [string, string, '2012-10-17' | '2008-10-17', boolean][] = [
    ['arn:aws:iam::1:user/${aws:username}', 'arn:aws:iam::1:user/alice', '2012-10-17', true],
    ['arn:aws:iam::1:user/${aws:username}', 'arn:aws:iam::1:user/alice', '2008-10-17', false],
    ['arn:aws:iam::1:user/${aws:username}', 'arn:aws:iam::1:user/${aws:username}', '2008-10-17', true],
    ['arn:aws:iam::1:role/App', 'arn:aws:iam::1:role/app', '2012-10-17', false],
  ];
  it.each(self)('%s matches %s under %s: %s', (pattern, arn, version, expected) => {
    expect(specMatchesArn(resourceSpecs({ resources: [pattern] }, version)[0]!, arn)).toBe(expected);
  });

  it('a Deny covers an Allow only when its resources include the Allow\'s (ARNs are case-sensitive)', () => {
    const spec = (r: string) => resourceSpecs({ resources: [r] }, '2012-10-17')[0]!;
    expect(specCovers(spec('*'), spec('arn:aws:s3:::b/*'))).toBe(true);
    expect(specCovers(spec('arn:aws:s3:::logs/*'), spec('*'))).toBe(false);
    expect(specCovers(spec('arn:aws:s3:::B/*'), spec('arn:aws:s3:::b/*'))).toBe(false);
    expect(specCovers(resourceSpecs({ notResources: ['arn:aws:s3:::x/*'] }, '2012-10-17')[0]!, spec('arn:aws:s3:::b/*'))).toBe(true);
  });
});
