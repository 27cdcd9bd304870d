import fc from 'fast-check';
import { actionSetOf, bruteForceMatches, expandActionPattern, statementActionSet } from '../../../domain/policy/action-patterns';
import { bitIndexes, complement, futureIncludes, intersect, isEmptySet, subtract, union } from '../../../domain/policy/action-set';
import { allActions } from '../../../domain/policy/catalogue';

const names = (bits: Uint32Array): string[] => bitIndexes(bits).map((i) => allActions()[i] ?? '');

describe('expandActionPattern', () => {
  const cases: readonly [string, (matched: string[]) => boolean, Partial<ReturnType<typeof expandActionPattern>>][] = [
    ['iam:PassRole', (m) => m.length === 1 && m[0] === 'iam:PassRole', { open: false, unknownService: false }],
    ['IAM:PASSROLE (case-insensitive)', (m) => m.length === 1, {}],
    ['iam:Pass*', (m) => m.includes('iam:PassRole'), { open: true }],
    ['iam:Pa?sRole (? is one character)', (m) => m.length === 1, { open: true }],
    ['iam:P?Role (? is exactly one)', (m) => m.length === 0, {}],
    ['iam:Pass+Role (+ is literal)', (m) => m.length === 0, {}],
    ['iam:Pass.*', (m) => m.length === 0, {}],
    ['s3:*', (m) => m.length > 100 && m.every((a) => a.startsWith('s3:')), { open: true, servicePrefixWildcard: false }],
    ['*', (m) => m.length === allActions().length, { servicePrefixWildcard: true }],
    ['i*:*', (m) => m.includes('iam:PassRole') && m.some((a) => a.startsWith('iot:')) && m.every((a) => a.startsWith('i')), { servicePrefixWildcard: true }],
    ['*am:Get*', (m) => m.includes('iam:GetRole') && m.every((a) => /^[^:]*am:get/i.test(a)), { servicePrefixWildcard: true }],
    ['nosuchservice:*', (m) => m.length === 0, { unknownService: true, open: true }],
    ['nosuchservice:DoThing', (m) => m.length === 0, { unknownService: true, open: true }],
    ['iam:NoSuchAction', (m) => m.length === 0, { unknownService: false, open: true }],
    ['PassRole (no service)', (m) => m.length === 0, { malformed: true }],
  ];
  it.each(cases)('%s', (label, check, flags) => {
    const pattern = label.split(' ')[0] ?? '';
    const expansion = expandActionPattern(pattern);
    expect(check(names(expansion.bits))).toBe(true);
    expect(expansion).toMatchObject(flags);
    expect(expansion.matched).toBe(names(expansion.bits).length);
  });

  const arbPattern = fc
    .tuple(fc.constantFrom(...allActions()), fc.array(fc.tuple(fc.nat(), fc.constantFrom('*', '?', 'drop')), { maxLength: 3 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }))
    .map(([name, edits, casing]) => {
      let pattern = name;
      for (const [at, edit] of edits) {
        const i = at % (pattern.length + 1);
        pattern = edit === 'drop' ? pattern.slice(0, i) + pattern.slice(i + 1) : pattern.slice(0, i) + edit + pattern.slice(i);
      }
      return [...pattern].map((c, i) => (casing[i % 40] ? c.toUpperCase() : c.toLowerCase())).join('');
    });

  it('equals a brute-force filter over allActions() for random patterns built from real names', () => {
    fc.assert(
      fc.property(arbPattern, (pattern) => {
        expect(names(expandActionPattern(pattern).bits)).toEqual(bruteForceMatches(pattern));
      }),
      { numRuns: 300 },
    );
  });
});

describe('action sets', () => {
  it('NotAction is the complement, including future actions', () => {
    const set = statementActionSet({ notActions: ['iam:*'] });
    expect(names(set.bits)).not.toContain('iam:PassRole');
    expect(names(set.bits)).toContain('s3:GetObject');
    expect(set.future).toEqual({ kind: 'all-except', except: ['iam:*'] });
    expect(futureIncludes(set.future, 'brandnew:doeverything')).toBe(true);
    expect(futureIncludes(set.future, 'iam:brandnewaction')).toBe(false);
  });

  it('an Action list grants future actions only through its wildcards', () => {
    const set = actionSetOf(['s3:Get*', 'iam:PassRole']);
    expect(futureIncludes(set.future, 's3:getsomethingnew')).toBe(true);
    expect(futureIncludes(set.future, 'iam:passrolenew')).toBe(false);
  });

  it('subtract, union and intersect agree with set algebra on known actions', () => {
    const a = actionSetOf(['s3:*']);
    const b = actionSetOf(['s3:Get*']);
    expect(names(subtract(a, b).bits).some((n) => n.startsWith('s3:Get'))).toBe(false);
    expect(names(union(subtract(a, b), b).bits)).toEqual(names(a.bits));
    expect(names(intersect(a, b).bits)).toEqual(names(b.bits));
    expect(isEmptySet(subtract(b, a))).toBe(true);
  });

  it('subtracting * from NotAction leaves nothing, future actions included', () => {
    expect(isEmptySet(subtract(complement(actionSetOf(['iam:*'])), actionSetOf(['*'])))).toBe(true);
  });
});
