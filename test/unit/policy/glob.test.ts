import fc from 'fast-check';
import { globCovers, globsIntersect } from '../../../domain/policy/glob';
import { matchesWildcard } from '../../../domain/wildcard';

describe('globCovers / globsIntersect', () => {
  const cases: readonly [string, string, boolean, boolean][] = [
    // outer, inner, covers, intersects
    ['*', 'arn:aws:s3:::logs/*', true, true],
    ['arn:aws:s3:::*', 'arn:aws:s3:::logs/*', true, true],
    ['arn:aws:s3:::logs/*', 'arn:aws:s3:::*', false, true],
    ['arn:aws:s3:::logs/*', 'arn:aws:s3:::data/*', false, false],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app', true, true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/bob', false, false],
    ['arn:aws:s3:::Logs', 'arn:aws:s3:::logs', false, false],
    ['arn:aws:s3:::b?', 'arn:aws:s3:::bx', true, true],
    ['arn:aws:s3:::b?', 'arn:aws:s3:::b*', false, true],
    ['a*b', 'a*c', false, false],
    ['*a*', '*b*', false, true],
  ];
  it.each(cases)('%s vs %s', (outer, inner, covers, intersects) => {
    expect(globCovers(outer, inner)).toBe(covers);
    expect(globsIntersect(outer, inner)).toBe(intersects);
    expect(globsIntersect(inner, outer)).toBe(intersects);
  });

  const pattern = fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 4 }).map((c) => c.join(''));
  const strings = (max: number): string[] => {
    const out = [''];
    for (let len = 1; len <= max; len++) for (let n = 0; n < 2 ** len; n++) out.push([...n.toString(2).padStart(len, '0')].map((d) => (d === '0' ? 'a' : 'b')).join(''));
    return out;
  };
  const universe = strings(8);

  it('intersection agrees with brute force over short strings', () => {
    fc.assert(
      fc.property(pattern, pattern, (a, b) => {
        const witness = universe.some((s) => matchesWildcard(a, s) && matchesWildcard(b, s));
        expect(globsIntersect(a, b)).toBe(witness);
      }),
      { numRuns: 400 },
    );
  });

  it('coverage is sound: whatever inner matches, outer matches', () => {
    fc.assert(
      fc.property(pattern, pattern, (outer, inner) => {
        if (!globCovers(outer, inner)) return;
        expect(universe.filter((s) => matchesWildcard(inner, s) && !matchesWildcard(outer, s))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  // Coverage of a literal is matching: the literal head/tail shortcut must not reject a match.
  it('coverage of a literal agrees with matching it', () => {
    const literal = fc.array(fc.constantFrom('a', 'b', ':', '/'), { maxLength: 10 }).map((c) => c.join(''));
    const wide = fc.array(fc.constantFrom('a', 'b', ':', '/', '*', '?'), { maxLength: 10 }).map((c) => c.join(''));
    fc.assert(
      fc.property(wide, literal, (outer, inner) => {
        expect(globCovers(outer, inner)).toBe(matchesWildcard(outer, inner));
      }),
      { numRuns: 2_000 },
    );
  });
});
