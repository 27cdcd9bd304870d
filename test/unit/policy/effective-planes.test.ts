import fc from 'fast-check';
import { hasBit } from '../../../domain/policy/action-set';
import { catalogue } from '../../../domain/policy/catalogue';
import { effectiveAccess, grantAt, grantsGiving, scopeAt, scratchPlanes, type EffectiveAccess, type Grant } from '../../../domain/policy/effective';
import { scopeOf } from '../../../domain/policy/resource-scope';
import { inline } from './builders';

/**
 * The scope planes against the definition they replace: per action, the broadest class over the
 * grants that hold it (strong: over grants without a restricting condition), and the first grant
 * that reaches that class.
 */
const ACTIONS = ['*', 's3:*', 's3:Get*', 'iam:PassRole', 'iam:*', 'ec2:RunInstances', 'lambda:*', 'kms:Decrypt', 'sts:AssumeRole', 'dynamodb:Query', 'i*:*', 'logs:Put*'];
const RESOURCES = ['*', 'arn:aws:s3:::bucket/*', 'arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:role/app', 'arn:aws:lambda:us-east-1:111122223333:function:*', 'arn:aws:*:*:*:*'];
const CONDITIONS = [undefined, { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, { Bool: { 'aws:SecureTransport': 'true' } }];

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny'),
  actions: fc.subarray(ACTIONS, { minLength: 1, maxLength: 4 }),
  not: fc.boolean(),
  Resource: fc.subarray(RESOURCES, { minLength: 1, maxLength: 3 }),
  Condition: fc.constantFrom(...CONDITIONS),
});
const policies = fc.array(fc.array(statement, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 });

type Input = readonly (readonly { Effect: string; actions: string[]; not: boolean; Resource: string[]; Condition?: unknown }[])[];

function access(input: Input): EffectiveAccess {
  return effectiveAccess(
    input.map((statements, i) =>
      inline(
        statements.map(({ actions, not, Condition, ...rest }) => ({ ...rest, [not ? 'NotAction' : 'Action']: actions, ...(Condition === undefined ? {} : { Condition }) })),
        `p${i}`,
      ),
    ),
  );
}

/** A spread of catalogue actions: every service's first action and a stride through the rest. */
const SAMPLE = (() => {
  const t = catalogue();
  const picks = new Set<number>();
  for (let s = 0; s + 1 < t.serviceStart.length; s += 3) picks.add(t.serviceStart[s] ?? 0);
  for (let i = 0; i < t.names.length; i += 211) picks.add(i);
  return [...picks].filter((i) => i < t.names.length);
})();

function broadest(grants: readonly Grant[], index: number, strongOnly: boolean): number {
  let best = 0;
  for (const g of grants) if (hasBit(g.actions.bits, index) && !(strongOnly && g.condition.strength === 'restricting')) best = Math.max(best, scopeOf(g.resource, index));
  return best;
}

describe('effective access scope planes', () => {
  it('hold, per action, the broadest class of the grants that hold it (and of the strong ones)', () => {
    fc.assert(
      fc.property(policies, (input) => {
        const a = access(input);
        for (const i of SAMPLE) {
          expect([i, scopeAt(a.reach, i), scopeAt(a.strongReach, i)]).toEqual([i, broadest(a.grants, i, false), broadest(a.grants, i, true)]);
          const first = a.grants.find((g) => hasBit(g.actions.bits, i) && scopeOf(g.resource, i) === broadest(a.grants, i, false));
          expect(grantAt(a, i)).toBe(broadest(a.grants, i, false) === 0 ? undefined : first);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('grantsGiving is grantAt of each index, each grant once, in order of first index', () => {
    fc.assert(
      fc.property(policies, fc.shuffledSubarray(SAMPLE, { maxLength: 200 }), (input, indexes) => {
        const a = access(input);
        const expected = [...new Set(indexes.map((i) => grantAt(a, i)).filter((g): g is Grant => g !== undefined))];
        expect(grantsGiving(a, indexes)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('scratch planes come back zeroed, whatever the previous analysis left in them', () => {
    const first = scratchPlanes();
    first.buffer.fill(0xffffffff);
    const again = scratchPlanes();
    expect(again.buffer.every((word) => word === 0)).toBe(true);
    expect(again.reach.length).toBe(5);
  });
});
