import fc from 'fast-check';
import { compileWildcard, matchesWildcard } from '../../../domain/wildcard';

describe('matchesWildcard', () => {
  it.each([
    ['arn:aws:iam::*:role/warden-*', 'arn:aws:iam::111122223333:role/warden-prod-remediate', {}, true],
    ['arn:aws:iam::*:role/warden-*', 'arn:aws:iam::111122223333:role/Warden-prod', {}, false],
    ['iam:Get*', 'IAM:GETROLE', { caseInsensitive: true }, true],
    ['iam:Get*', 'IAM:GETROLE', {}, false],
    ['s3:Get?bject', 's3:GetObject', {}, true],
    ['s3:Get?bject', 's3:Get?bject', { questionMark: false }, true],
    ['s3:Get?bject', 's3:GetObject', { questionMark: false }, false],
    ['a.b', 'axb', {}, false],
    ['a+b(c)[d]{e}|^$', 'a+b(c)[d]{e}|^$', {}, true],
    ['*', '', {}, true],
    ['line*', 'line\nbreak', {}, true],
    ['**a**', 'xax', {}, true],
    ['a*b?c', 'aXXbYc', {}, true],
    ['a*b?c', 'aXXbc', {}, false],
    ['*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(36), {}, false],
    ['*a*a*a*a*a*a*a*a*a*b', `${'a'.repeat(36)}b`, {}, true],
    ['', '', {}, true],
    ['', 'x', {}, false],
    ['?', '', {}, false],
    ['\u00e9T*', '\u00c9tat', { caseInsensitive: true }, true],
    // As a case-insensitive RegExp did: non-ASCII never folds into ASCII (ſ upper-cases to S).
    ['s', '\u017f', { caseInsensitive: true }, false],
    ['\u00df', 'SS', { caseInsensitive: true }, false],
  ])('%s ~ %s %j → %s', (pattern, value, options, expected) => {
    expect(matchesWildcard(pattern, value, options)).toBe(expected);
  });

  it('compiles a matcher once and reuses it for every value', () => {
    const matcher = compileWildcard('s3:Get*', { caseInsensitive: true });
    expect(compileWildcard('s3:Get*', { caseInsensitive: true })).toBe(matcher);
    expect(['s3:getobject', 'S3:GETBUCKETACL', 's3:putobject'].map((v) => matcher.test(v))).toEqual([true, true, false]);
    expect(matcher.pattern).toBe('s3:Get*');
  });

  it('matches every literal string against itself', () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !text.includes('*') && !text.includes('?')), (text) => {
        expect(matchesWildcard(text, text)).toBe(true);
      }),
    );
  });
});
