import fc from 'fast-check';
import { matchesWildcard } from '../../../domain/wildcard';

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
  ])('%s ~ %s %j → %s', (pattern, value, options, expected) => {
    expect(matchesWildcard(pattern, value, options)).toBe(expected);
  });

  it('matches every literal string against itself', () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !text.includes('*') && !text.includes('?')), (text) => {
        expect(matchesWildcard(text, text)).toBe(true);
      }),
    );
  });
});
