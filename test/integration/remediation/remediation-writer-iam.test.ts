import {
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  PutRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceGoneError, UnexpectedServiceError } from '../../../domain/errors';
import { Executor } from '../../../domain/remediation/executor';
import { undoIdFor } from '../../../domain/remediation/ledger-record';
import type { Plan, StepCall } from '../../../domain/remediation/plan';
import { buildQuarantinePolicy, quarantineSteps } from '../../../domain/remediation/quarantine';
import { createAwsClients } from '../../../infra/aws/clients';
import { AwsStateVerifier, AwsStepRunner, InvalidStepError, canonicalDocument, remediationWriterActions } from '../../../infra/aws/remediation-writer';
import { FileLedger } from '../../../infra/ledger/file-ledger';
import { resetMoto } from '../moto';

const ACCOUNT = '123456789012';
const json = JSON.stringify;
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const otherTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const allow = (action: string): object => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

let iam: IAMClient;
let runner: AwsStepRunner;
let verifier: AwsStateVerifier;
let policyArn: string;
const dir = mkdtempSync(join(tmpdir(), 'warden-writer-'));

beforeAll(async () => {
  await resetMoto();
  const clients = createAwsClients();
  iam = clients.iam();
  const remediationClients = { iam, lambda: (region: string) => clients.lambda(region) };
  runner = new AwsStepRunner(remediationClients);
  verifier = new AwsStateVerifier(remediationClients);
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: json(trust) }));
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'app-data', PolicyDocument: json(allow('dynamodb:GetItem')) }));
  policyArn = Policy?.Arn ?? '';
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: json(allow('dynamodb:*')), SetAsDefault: true }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a call, then checks that the verifier sees it. */
async function runAndVerify(call: StepCall): Promise<void> {
  await runner.run(call);
  expect(await verifier.verify(call)).toEqual({ state: 'holds' });
}

describe('AwsStepRunner on IAM (moto)', () => {
  it.each([
    ['Role', { RoleName: 'app' }],
    ['User', { UserName: 'alice' }],
    ['Group', { GroupName: 'devs' }],
  ])('attaches and detaches a %s policy', async (kind, principal) => {
    const params = { ...principal, PolicyArn: policyArn };
    await runAndVerify({ action: `iam:Attach${kind}Policy`, params });
    expect(await verifier.verify({ action: `iam:Detach${kind}Policy`, params })).toMatchObject({ state: 'differs', detail: 'policy is still attached' });
    await runAndVerify({ action: `iam:Detach${kind}Policy`, params });
    expect(await verifier.verify({ action: `iam:Attach${kind}Policy`, params })).toMatchObject({ state: 'differs' });
  });

  it.each([
    ['Role', { RoleName: 'app' }],
    ['User', { UserName: 'alice' }],
    ['Group', { GroupName: 'devs' }],
  ])('puts and deletes a %s inline policy, comparing documents semantically', async (kind, principal) => {
    const document = json(allow('s3:GetObject'));
    await runAndVerify({ action: `iam:Put${kind}Policy`, params: { ...principal, PolicyName: 'inline', PolicyDocument: document } });
    const other = { ...principal, PolicyName: 'inline', PolicyDocument: json(allow('s3:PutObject')) };
    expect(await verifier.verify({ action: `iam:Put${kind}Policy`, params: other })).toMatchObject({ state: 'differs', detail: 'inline policy document differs' });
    await runAndVerify({ action: `iam:Delete${kind}Policy`, params: { ...principal, PolicyName: 'inline' } });
    expect(await verifier.verify({ action: `iam:Put${kind}Policy`, params: other })).toMatchObject({ state: 'differs', detail: 'inline policy is missing' });
  });

  it('sets the default version of a managed policy', async () => {
    await runAndVerify({ action: 'iam:SetDefaultPolicyVersion', params: { PolicyArn: policyArn, VersionId: 'v1' } });
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    expect(Policy?.DefaultVersionId).toBe('v1');
    expect(await verifier.verify({ action: 'iam:SetDefaultPolicyVersion', params: { PolicyArn: policyArn, VersionId: 'v2' } })).toMatchObject({ state: 'differs' });
  });

  it('updates a trust policy', async () => {
    await runAndVerify({ action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: 'app', PolicyDocument: json(otherTrust) } });
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'app' }));
    expect(canonicalDocument(Role?.AssumeRolePolicyDocument)).toBe(canonicalDocument(json(otherTrust)));
    await runAndVerify({ action: 'iam:UpdateAssumeRolePolicy', params: { RoleName: 'app', PolicyDocument: json(trust) } });
  });

  it('creates and deletes a managed policy and its versions', async () => {
    const create = { PolicyName: 'made-by-warden', Path: '/warden/', PolicyDocument: json(allow('s3:GetObject')), Description: 'test' };
    expect(await verifier.verify({ action: 'iam:CreatePolicy', params: create })).toMatchObject({ state: 'differs' });
    await runAndVerify({ action: 'iam:CreatePolicy', params: create });
    const arn = `arn:aws:iam::${ACCOUNT}:policy/warden/made-by-warden`;
    await runAndVerify({ action: 'iam:CreatePolicyVersion', params: { PolicyArn: arn, PolicyDocument: json(allow('s3:ListBucket')), SetAsDefault: true } });
    expect(await verifier.verify({ action: 'iam:CreatePolicyVersion', params: { PolicyArn: arn, PolicyDocument: '{}' } })).toMatchObject({ state: 'unknown' });
    await runAndVerify({ action: 'iam:SetDefaultPolicyVersion', params: { PolicyArn: arn, VersionId: 'v1' } });
    await runAndVerify({ action: 'iam:DeletePolicyVersion', params: { PolicyArn: arn, VersionId: 'v2' } });
    await runAndVerify({ action: 'iam:DeletePolicy', params: { PolicyArn: arn } });
  });

  it('puts and deletes a permissions boundary', async () => {
    await runAndVerify({ action: 'iam:PutRolePermissionsBoundary', params: { RoleName: 'app', PermissionsBoundary: policyArn } });
    await runAndVerify({ action: 'iam:DeleteRolePermissionsBoundary', params: { RoleName: 'app' } });
  });

  it('translates SDK errors: a missing attachment is ResourceGone, a duplicate policy is not retryable', async () => {
    await expect(runner.run({ action: 'iam:DetachRolePolicy', params: { RoleName: 'app', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` } })).rejects.toBeInstanceOf(ResourceGoneError);
    const create = { action: 'iam:CreatePolicy', params: { PolicyName: 'dup', PolicyDocument: json(allow('s3:GetObject')) } };
    await runner.run(create);
    const error = await runner.run(create).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedServiceError);
    expect((error as UnexpectedServiceError).message).toBe('iam:CreatePolicy failed: EntityAlreadyExists (HTTP 409)');
  });

  it('refuses unknown actions and invalid or unexpected parameters', async () => {
    await expect(runner.run({ action: 'iam:DeleteRole', params: { RoleName: 'app' } })).rejects.toThrow(InvalidStepError);
    await expect(runner.run({ action: 'iam:DetachRolePolicy', params: { RoleName: 'app' } })).rejects.toThrow(/PolicyArn/);
    await expect(runner.run({ action: 'iam:DetachRolePolicy', params: { RoleName: 'app', PolicyARN: policyArn } })).rejects.toThrow(InvalidStepError);
    await expect(runner.run({ action: 'toString', params: {} })).rejects.toThrow(InvalidStepError);
    expect(await verifier.verify({ action: 'iam:DeleteRole', params: {} })).toMatchObject({ state: 'unknown' });
  });

  it('covers at least the actions the remediations need', () => {
    expect(remediationWriterActions).toEqual(
      expect.arrayContaining([
        'iam:DetachRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachUserPolicy',
        'iam:AttachGroupPolicy',
        'iam:DeleteRolePolicy',
        'iam:PutRolePolicy',
        'iam:PutUserPolicy',
        'iam:DeleteGroupPolicy',
        'iam:SetDefaultPolicyVersion',
        'iam:UpdateAssumeRolePolicy',
        'iam:CreatePolicy',
        'iam:DeletePolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
        'lambda:UpdateFunctionUrlConfig',
        'lambda:RemovePermission',
        'lambda:AddPermission',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
      ]),
    );
  });
});

describe('Executor with the AWS writer (moto)', () => {
  it('quarantines a role, verifies it, and undoes it (detach, then delete)', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'escalator', AssumeRolePolicyDocument: json(trust) }));
    const policy = buildQuarantinePolicy({
      principalArn: `arn:aws:iam::${ACCOUNT}:role/escalator`,
      style: 'surgical',
      dangerousActions: ['iam:PassRole', 'iam:CreateAccessKey', 'lambda:CreateFunction'],
      revokeSessionsBefore: new Date('2026-06-15T12:00:00Z'),
    });
    const plan: Plan = { remediationId: 'iam-quarantine', findingId: 'finding-q', steps: quarantineSteps(policy) };
    const executor = new Executor({ ledger: new FileLedger(join(dir, 'ledger.jsonl')), runner, verifier });
    const result = await executor.execute({ plan, eventId: 'event-q', correlationId: 'event-q', resourceArn: policy.principal.arn, priorState: {} });
    expect(result).toMatchObject({ status: 'applied', undoId: undoIdFor('event-q', 'finding-q') });
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'escalator' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([policy.policyArn]);

    const again = await executor.execute({ plan, eventId: 'event-q', correlationId: 'event-q', resourceArn: policy.principal.arn, priorState: {} });
    expect(again).toMatchObject({ status: 'applied', resumed: true });

    const undone = await executor.undo(result.undoId);
    expect(undone.status).toBe('undone');
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'escalator' }))).AttachedPolicies).toEqual([]);
    await expect(iam.send(new GetPolicyCommand({ PolicyArn: policy.policyArn }))).rejects.toThrow();
    expect((await executor.undo(result.undoId)).status).toBe('already-undone');
  });

  it('quarantines a user with deny-all', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'mallory' }));
    const policy = buildQuarantinePolicy({ principalArn: `arn:aws:iam::${ACCOUNT}:user/mallory`, style: 'deny-all', dangerousActions: [] });
    const executor = new Executor({ ledger: new FileLedger(join(dir, 'ledger.jsonl')), runner, verifier });
    const plan: Plan = { remediationId: 'iam-quarantine', findingId: 'finding-u', steps: quarantineSteps(policy) };
    expect((await executor.execute({ plan, eventId: 'event-u', correlationId: 'c', resourceArn: policy.principal.arn, priorState: {} })).status).toBe('applied');
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'mallory' }))).AttachedPolicies?.[0]?.PolicyArn).toBe(policy.policyArn);
  });

  it('rolls an inline policy back to its last-known-good document and undoes it', async () => {
    const good = json(allow('s3:GetObject'));
    const bad = json(allow('*'));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'data', PolicyDocument: bad }));
    const plan: Plan = {
      remediationId: 'iam-inline-rollback',
      findingId: 'finding-r',
      steps: [
        {
          step: 'restore-inline-policy',
          target: `arn:aws:iam::${ACCOUNT}:role/app`,
          call: { action: 'iam:PutRolePolicy', params: { RoleName: 'app', PolicyName: 'data', PolicyDocument: good } },
          inverse: { action: 'iam:PutRolePolicy', params: { RoleName: 'app', PolicyName: 'data', PolicyDocument: bad } },
        },
      ],
    };
    const executor = new Executor({ ledger: new FileLedger(join(dir, 'ledger.jsonl')), runner, verifier });
    const result = await executor.execute({ plan, eventId: 'event-r', correlationId: 'c', resourceArn: `arn:aws:iam::${ACCOUNT}:role/app`, priorState: { 'inline:data': bad } });
    expect(result.status).toBe('applied');
    const read = async (): Promise<string | undefined> => canonicalDocument((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'data' }))).PolicyDocument);
    expect(await read()).toBe(canonicalDocument(good));
    await executor.undo(result.undoId);
    expect(await read()).toBe(canonicalDocument(bad));
  });

  it('treats a step whose target is gone as done once the re-read shows its effect (policy gone: not attached)', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:policy/attached-later`;
    const plan: Plan = {
      remediationId: 'iam-detach',
      findingId: 'finding-d',
      steps: [
        {
          step: 'detach-policy',
          target: `arn:aws:iam::${ACCOUNT}:role/app`,
          call: { action: 'iam:DetachRolePolicy', params: { RoleName: 'app', PolicyArn: missing } },
          inverse: { action: 'iam:AttachRolePolicy', params: { RoleName: 'app', PolicyArn: missing } },
        },
      ],
    };
    let now = new Date('2026-06-15T12:00:00Z');
    const executor = new Executor({ ledger: new FileLedger(join(dir, 'ledger.jsonl')), runner, verifier, now: () => now });
    const request = { plan, eventId: 'event-d', correlationId: 'c', resourceArn: `arn:aws:iam::${ACCOUNT}:role/app`, priorState: {} };
    // A 404 from a concurrent remover: the detach's effect (not attached) holds, so it is done, and verified.
    const done = await executor.execute(request);
    expect(done).toMatchObject({ status: 'applied', reason: 'applied and verified' });
    expect(done.actions[0]).toMatchObject({ status: 'applied', reason: 'target already gone: found in effect' });
    // The record is settled: a later delivery of the same event does not act again.
    await iam.send(new CreatePolicyCommand({ PolicyName: 'attached-later', PolicyDocument: json(allow('s3:GetObject')) }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: missing }));
    now = new Date('2026-06-15T12:10:00Z');
    const again = await executor.execute(request);
    expect(again).toMatchObject({ status: 'applied', resumed: true, alreadySettled: true });
  });
});
