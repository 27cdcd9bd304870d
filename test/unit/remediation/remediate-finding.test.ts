import { parseConfig, type WardenConfig } from '../../../domain/config';
import { AccessDeniedError, isRetryable, ThrottledError } from '../../../domain/errors';
import type { Finding } from '../../../domain/findings';
import type { AlertMessage } from '../../../domain/notifications/alert-message';
import type { AlertPublisher, IamReader, ManagedPolicyState, RoleState, StateVerifier, StepRunner, Verification } from '../../../domain/ports';
import { Executor, RemediationInProgressError } from '../../../domain/remediation/executor';
import type { StepCall } from '../../../domain/remediation/plan';
import { leaseKeyOf, remediateFinding, RESOURCE_LEASE_MS, type FindingOutcome, type RemediatorDeps } from '../../../domain/remediation/remediate-finding';
import { MemoryLedger } from './memory-ledger';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const ADMIN_POLICY = `arn:aws:iam::${ACCOUNT}:policy/everything`;
const NOW = new Date('2026-06-15T12:00:00Z');

/** An in-memory IAM account: one role whose attachments and trust policy the runner changes. */
class FakeIam implements IamReader, StepRunner, StateVerifier {
  attached: string[] = [ADMIN_POLICY];
  tags: Record<string, string> = {};
  trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}';
  readonly calls: StepCall[] = [];
  readonly policies = new Map<string, ManagedPolicyState>();
  failWith?: Error;

  getRole(name: string): Promise<RoleState | undefined> {
    if (name !== 'app') return Promise.resolve(undefined);
    return Promise.resolve({ kind: 'role', arn: ROLE, name, path: '/', inlinePolicies: [], attachedPolicies: this.attached.map((arn) => ({ arn, name: arn.split('/').pop() ?? arn })), trustPolicy: this.trust, tags: this.tags });
  }
  getUser(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  getGroup(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  getManagedPolicy(arn: string): Promise<ManagedPolicyState | undefined> {
    return Promise.resolve(this.policies.get(arn));
  }
  getPolicyVersion(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  run(call: StepCall): Promise<void> {
    this.calls.push(call);
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    const arn = String(call.params['PolicyArn']);
    if (call.action === 'iam:DetachRolePolicy') this.attached = this.attached.filter((a) => a !== arn);
    if (call.action === 'iam:AttachRolePolicy') this.attached.push(arn);
    if (call.action === 'iam:CreatePolicy') {
      const created = `arn:aws:iam::${ACCOUNT}:policy${String(call.params['Path'])}${String(call.params['PolicyName'])}`;
      this.policies.set(created, { arn: created, name: 'q', path: '/warden/', defaultVersionId: 'v1', document: String(call.params['PolicyDocument']), versions: [] });
    }
    return Promise.resolve();
  }
  verify(call: StepCall): Promise<Verification> {
    const arn = String(call.params['PolicyArn']);
    if (call.action === 'iam:DetachRolePolicy') return Promise.resolve({ state: this.attached.includes(arn) ? 'differs' : 'holds' });
    if (call.action === 'iam:AttachRolePolicy') return Promise.resolve({ state: this.attached.includes(arn) ? 'holds' : 'differs' });
    return Promise.resolve({ state: 'unknown' });
  }
}

class Collect implements AlertPublisher {
  readonly messages: AlertMessage[] = [];
  publish(message: AlertMessage): Promise<void> {
    this.messages.push(message);
    return Promise.resolve();
  }
}

function attachFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-attach',
    ruleId: 'iam-admin-equivalent',
    category: 'admin-equivalent',
    severity: 'critical',
    resourceArn: ROLE,
    title: 'Role app is administrator-equivalent',
    evidence: { via: 'all-actions-all-resources' },
    widened: true,
    subject: { kind: 'role', name: 'app', arn: ROLE },
    trigger: { eventName: 'AttachRolePolicy', params: { roleName: 'app', policyArn: ADMIN_POLICY } },
    eventId: 'event-1',
    correlationId: 'corr-1',
    accountId: ACCOUNT,
    region: 'us-east-1',
    ...overrides,
  };
}

function setup(config: WardenConfig): { deps: RemediatorDeps; iam: FakeIam; ledger: MemoryLedger; alerts: Collect } {
  const iam = new FakeIam();
  const ledger = new MemoryLedger(() => NOW);
  const alerts = new Collect();
  const executor = new Executor({ ledger, runner: iam, verifier: iam, now: () => NOW, sleep: () => Promise.resolve() });
  // A lease wait yields to whatever else runs (another copy finishing), without real time passing.
  const sleep = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  const deps: RemediatorDeps = { config, readers: { iam }, ledger, executor, publisher: alerts, location: { kind: 'file', path: '.warden/ledger.jsonl' }, now: () => NOW, sleep };
  return { deps, iam, ledger, alerts };
}

describe('remediateFinding', () => {
  it('notify: shows the plan with its undo id, changes nothing, alerts once', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'notify' }));
    const outcome = await remediateFinding(attachFinding(), deps);
    expect(outcome).toMatchObject({ status: 'notified', remediationId: 'detach-policy', actions: [{ step: 'detach-policy', status: 'planned' }] });
    expect(outcome.undoCommand).toBe(`warden undo ${outcome.undoId ?? ''} --live --ledger .warden/ledger.jsonl`);
    expect(iam.calls).toEqual([]);
    expect(ledger.records.size).toBe(0);
    expect(alerts.messages).toHaveLength(1);
    expect(alerts.messages[0]?.subject).toMatch(/^\[Warden\] CRITICAL alert:/);
  });

  it('enforce: records, applies, alerts with the undo command; a redelivery neither acts nor alerts again', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'enforce' }));
    const first = await remediateFinding(attachFinding(), deps, { principalArn: 'arn:aws:sts::1:assumed-role/admin/alice', sourceIp: '203.0.113.9' });
    expect(first).toMatchObject({ status: 'applied', actions: [{ status: 'applied' }] });
    expect(iam.attached).toEqual([]);
    expect(ledger.records.get(first.undoId ?? '')?.priorState).toEqual({ attachedPolicyArn: ADMIN_POLICY });
    expect(alerts.messages[0]?.text).toContain(first.undoCommand ?? 'missing');
    expect(alerts.messages[0]?.text).toContain('203.0.113.9');
    const again = await remediateFinding(attachFinding(), deps);
    expect(again).toMatchObject({ status: 'already-recorded', undoId: first.undoId, actions: [{ status: 'applied' }] });
    expect(iam.calls).toHaveLength(1);
    expect(alerts.messages).toHaveLength(1);
  });

  it('ignores an exempt resource: no change, no alert', async () => {
    const { deps, iam, alerts } = setup(parseConfig({ mode: 'enforce' }));
    iam.tags = { 'warden:exempt': 'reason=migration expires=2026-12-31' };
    const outcome = await remediateFinding(attachFinding(), deps);
    expect(outcome).toMatchObject({ status: 'ignored', actions: [] });
    expect(outcome.decision.reason).toMatch(/exempt by tag/);
    expect(iam.calls).toEqual([]);
    expect(alerts.messages).toEqual([]);
  });

  it('the circuit breaker stops acting on a resource that had too many actions', async () => {
    const { deps, iam } = setup(parseConfig({ mode: 'enforce', circuitBreaker: { maxActions: 1 } }));
    await remediateFinding(attachFinding(), deps);
    iam.attached = [ADMIN_POLICY];
    const outcome = await remediateFinding(attachFinding({ id: 'f-2', eventId: 'event-2' }), deps);
    expect(outcome.status).toBe('notified');
    expect(outcome.decision.reason).toMatch(/circuit breaker open/);
    expect(iam.attached).toEqual([ADMIN_POLICY]);
  });

  it('falls back to the quarantine without an exact prior state, once per principal', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'enforce' }));
    const trust = (id: string): Finding =>
      attachFinding({ id, ruleId: 'iam-trust-public', category: 'trust-policy', widened: undefined, trigger: { eventName: 'UpdateAssumeRolePolicy', params: { roleName: 'app' } } });
    const first = await remediateFinding(trust('t-1'), deps);
    expect(first).toMatchObject({ status: 'applied', remediationId: 'quarantine-principal' });
    const quarantine = `arn:aws:iam::${ACCOUNT}:policy/warden/warden-quarantine-role-app`;
    expect(iam.attached).toContain(quarantine);
    const second = await remediateFinding(trust('t-2'), deps);
    expect(second).toMatchObject({ status: 'already-recorded', undoId: first.undoId });
    expect(second.decision.reason).toMatch(/another finding of event/);
    expect(alerts.messages).toHaveLength(1);
    // A later event finds the quarantine in place and only reports.
    const later = await remediateFinding({ ...trust('t-3'), eventId: 'event-9' }, deps);
    expect(later.status).toBe('notified');
    expect(later.decision.reason).toMatch(/already quarantined/);
    expect(iam.attached.filter((arn) => arn === quarantine)).toHaveLength(1);
    expect(ledger.records.size).toBe(1);
  });

  it('rethrows a retryable failure after recording it, and a retry resumes', async () => {
    const { deps, iam, ledger } = setup(parseConfig({ mode: 'enforce' }));
    iam.failWith = new ThrottledError('Rate exceeded');
    await expect(remediateFinding(attachFinding(), deps)).rejects.toThrow(ThrottledError);
    expect([...ledger.records.values()][0]?.status).toBe('failed');
    iam.failWith = undefined;
    const retry = await remediateFinding(attachFinding(), deps);
    expect(retry.status).toBe('applied');
    expect(iam.attached).toEqual([]);
  });

  it('a copy that finds the state already fixed by its own finished record reports it, without a "nothing to do" alert', async () => {
    const { deps, iam, alerts } = setup(parseConfig({ mode: 'enforce' }));
    // Two copies at once: both read the ledger before either records; one acts, the other sees the fix.
    // A copy refused while the other holds the record is redelivered, as EventBridge does.
    const deliver = async (): Promise<FindingOutcome> => {
      for (;;) {
        try {
          return await remediateFinding(attachFinding(), deps);
        } catch (error) {
          if (!isRetryable(error)) throw error;
        }
      }
    };
    const [first, second] = await Promise.all([deliver(), deliver()]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual(['already-recorded', 'applied']);
    expect(iam.calls).toHaveLength(1);
    expect(alerts.messages).toHaveLength(1);
  });

  it('a copy that reaches the executor after another copy settled the record reports already-recorded', async () => {
    const { deps, iam, alerts } = setup(parseConfig({ mode: 'enforce' }));
    const first = await remediateFinding(attachFinding(), deps);
    // The state looks unfixed to the late copy (e.g. a stale read): the executor finds the settled record.
    iam.attached = [ADMIN_POLICY];
    const late = await remediateFinding(attachFinding(), { ...deps, ledger: Object.assign(Object.create(deps.ledger) as typeof deps.ledger, { get: () => Promise.resolve(undefined) }) });
    expect(late).toMatchObject({ status: 'already-recorded', undoId: first.undoId });
    expect(iam.calls).toHaveLength(1);
    expect(alerts.messages).toHaveLength(1);
  });

  it('quarantines a principal whose revert is withheld because it was already over-broad (DESIGN.md §5), once', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'enforce' }));
    const first = await remediateFinding(attachFinding({ widened: false }), deps);
    expect(first).toMatchObject({ status: 'applied', remediationId: 'quarantine-principal' });
    expect(first.decision.reason).toMatch(/detach-policy withheld: the change did not widen access/);
    const quarantine = `arn:aws:iam::${ACCOUNT}:policy/warden/warden-quarantine-role-app`;
    expect(iam.attached).toEqual([ADMIN_POLICY, quarantine]);
    const again = await remediateFinding(attachFinding({ widened: false }), deps);
    expect(again.status).toBe('already-recorded');
    expect(alerts.messages).toHaveLength(1);
    expect(ledger.records.size).toBe(1);
  });

  it('notify mode still only reports a revert withheld for not widening access', async () => {
    const { deps, iam } = setup(parseConfig({ mode: 'notify' }));
    const outcome = await remediateFinding(attachFinding({ widened: false }), deps);
    expect(outcome).toMatchObject({ status: 'notified', remediationId: 'detach-policy' });
    expect(iam.calls).toEqual([]);
  });

  it('mode off ignores the finding silently', async () => {
    const { deps, alerts } = setup(parseConfig({ mode: 'off' }));
    expect((await remediateFinding(attachFinding(), deps)).status).toBe('ignored');
    expect(alerts.messages).toEqual([]);
  });
});

describe('remediateFinding under the resource lease', () => {
  const held = (owner: string, untilMs: number): { owner: string; until: number } => ({ owner, until: untilMs });

  it('leases the whole function (any qualifier), else the principal, else the resource', () => {
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:orders';
    expect(leaseKeyOf(attachFinding({ resourceArn: `${fn}:live`, subject: { kind: 'function', name: 'orders', arn: `${fn}:live`, region: 'us-east-1', qualifier: 'live' } }))).toBe(fn);
    expect(leaseKeyOf(attachFinding({ resourceArn: fn, subject: { kind: 'function', name: 'orders', arn: fn, region: 'us-east-1' } }))).toBe(fn);
    expect(leaseKeyOf(attachFinding())).toBe(ROLE);
    expect(leaseKeyOf(attachFinding({ subject: undefined, resourceArn: ADMIN_POLICY }))).toBe(ADMIN_POLICY);
  });

  it('a run that cannot get the lease waits, then throws a retryable RemediationInProgressError, having done nothing', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'enforce' }));
    ledger.leases.set(ROLE, held('another-run', NOW.getTime() + 60_000));
    const pauses: number[] = [];
    const error: unknown = await remediateFinding(attachFinding(), { ...deps, leaseWaitMs: 1000, sleep: (ms) => Promise.resolve(void pauses.push(ms)) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemediationInProgressError);
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toContain(ROLE);
    expect(pauses.length).toBeGreaterThan(1);
    expect(pauses.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(1000);
    expect({ calls: iam.calls, records: ledger.records.size, alerts: alerts.messages.length }).toEqual({ calls: [], records: 0, alerts: 0 });
    // The holder's lease is untouched.
    expect(ledger.leases.get(ROLE)?.owner).toBe('another-run');
  });

  it('takes the lease once its holder gives it back during the wait', async () => {
    const { deps, ledger } = setup(parseConfig({ mode: 'enforce' }));
    ledger.leases.set(ROLE, held('another-run', NOW.getTime() + 60_000));
    const sleep = async (): Promise<void> => ledger.releaseLease(ROLE, 'another-run');
    expect((await remediateFinding(attachFinding(), { ...deps, sleep })).status).toBe('applied');
  });

  it('takes over an expired lease (a crashed run), and holds it for RESOURCE_LEASE_MS while it works', async () => {
    const { deps, ledger, iam } = setup(parseConfig({ mode: 'enforce' }));
    ledger.leases.set(ROLE, held('crashed-run', NOW.getTime() - 1));
    let during: { owner: string; until: number } | undefined;
    const runner = Object.assign(Object.create(iam) as FakeIam, {
      run: (call: StepCall): Promise<void> => {
        during = ledger.leases.get(ROLE);
        return iam.run(call);
      },
    });
    const executor = new Executor({ ledger, runner, verifier: iam, now: () => NOW, sleep: () => Promise.resolve() });
    expect((await remediateFinding(attachFinding(), { ...deps, executor, leaseWaitMs: 0 })).status).toBe('applied');
    expect(during?.until).toBe(NOW.getTime() + RESOURCE_LEASE_MS);
    expect(during?.owner).not.toBe('crashed-run');
    expect(RESOURCE_LEASE_MS).toBeGreaterThan(60_000);
  });

  it('gives the lease back after success, after a recorded failure, after a retryable failure and after a planning error', async () => {
    const { deps, iam, ledger } = setup(parseConfig({ mode: 'enforce' }));
    const heldThenReleased = (): void => {
      expect(ledger.leaseLog.splice(0)).toEqual([`acquire ${ROLE}`, `release ${ROLE}`]);
      expect(ledger.leases.get(ROLE)).toBeUndefined();
    };
    expect((await remediateFinding(attachFinding(), deps)).status).toBe('applied');
    heldThenReleased();

    iam.attached = [ADMIN_POLICY];
    iam.failWith = new AccessDeniedError('iam:DetachRolePolicy denied');
    expect((await remediateFinding(attachFinding({ id: 'f-2', eventId: 'event-2' }), deps)).status).toBe('failed');
    heldThenReleased();

    iam.failWith = new ThrottledError('Rate exceeded');
    await expect(remediateFinding(attachFinding({ id: 'f-3', eventId: 'event-3' }), deps)).rejects.toThrow(ThrottledError);
    heldThenReleased();

    iam.failWith = undefined;
    const broken = { ...iam, getRole: (): Promise<RoleState | undefined> => Promise.reject(new ThrottledError('Rate exceeded')) } as unknown as IamReader;
    await expect(remediateFinding(attachFinding({ id: 'f-4', eventId: 'event-4' }), { ...deps, readers: { iam: broken } })).rejects.toThrow(ThrottledError);
    heldThenReleased();
  });

  it('a copy of a settled finding answers without taking the lease', async () => {
    const { deps, ledger } = setup(parseConfig({ mode: 'enforce' }));
    await remediateFinding(attachFinding(), deps);
    ledger.leaseLog.splice(0);
    ledger.leases.set(ROLE, held('another-run', NOW.getTime() + 60_000));
    expect((await remediateFinding(attachFinding(), { ...deps, leaseWaitMs: 0 })).status).toBe('already-recorded');
    expect(ledger.leaseLog).toEqual([]);
  });

  it('findings of two events on one role at once: one acts, the other re-reads after it and finds nothing to do', async () => {
    const { deps, iam, ledger, alerts } = setup(parseConfig({ mode: 'enforce' }));
    const [a, b] = await Promise.all([remediateFinding(attachFinding(), deps), remediateFinding(attachFinding({ id: 'f-b', eventId: 'event-b' }), deps)]);
    expect([a.status, b.status].sort()).toEqual(['applied', 'notified']);
    expect(iam.calls.map((call) => call.action)).toEqual(['iam:DetachRolePolicy']);
    expect(ledger.records.size).toBe(1);
    expect(alerts.messages.map((m) => m.subject.replace(/:.*/, '')).sort()).toEqual(['[Warden] CRITICAL alert', '[Warden] CRITICAL remediated']);
  });

  it('copies of a notified finding alert once, in notify mode and when there is nothing left to do', async () => {
    const { deps, alerts } = setup(parseConfig({ mode: 'notify' }));
    const copies = await Promise.all([1, 2, 3].map(() => remediateFinding(attachFinding(), deps)));
    expect(copies.map((c) => c.status).sort()).toEqual(['already-recorded', 'already-recorded', 'notified']);
    expect(copies.find((c) => c.status === 'already-recorded')?.decision.reason).toMatch(/already notified by an earlier delivery of event event-1/);
    expect(alerts.messages).toHaveLength(1);

    const enforce = setup(parseConfig({ mode: 'enforce' }));
    enforce.iam.attached = [];
    const late = [await remediateFinding(attachFinding(), enforce.deps), await remediateFinding(attachFinding(), enforce.deps)];
    expect(late.map((c) => c.status)).toEqual(['notified', 'already-recorded']);
    expect(enforce.alerts.messages).toHaveLength(1);
    // A different finding is a different alert.
    expect((await remediateFinding(attachFinding({ id: 'f-other', eventId: 'event-other' }), enforce.deps)).status).toBe('notified');
    expect(enforce.alerts.messages).toHaveLength(2);
  });
});
