import { AccessDeniedError, InvalidInputError, ResourceGoneError, ServiceUnavailableError, ThrottledError } from '../../../domain/errors';
import type { StateVerifier, StepRunner, Verification } from '../../../domain/ports';
import { Executor, RemediationInProgressError, actionViews, dryRun, type ExecutionRequest } from '../../../domain/remediation/executor';
import { LedgerRecordNotFoundError, newLedgerRecord, undoIdFor } from '../../../domain/remediation/ledger-record';
import type { Plan, StepCall } from '../../../domain/remediation/plan';
import { shellWord, undoCommand } from '../../../domain/remediation/undo-command';
import { MemoryLedger } from './memory-ledger';

const ROLE = 'arn:aws:iam::123456789012:role/app';
const POLICY = 'arn:aws:iam::123456789012:policy/admin';

const plan: Plan = {
  remediationId: 'detach-and-restore',
  findingId: 'finding-1',
  steps: [
    {
      step: 'detach-policy',
      target: ROLE,
      call: { action: 'iam:DetachRolePolicy', params: { RoleName: 'app', PolicyArn: POLICY } },
      inverse: { action: 'iam:AttachRolePolicy', params: { RoleName: 'app', PolicyArn: POLICY } },
    },
    {
      step: 'restore-inline',
      target: ROLE,
      call: { action: 'iam:PutRolePolicy', params: { RoleName: 'app', PolicyName: 'p', PolicyDocument: '{"good":true}' } },
      inverse: { action: 'iam:PutRolePolicy', params: { RoleName: 'app', PolicyName: 'p', PolicyDocument: '{"bad":true}' } },
    },
    {
      step: 'set-trust',
      target: ROLE,
      call: { action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: 'app', PolicyDocument: '{"trust":"good"}' } },
      inverse: { action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: 'app', PolicyDocument: '{"trust":"bad"}' } },
    },
  ],
};

const request: ExecutionRequest = {
  plan,
  eventId: 'event-1',
  correlationId: 'corr-1',
  resourceArn: ROLE,
  priorState: { 'inline:p': '{"bad":true}', 'trust-policy': '{"trust":"bad"}' },
};

const UNDO_ID = undoIdFor('event-1', 'finding-1');

/** A runner whose calls fail as scripted: per call key, a queue of errors (then success). */
class ScriptedRunner implements StepRunner {
  readonly calls: string[] = [];
  private readonly failures = new Map<string, Error[]>();

  constructor(private readonly log: string[]) {}

  failNext(call: StepCall, ...errors: Error[]): void {
    this.failures.set(key(call), [...(this.failures.get(key(call)) ?? []), ...errors]);
  }

  run(call: StepCall): Promise<void> {
    this.calls.push(key(call));
    this.log.push(`run ${key(call)}`);
    const next = this.failures.get(key(call))?.shift();
    return next === undefined ? Promise.resolve() : Promise.reject(next);
  }
}

/** A verifier that answers `holds` unless told otherwise for a call. */
class FakeVerifier implements StateVerifier {
  readonly answers = new Map<string, Verification | Error>();
  readonly calls: string[] = [];
  private readonly onceAnswers = new Map<string, Verification[]>();

  /** Answers `answer` the next time only. */
  once(callKey: string, answer: Verification): void {
    this.onceAnswers.set(callKey, [...(this.onceAnswers.get(callKey) ?? []), answer]);
  }

  verify(call: StepCall): Promise<Verification> {
    this.calls.push(key(call));
    const answer = this.onceAnswers.get(key(call))?.shift() ?? this.answers.get(key(call)) ?? { state: 'holds' };
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

function key(call: StepCall): string {
  const document = typeof call.params['PolicyDocument'] === 'string' ? ` ${call.params['PolicyDocument']}` : '';
  return `${call.action}${document}`;
}

function setup(start = '2026-06-15T12:00:00Z') {
  let now = new Date(start);
  const ledger = new MemoryLedger(() => now);
  const runner = new ScriptedRunner(ledger.writes);
  const verifier = new FakeVerifier();
  const sleeps: number[] = [];
  const executor = new Executor({
    ledger,
    runner,
    verifier,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const advance = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };
  return { ledger, runner, verifier, sleeps, executor, advance };
}

describe('Executor.execute', () => {
  it('records first, then applies the steps in order marking each, then completes', async () => {
    const { ledger, executor, verifier } = setup();
    const result = await executor.execute(request);
    expect(result).toMatchObject({ undoId: UNDO_ID, status: 'applied', resumed: false, reason: 'applied and verified' });
    expect(ledger.writes).toEqual([
      `begin ${UNDO_ID}`,
      'run iam:DetachRolePolicy',
      'step 0 applied',
      'run iam:PutRolePolicy {"good":true}',
      'step 1 applied',
      'run iam:UpdateAssumeRolePolicy {"trust":"good"}',
      'step 2 applied',
      'complete applied',
    ]);
    expect(verifier.calls).toEqual(['iam:DetachRolePolicy', 'iam:PutRolePolicy {"good":true}', 'iam:UpdateAssumeRolePolicy {"trust":"good"}']);
    expect(result.actions).toEqual([
      { step: 'detach-policy', target: ROLE, status: 'applied', undoId: UNDO_ID },
      { step: 'restore-inline', target: ROLE, status: 'applied', undoId: UNDO_ID },
      { step: 'set-trust', target: ROLE, status: 'applied', undoId: UNDO_ID },
    ]);
  });

  it('records the prior state, the plan with inverses and the correlation id', async () => {
    const { ledger, executor } = setup();
    await executor.execute(request);
    expect(await ledger.get(UNDO_ID)).toMatchObject({
      eventId: 'event-1',
      findingId: 'finding-1',
      correlationId: 'corr-1',
      resourceArn: ROLE,
      remediationId: 'detach-and-restore',
      plan,
      priorState: request.priorState,
      status: 'applied',
    });
  });

  it('marks the record unverified when the re-read does not show a step', async () => {
    const { executor, verifier } = setup();
    verifier.answers.set('iam:PutRolePolicy {"good":true}', { state: 'differs', detail: 'document differs' });
    const result = await executor.execute(request);
    expect(result.status).toBe('unverified');
    expect(result.reason).toMatch(/iam:PutRolePolicy not in effect: document differs/);
  });

  it('marks the record unverified when the re-read itself fails', async () => {
    const { executor, verifier } = setup();
    verifier.answers.set('iam:DetachRolePolicy', new AccessDeniedError('iam:ListAttachedRolePolicies failed: AccessDenied'));
    const result = await executor.execute(request);
    expect(result.status).toBe('unverified');
    expect(result.reason).toMatch(/could not verify: AccessDeniedError/);
  });

  it('accepts `unknown` verifications (nothing to re-read)', async () => {
    const { executor, verifier } = setup();
    verifier.answers.set('iam:DetachRolePolicy', { state: 'unknown' });
    expect((await executor.execute(request)).status).toBe('applied');
  });

  it('reports AccessDenied without retrying or throwing, saying what was and was not applied', async () => {
    const { ledger, runner, executor, sleeps } = setup();
    runner.failNext({ action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"good":true}' } }, new AccessDeniedError('iam:PutRolePolicy failed: AccessDenied'));
    const result = await executor.execute(request);
    expect(result.status).toBe('failed');
    expect(result.reason).toBe('step 2 (restore-inline) failed: AccessDeniedError: iam:PutRolePolicy failed: AccessDenied');
    expect(runner.calls).toEqual(['iam:DetachRolePolicy', 'iam:PutRolePolicy {"good":true}']);
    expect(sleeps).toEqual([]);
    expect(result.actions.map((a) => [a.step, a.status, a.reason])).toEqual([
      ['detach-policy', 'applied', undefined],
      ['restore-inline', 'failed', 'AccessDeniedError: iam:PutRolePolicy failed: AccessDenied'],
      ['set-trust', 'skipped', 'not applied'],
    ]);
    const record = await ledger.get(UNDO_ID);
    expect(record?.status).toBe('failed');
    expect(record?.steps.map((s) => s.status)).toEqual(['applied', 'failed', 'pending']);
  });

  it('reports any other non-retryable error the same way', async () => {
    const { runner, executor } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new InvalidInputError('iam:DetachRolePolicy failed: ValidationError'));
    const result = await executor.execute(request);
    expect(result.status).toBe('failed');
    expect(runner.calls).toEqual(['iam:DetachRolePolicy']);
  });

  it('treats a forward step whose target is already gone as done when the re-read shows its effect', async () => {
    const { ledger, runner, executor } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new ResourceGoneError('iam:DetachRolePolicy failed: NoSuchEntity'));
    const result = await executor.execute(request);
    expect(result.status).toBe('applied');
    expect(result.actions[0]).toMatchObject({ step: 'detach-policy', status: 'applied', reason: 'target already gone: found in effect' });
    expect((await ledger.get(UNDO_ID))?.steps.map((s) => s.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('still fails a gone target whose effect the re-read does not show', async () => {
    const { runner, verifier, executor } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new ResourceGoneError('iam:DetachRolePolicy failed: NoSuchEntity'));
    verifier.answers.set('iam:DetachRolePolicy', { state: 'differs', detail: 'still attached' });
    const result = await executor.execute(request);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/ResourceGoneError/);
  });

  it('says when the record was already settled by another run (nothing run now)', async () => {
    const { runner, executor } = setup();
    expect((await executor.execute(request)).alreadySettled).toBeUndefined();
    const again = await executor.execute(request);
    expect(again.alreadySettled).toBe(true);
    expect(runner.calls.filter((c) => c === 'iam:DetachRolePolicy')).toHaveLength(1);
  });

  it('retries throttling with backoff and succeeds', async () => {
    const { runner, executor, sleeps } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new ThrottledError('slow down'), new ServiceUnavailableError('503'));
    const result = await executor.execute(request);
    expect(result.status).toBe('applied');
    expect(sleeps).toEqual([200, 400]);
    expect(runner.calls.filter((c) => c === 'iam:DetachRolePolicy')).toHaveLength(3);
  });

  it('rethrows a retryable error after a bounded number of attempts, recording the failure', async () => {
    const { ledger, runner, executor, sleeps } = setup();
    const call = { action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"good":true}' } };
    runner.failNext(call, new ThrottledError('1'), new ThrottledError('2'), new ThrottledError('3'));
    await expect(executor.execute(request)).rejects.toThrow(ThrottledError);
    expect(sleeps).toEqual([200, 400]);
    const record = await ledger.get(UNDO_ID);
    expect(record?.status).toBe('failed');
    expect(record?.steps.map((s) => s.status)).toEqual(['applied', 'failed', 'pending']);
    expect(record?.steps[1]?.reason).toMatch(/ThrottledError/);
  });

  it('RESUMES from the first step not applied when called again for the same event', async () => {
    const { runner, executor, advance, verifier } = setup();
    runner.failNext({ action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"good":true}' } }, new ThrottledError('1'), new ThrottledError('2'), new ThrottledError('3'));
    await expect(executor.execute(request)).rejects.toThrow(ThrottledError);
    advance(120_000); // the Lambda retry comes later
    runner.calls.length = 0;
    // Before resuming, the executor re-reads the steps not applied: not in effect yet.
    verifier.once('iam:PutRolePolicy {"good":true}', { state: 'differs' });
    verifier.once('iam:UpdateAssumeRolePolicy {"trust":"good"}', { state: 'differs' });
    const result = await executor.execute(request);
    expect(result.status).toBe('applied');
    expect(result.resumed).toBe(true);
    expect(runner.calls).toEqual(['iam:PutRolePolicy {"good":true}', 'iam:UpdateAssumeRolePolicy {"trust":"good"}']);
  });

  it('on resume, marks a step already in effect as applied without calling it again', async () => {
    const { ledger, runner, executor, advance } = setup();
    runner.failNext({ action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"good":true}' } }, new AccessDeniedError('denied'));
    await executor.execute(request);
    advance(120_000);
    runner.calls.length = 0;
    // The fake verifier says `holds` for everything: both remaining steps are found in effect.
    const result = await executor.execute(request);
    expect(result.status).toBe('applied');
    expect(runner.calls).toEqual([]);
    expect((await ledger.get(UNDO_ID))?.steps[1]).toMatchObject({ status: 'applied', reason: 'found in effect on resume' });
  });

  it('refuses to resume a record another run is still working on (retryable)', async () => {
    const { ledger, executor, advance } = setup();
    await ledger.begin(newLedgerRecord(request, new Date('2026-06-15T12:00:00Z')));
    advance(30_000);
    const error = await executor.execute(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemediationInProgressError);
    expect((error as RemediationInProgressError).retryable).toBe(true);
  });

  it('does nothing for an event already applied', async () => {
    const { runner, executor, ledger } = setup();
    await executor.execute(request);
    runner.calls.length = 0;
    const writes = ledger.writes.length;
    const again = await executor.execute(request);
    expect(again).toMatchObject({ status: 'applied', resumed: true });
    expect(runner.calls).toEqual([]);
    expect(ledger.writes).toHaveLength(writes);
  });

  it('never re-applies a remediation somebody undid', async () => {
    const { runner, executor } = setup();
    await executor.execute(request);
    await executor.undo(UNDO_ID);
    runner.calls.length = 0;
    const again = await executor.execute(request);
    expect(again.status).toBe('undone');
    expect(runner.calls).toEqual([]);
    expect(again.actions.every((action) => action.status === 'skipped' && action.reason === 'undone')).toBe(true);
  });

  it('propagates a ledger failure before touching anything', async () => {
    const { ledger, runner, executor } = setup();
    ledger.begin = () => Promise.reject(new ThrottledError('dynamodb:PutItem failed: ProvisionedThroughputExceeded'));
    await expect(executor.execute(request)).rejects.toThrow(ThrottledError);
    expect(runner.calls).toEqual([]);
  });

  it('refuses prior state that could hold Lambda environment values', async () => {
    const { ledger, executor } = setup();
    await expect(executor.execute({ ...request, priorState: { configuration: { Environment: { Variables: { A: 'b' } } } } })).rejects.toThrow(InvalidInputError);
    expect(ledger.writes).toEqual([]);
  });

  it('refuses an empty plan', async () => {
    const { executor } = setup();
    await expect(executor.execute({ ...request, plan: { ...plan, steps: [] } })).rejects.toThrow(InvalidInputError);
  });
});

describe('Executor.undo', () => {
  it('applies the inverses of applied steps in reverse order and marks the record undone', async () => {
    const { ledger, runner, executor } = setup();
    await executor.execute(request);
    runner.calls.length = 0;
    const result = await executor.undo(UNDO_ID);
    expect(result).toMatchObject({ undoId: UNDO_ID, status: 'undone', reason: 'inverses applied and verified' });
    expect(runner.calls).toEqual(['iam:UpdateAssumeRolePolicy {"trust":"bad"}', 'iam:PutRolePolicy {"bad":true}', 'iam:AttachRolePolicy']);
    expect(result.actions.map((a) => a.step)).toEqual(['undo-set-trust', 'undo-restore-inline', 'undo-detach-policy']);
    const record = await ledger.get(UNDO_ID);
    expect(record?.status).toBe('undone');
    expect(record?.steps.every((s) => s.status === 'undone')).toBe(true);
  });

  it('is idempotent: undoing twice is a no-op with a clear status', async () => {
    const { runner, executor } = setup();
    await executor.execute(request);
    await executor.undo(UNDO_ID);
    runner.calls.length = 0;
    const again = await executor.undo(UNDO_ID);
    expect(again).toMatchObject({ status: 'already-undone', actions: [] });
    expect(again.reason).toMatch(/^already undone at /);
    expect(runner.calls).toEqual([]);
  });

  it('only inverts the steps that were applied', async () => {
    const { runner, executor } = setup();
    runner.failNext({ action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"good":true}' } }, new AccessDeniedError('denied'));
    await executor.execute(request);
    runner.calls.length = 0;
    const result = await executor.undo(UNDO_ID);
    expect(result.status).toBe('undone');
    expect(runner.calls).toEqual(['iam:AttachRolePolicy']);
  });

  it('says so when nothing had been applied', async () => {
    const { runner, executor } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new AccessDeniedError('denied'));
    await executor.execute(request);
    const result = await executor.undo(UNDO_ID);
    expect(result).toMatchObject({ status: 'undone', reason: 'nothing had been applied', actions: [] });
  });

  it('reports a failed inverse and resumes the undo later', async () => {
    const { ledger, runner, executor, verifier } = setup();
    await executor.execute(request);
    runner.calls.length = 0;
    runner.failNext({ action: 'iam:PutRolePolicy', params: { PolicyDocument: '{"bad":true}' } }, new AccessDeniedError('denied'));
    const failed = await executor.undo(UNDO_ID);
    expect(failed.status).toBe('undo-failed');
    expect(failed.actions.map((a) => [a.step, a.status])).toEqual([
      ['undo-set-trust', 'applied'],
      ['undo-restore-inline', 'failed'],
    ]);
    expect((await ledger.get(UNDO_ID))?.steps.map((s) => s.status)).toEqual(['applied', 'undo-failed', 'undone']);
    runner.calls.length = 0;
    verifier.answers.set('iam:PutRolePolicy {"bad":true}', { state: 'differs' });
    const resumed = await executor.undo(UNDO_ID);
    expect(resumed.status).toBe('undone');
    expect(runner.calls).toEqual(['iam:PutRolePolicy {"bad":true}', 'iam:AttachRolePolicy']);
  });

  it('rethrows a retryable error of an inverse after retries, recording undo-failed', async () => {
    const { ledger, runner, executor } = setup();
    await executor.execute(request);
    runner.failNext({ action: 'iam:UpdateAssumeRolePolicy', params: { PolicyDocument: '{"trust":"bad"}' } }, new ThrottledError('1'), new ThrottledError('2'), new ThrottledError('3'));
    await expect(executor.undo(UNDO_ID)).rejects.toThrow(ThrottledError);
    expect((await ledger.get(UNDO_ID))?.status).toBe('undo-failed');
  });

  it('fails clearly for an unknown undo id', async () => {
    const { executor } = setup();
    await expect(executor.undo('u-nope')).rejects.toThrow(LedgerRecordNotFoundError);
  });
});

describe('dryRun (notify mode)', () => {
  it('shows the planned actions with the undo id and command, touching nothing', () => {
    const result = dryRun(request, { kind: 'table', table: 'warden-prod-ledger' });
    expect(result.undoId).toBe(UNDO_ID);
    expect(result.actions).toEqual(plan.steps.map((s) => ({ step: s.step, target: s.target, status: 'planned', undoId: UNDO_ID })));
    expect(result.undoCommand).toBe(`warden undo ${UNDO_ID} --live --ledger-table warden-prod-ledger`);
  });

  it('leaves the command out without a ledger location', () => {
    expect(dryRun(request).undoCommand).toBeUndefined();
  });
});

describe('undoCommand', () => {
  it.each([
    [{ kind: 'table' as const, table: 'warden-ci-ledger' }, 'warden undo u-1 --live --ledger-table warden-ci-ledger'],
    [{ kind: 'file' as const, path: '.warden/ledger.jsonl' }, 'warden undo u-1 --live --ledger .warden/ledger.jsonl'],
    [{ kind: 'snapshot' as const, dir: '/tmp/my snapshot' }, "warden undo u-1 --snapshot '/tmp/my snapshot'"],
  ])('%j', (location, command) => {
    expect(undoCommand('u-1', location)).toBe(command);
  });

  it('quotes shell metacharacters', () => {
    expect(shellWord("a'b;$(rm)")).toBe(`'a'\\''b;$(rm)'`);
  });
});

describe('actionViews', () => {
  it('maps step statuses to result statuses', async () => {
    const { ledger, executor, runner } = setup();
    runner.failNext({ action: 'iam:DetachRolePolicy', params: {} }, new AccessDeniedError('denied'));
    await executor.execute(request);
    const record = await ledger.get(UNDO_ID);
    expect(record && actionViews(record).map((a) => a.status)).toEqual(['failed', 'skipped', 'skipped']);
  });
});
