import fc from 'fast-check';
import { defaultJobs } from '../../../cli/parallel-audit';
import { auditAccount, type AuditShard, type AuditSource, type ResourceResult } from '../../../domain/audit/audit-account';
import type { AccountInventory, FunctionConfigurationState, PrincipalNames } from '../../../domain/ports';
import { ACCOUNT, adminDocument, doc, InMemoryIam, lambdaTrust } from '../detectors/iam-fakes';
import { InMemoryLambda } from '../detectors/lambda-fakes';

const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });

class FakeInventory implements AccountInventory {
  constructor(
    private readonly iam: InMemoryIam,
    private readonly functions: readonly FunctionConfigurationState[],
  ) {}
  readAccount(): Promise<{ accountId: string; partition: string }> {
    return Promise.resolve({ accountId: ACCOUNT, partition: 'aws' });
  }
  listPrincipalNames(): Promise<PrincipalNames> {
    return Promise.resolve({ roles: [...this.iam.roles.keys()], users: [...this.iam.users.keys()], groups: [...this.iam.groups.keys()] });
  }
  listLambdaRegions(): Promise<string[]> {
    return Promise.resolve(['us-east-1']);
  }
  listFunctions(): Promise<readonly FunctionConfigurationState[]> {
    return Promise.resolve(this.functions);
  }
}

/** An account of `roles` roles (every third an administrator), two users and `functions` functions. */
async function account(roles: number, functions: number): Promise<AuditSource> {
  const iam = new InMemoryIam();
  for (let i = 0; i < roles; i++) iam.role(`role-${i}`, { trustPolicy: lambdaTrust, inlinePolicies: [{ name: 'p', document: i % 3 === 0 ? adminDocument : narrow }] });
  iam.user('alice', { inlinePolicies: [{ name: 'p', document: adminDocument }] }).user('bob');
  const lambda = new InMemoryLambda();
  for (let i = 0; i < functions; i++) lambda.fn(`fn-${i}`, { variables: i % 2 === 0 ? { DB_PASSWORD: 'correct-horse-battery-staple-42' } : { LOG_LEVEL: 'info' } });
  const states = await Promise.all(Array.from({ length: functions }, async (_, i) => (await lambda.getFunction('us-east-1', `fn-${i}`)) as FunctionConfigurationState));
  return { inventory: new FakeInventory(iam, states), readers: { iam, awsManaged: iam, lambda, fingerprintKey: { fingerprintKey: () => Promise.resolve('shard-test-key-0123456789abcdef') } } };
}

async function collect(source: AuditSource, shard?: AuditShard, totals?: number[]): Promise<ResourceResult[]> {
  const out: ResourceResult[] = [];
  for await (const result of auditAccount(source, (_done, total) => totals?.push(total), shard)) out.push(result);
  return out;
}

/** One result from each shard in turn, as `warden audit --jobs` merges them. */
function interleave(shards: readonly ResourceResult[][]): ResourceResult[] {
  const out: ResourceResult[] = [];
  for (let position = 0; ; position++) {
    const next = shards[position % shards.length]?.[Math.floor(position / shards.length)];
    if (next === undefined) return out;
    out.push(next);
  }
}

describe('auditAccount shards', () => {
  it('taking one result from each shard in turn gives the whole audit, whatever the sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 6 }), async (roles, functions, count) => {
        const source = await account(roles, functions);
        const whole = await collect(source);
        const totals = Array.from({ length: count }, (): number[] => []);
        const shards = await Promise.all(Array.from({ length: count }, (_, index) => collect(source, { index, count }, totals[index])));
        expect(interleave(shards)).toEqual(whole);
        // Each shard's progress counts its own part; the parts add up to the whole audit.
        expect(totals.reduce((sum, reported) => sum + (reported[0] ?? Number.NaN), 0)).toBe(whole.length);
      }),
      { numRuns: 40 },
    );
  });

  it('each shard counts its own resources in its progress', async () => {
    const source = await account(5, 2);
    const seen: [number, number][] = [];
    for await (const result of auditAccount(source, (done, total) => seen.push([done, total]), { index: 1, count: 3 })) expect(result.resourceArn).toBeDefined();
    // 9 resources (2 functions, 5 roles, 2 users): positions 1, 4, 7 are shard 1's.
    expect(seen).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it.each([
    { index: 2, count: 2 },
    { index: -1, count: 2 },
    { index: 0, count: 0 },
    { index: 0.5, count: 2 },
  ])('refuses the shard %o', async (shard) => {
    const source = await account(1, 0);
    await expect(collect(source, shard)).rejects.toThrow('audit shard');
  });
});

describe('defaultJobs', () => {
  it.each([
    [999, 16, 1],
    [1_000, 2, 1],
    [1_000, 3, 1],
    [1_000, 4, 3],
    [50_000, 8, 4],
  ])('%i resources on %i CPUs: %i thread(s)', (resources, cpus, jobs) => {
    expect(defaultJobs(resources, cpus)).toBe(jobs);
  });
});
