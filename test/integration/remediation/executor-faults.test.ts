/**
 * Fault injection at every step of the executor (aws-sdk-client-mock: moto cannot throttle or
 * deny on demand). The account is an in-test IAM behind the mocked client; the runner, verifier
 * and ledger are the real ones. After each fault the ledger says exactly what was applied, the
 * account agrees, and a retry completes (or, for faults a retry cannot fix, reports).
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor, type ExecutionRequest } from '../../../domain/remediation/executor';
import { undoIdFor } from '../../../domain/remediation/ledger-record';
import { buildQuarantinePolicy, quarantineSteps } from '../../../domain/remediation/quarantine';
import { AwsStateVerifier, AwsStepRunner } from '../../../infra/aws/remediation-writer';
import { FileLedger } from '../../../infra/ledger/file-ledger';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const policy = buildQuarantinePolicy({ principalArn: ROLE, style: 'deny-all', dangerousActions: [] });
const request: ExecutionRequest = {
  plan: { remediationId: 'quarantine-principal', findingId: `quarantine:${ROLE}`, steps: quarantineSteps(policy) },
  eventId: 'event-faults',
  correlationId: 'corr',
  resourceArn: ROLE,
  priorState: {},
};

const sdkError = (name: string, status: number): Error => Object.assign(new Error(`${name} injected`), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
const FAULTS = {
  throttling: () => sdkError('Throttling', 400),
  '5xx': () => sdkError('ServiceFailure', 500),
  'access denied': () => sdkError('AccessDenied', 403),
  'resource gone': () => sdkError('NoSuchEntity', 404),
} as const;
type Fault = keyof typeof FAULTS;
const RETRYABLE: readonly Fault[] = ['throttling', '5xx'];

/** The account behind the mocked IAM client, with a fault switch per command. */
class Account {
  policies = new Set<string>();
  attached = new Set<string>();
  calls: string[] = [];
  faults = new Map<string, { fault: Fault; times: number }>();

  fail(command: string, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    this.faults.set(command, { fault, times });
  }

  /** Throws the injected fault for this command, if any is left. */
  gate(command: string): void {
    this.calls.push(command);
    const fault = this.faults.get(command);
    if (fault === undefined || fault.times <= 0) return;
    fault.times -= 1;
    throw FAULTS[fault.fault]();
  }
}

const iamMock = mockClient(IAMClient);
let account: Account;
const dir = mkdtempSync(join(tmpdir(), 'warden-faults-'));
let ledger: FileLedger;
let counter = 0;

function wire(): void {
  iamMock.reset();
  iamMock.on(CreatePolicyCommand).callsFake((input: { PolicyName: string; Path: string }) => {
    account.gate('CreatePolicy');
    account.policies.add(`arn:aws:iam::${ACCOUNT}:policy${input.Path}${input.PolicyName}`);
    return {};
  });
  iamMock.on(AttachRolePolicyCommand).callsFake((input: { PolicyArn: string }) => {
    account.gate('AttachRolePolicy');
    account.attached.add(input.PolicyArn);
    return {};
  });
  iamMock.on(DetachRolePolicyCommand).callsFake((input: { PolicyArn: string }) => {
    account.gate('DetachRolePolicy');
    account.attached.delete(input.PolicyArn);
    return {};
  });
  iamMock.on(DeletePolicyCommand).callsFake((input: { PolicyArn: string }) => {
    account.gate('DeletePolicy');
    account.policies.delete(input.PolicyArn);
    return {};
  });
  iamMock.on(ListPoliciesCommand).callsFake(() => {
    account.gate('ListPolicies');
    return { Policies: [...account.policies].map((arn) => ({ Arn: arn, PolicyName: arn.split('/').pop(), Path: '/warden/' })), IsTruncated: false };
  });
  iamMock.on(ListAttachedRolePoliciesCommand).callsFake(() => {
    account.gate('ListAttachedRolePolicies');
    return { AttachedPolicies: [...account.attached].map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })), IsTruncated: false };
  });
}

function executor(): Executor {
  const clients = { iam: new IAMClient({ region: 'us-east-1' }), lambda: (region: string) => new LambdaClient({ region }) };
  return new Executor({ ledger, runner: new AwsStepRunner(clients), verifier: new AwsStateVerifier(clients), sleep: () => Promise.resolve(), inFlightLeaseMs: 0 });
}

beforeEach(() => {
  account = new Account();
  counter += 1;
  ledger = new FileLedger(join(dir, `ledger-${counter}.jsonl`));
  wire();
});

afterAll(() => {
  iamMock.restore();
  rmSync(dir, { recursive: true, force: true });
});

/** The ledger's step statuses, and whether they agree with the account. */
async function ledgerAgrees(undoId: string): Promise<void> {
  const record = await ledger.get(undoId);
  const [create, attach] = record?.steps.map((s) => s.status) ?? [];
  expect(account.policies.has(policy.policyArn)).toBe(create === 'applied');
  expect(account.attached.has(policy.policyArn)).toBe(attach === 'applied');
}

const UNDO_ID = undoIdFor(request.eventId, request.plan.findingId);

describe.each(['CreatePolicy', 'AttachRolePolicy'] as const)('a fault on %s', (command) => {
  it('transient throttling is retried and the plan completes', async () => {
    account.fail(command, 'throttling', 1);
    const result = await executor().execute(request);
    expect(result.status).toBe('applied');
    expect(account.calls.filter((c) => c === command)).toHaveLength(2);
    await ledgerAgrees(result.undoId);
  });

  it.each(['throttling', '5xx'] as const)('persistent %s: recorded, rethrown for the platform to retry; the retry resumes without repeating', async (fault) => {
    account.fail(command, fault);
    await expect(executor().execute(request)).rejects.toThrow(/injected|failed/);
    expect(account.calls.filter((c) => c === command)).toHaveLength(3);
    expect((await ledger.get(UNDO_ID))?.status).toBe('failed');
    await ledgerAgrees(UNDO_ID);
    account.faults.clear();
    const creates = account.calls.filter((c) => c === 'CreatePolicy').length;
    const retry = await executor().execute(request);
    expect(retry).toMatchObject({ status: 'applied', resumed: true });
    // A step applied before the fault is not called again.
    expect(account.calls.filter((c) => c === 'CreatePolicy').length - creates).toBe(command === 'CreatePolicy' ? 1 : 0);
    await ledgerAgrees(retry.undoId);
    expect(account.attached.has(policy.policyArn)).toBe(true);
  });

  it.each(['access denied', 'resource gone'] as const)('%s: reported, not retried; the ledger says what was applied', async (fault) => {
    account.fail(command, fault);
    const result = await executor().execute(request);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(new RegExp(`step ${command === 'CreatePolicy' ? 1 : 2}`));
    expect(account.calls.filter((c) => c === command)).toHaveLength(1);
    await ledgerAgrees(result.undoId);
    expect(result.actions.map((a) => a.status)).toEqual(command === 'CreatePolicy' ? ['failed', 'skipped'] : ['applied', 'failed']);
    // Once the cause is fixed (permission granted), a retry resumes and completes.
    account.faults.clear();
    expect((await executor().execute(request)).status).toBe('applied');
    await ledgerAgrees(result.undoId);
  });
});

describe('a fault while verifying', () => {
  it.each(Object.keys(FAULTS) as Fault[])('%s on the re-read leaves the steps applied and the record unverified', async (fault) => {
    account.fail('ListAttachedRolePolicies', fault);
    const result = await executor().execute(request);
    expect(result.status).toBe('unverified');
    expect(result.reason).toMatch(/iam:AttachRolePolicy/);
    await ledgerAgrees(result.undoId);
    // Throttling and 5xx are retried (3 attempts); access denied and gone are not.
    expect(account.calls.filter((c) => c === 'ListAttachedRolePolicies')).toHaveLength(RETRYABLE.includes(fault) ? 3 : 1);
  });
});

describe('a fault while undoing', () => {
  it.each(Object.keys(FAULTS) as Fault[])('%s on the detach: the ledger says what was undone; a retry completes', async (fault) => {
    const applied = await executor().execute(request);
    account.fail('DetachRolePolicy', fault);
    const retryable = RETRYABLE.includes(fault);
    if (retryable) await expect(executor().undo(applied.undoId)).rejects.toThrow();
    else expect((await executor().undo(applied.undoId)).status).toBe('undo-failed');
    expect((await ledger.get(applied.undoId))?.status).toBe('undo-failed');
    expect(account.attached.has(policy.policyArn)).toBe(true);
    account.faults.clear();
    expect((await executor().undo(applied.undoId)).status).toBe('undone');
    expect(account.attached.size).toBe(0);
    expect(account.policies.size).toBe(0);
  });
});
