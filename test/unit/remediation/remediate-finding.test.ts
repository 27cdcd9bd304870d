import { parseConfig, type WardenConfig } from '../../../domain/config';
import { isRetryable, ThrottledError } from '../../../domain/errors';
import type { Finding } from '../../../domain/findings';
import type { AlertMessage } from '../../../domain/notifications/alert-message';
import type { AlertPublisher, IamReader, ManagedPolicyState, RoleState, StateVerifier, StepRunner, Verification } from '../../../domain/ports';
import { Executor } from '../../../domain/remediation/executor';
import type { StepCall } from '../../../domain/remediation/plan';
import { remediateFinding, type FindingOutcome, type RemediatorDeps } from '../../../domain/remediation/remediate-finding';
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
  const deps: RemediatorDeps = { config, readers: { iam }, ledger, executor, publisher: alerts, location: { kind: 'file', path: '.warden/ledger.jsonl' }, now: () => NOW };
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
