import { runSweep, sweepAlert, type SweepDeps, type SweepState } from '../../../domain/audit/sweep';
import type { AlertMessage } from '../../../domain/notifications/alert-message';
import type { AccountInventory, FunctionConfigurationState, PrincipalNames } from '../../../domain/ports';
import type { LastKnownGood } from '../../../domain/remediation/ledger-record';
import type { TrailState } from '../../../domain/trail';
import { ACCOUNT, adminDocument, doc, InMemoryIam, managedPolicy } from '../detectors/iam-fakes';
import { InMemoryLambda } from '../detectors/lambda-fakes';

const narrow = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
const loggingTrail: TrailState = { name: 'main', homeRegion: 'us-east-1', isMultiRegion: true, isLogging: true, logsWriteManagementEvents: true };

/** The inventory of the in-memory account: its principals' names and functions. */
class FakeInventory implements AccountInventory {
  constructor(
    private readonly iam: InMemoryIam,
    private readonly functions: readonly FunctionConfigurationState[] = [],
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

interface World {
  readonly deps: SweepDeps;
  readonly alerts: AlertMessage[];
  readonly lkg: LastKnownGood[];
  stored?: SweepState;
}

function world(iam: InMemoryIam, trails: TrailState[] = [loggingTrail]): World {
  const alerts: AlertMessage[] = [];
  const lkg: LastKnownGood[] = [];
  const w: World = {
    alerts,
    lkg,
    deps: {
      inventory: new FakeInventory(iam),
      readers: { iam, awsManaged: iam, lambda: new InMemoryLambda(), fingerprintKey: { fingerprintKey: () => Promise.resolve('sweep-test-key-0123456789') } },
      trails: { listTrails: () => Promise.resolve(trails) },
      homeRegion: 'us-east-1',
      state: {
        load: () => Promise.resolve(w.stored),
        save: (state) => Promise.resolve(void (w.stored = state)),
      },
      ledger: { putLastKnownGood: (entry) => Promise.resolve(void lkg.push(entry)) },
      alerts: { publish: (message) => Promise.resolve(void alerts.push(message)) },
      now: () => new Date('2026-11-23T03:00:00Z'),
    },
  };
  return w;
}

describe('runSweep', () => {
  it('the first sweep sets the baseline: findings are standing, none is "new"', async () => {
    const iam = new InMemoryIam().role('app', { inlinePolicies: [{ name: 'all', document: adminDocument }] }).role('worker', { inlinePolicies: [{ name: 'reports', document: narrow }] });
    const w = world(iam);
    const report = await runSweep(w.deps);
    expect(report.hasBaseline).toBe(false);
    expect(report.current.map((finding) => finding.ruleId)).toContain('iam-admin-equivalent');
    expect(report.added).toEqual([]);
    expect(w.alerts).toEqual([]);
    expect(w.stored?.findings.length).toBe(report.current.length);
  });

  it('reports new and resolved findings against the previous sweep, in one alert', async () => {
    const iam = new InMemoryIam().role('app', { inlinePolicies: [{ name: 'all', document: adminDocument }] }).role('worker', { inlinePolicies: [{ name: 'reports', document: narrow }] });
    const w = world(iam);
    await runSweep(w.deps);
    iam.role('app', { inlinePolicies: [{ name: 'all', document: narrow }] });
    iam.role('worker', { inlinePolicies: [{ name: 'reports', document: adminDocument }] });
    const report = await runSweep(w.deps);
    expect(report.added.map((finding) => finding.resourceArn)).toEqual([`arn:aws:iam::${ACCOUNT}:role/worker`]);
    expect(report.resolved.map((finding) => finding.resourceArn)).toEqual([`arn:aws:iam::${ACCOUNT}:role/app`]);
    expect(w.alerts).toHaveLength(1);
    expect(w.alerts[0]?.subject).toBe(`Warden sweep ${ACCOUNT}: 1 new, 1 resolved`);
    expect(w.alerts[0]?.attributes).toEqual({ severity: 'critical', ruleId: 'warden-sweep', action: 'notify', account: ACCOUNT });
    expect(w.alerts[0]?.text).toContain(`CRITICAL iam-admin-equivalent arn:aws:iam::${ACCOUNT}:role/worker`);
  });

  it('an unchanged account sends no alert', async () => {
    const w = world(new InMemoryIam().role('app', { inlinePolicies: [{ name: 'all', document: adminDocument }] }));
    await runSweep(w.deps);
    await runSweep(w.deps);
    expect(w.alerts).toEqual([]);
  });

  it('alerts loudly when no trail feeds EventBridge, even with no finding', async () => {
    const w = world(new InMemoryIam(), [{ ...loggingTrail, isLogging: false }]);
    const report = await runSweep(w.deps);
    expect(report.coverage.covered).toBe(false);
    expect(w.alerts[0]?.subject).toContain('NO TRAIL');
    expect(w.alerts[0]?.text).toContain('logging off');
  });

  it('records last-known-good documents of clean principals only, decoded', async () => {
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/reports`;
    const iam = new InMemoryIam()
      .policy(managedPolicy(policyArn, encodeURIComponent(narrow)))
      .role('worker', { inlinePolicies: [{ name: 'reports', document: encodeURIComponent(narrow) }], attachedPolicies: [{ arn: policyArn, name: 'reports' }] })
      .role('app', { inlinePolicies: [{ name: 'all', document: adminDocument }] });
    const w = world(iam);
    const report = await runSweep(w.deps);
    const keys = w.lkg.map((entry) => entry.key).sort();
    expect(keys).toEqual([`${policyArn}#default-version`, `arn:aws:iam::${ACCOUNT}:role/worker#inline:reports`, `arn:aws:iam::${ACCOUNT}:role/worker#trust-policy`]);
    expect(w.lkg.find((entry) => entry.key.endsWith('#inline:reports'))?.document).toBe(narrow);
    expect(report.lastKnownGoodRefreshed).toBe(3);
  });
});

describe('sweepAlert', () => {
  it('lists at most 25 findings per section and says how many more', () => {
    const findings = Array.from({ length: 30 }, (_, index) => ({ id: `f${index}`, ruleId: 'iam-admin-equivalent', severity: 'critical' as const, resourceArn: `arn:aws:iam::${ACCOUNT}:role/r${index}`, title: 't' }));
    const alert = sweepAlert({ accountId: ACCOUNT, coverage: { covered: true, trail: 'main' }, resources: 30, errors: [], current: findings, added: findings, resolved: [], hasBaseline: true, lastKnownGoodRefreshed: 0 });
    expect(alert.text).toContain('… and 5 more');
    expect(alert.subject.length).toBeLessThan(100);
  });
});
