/**
 * Every row of DESIGN.md §5 against moto, through the CLI: the over-broad change is made with the
 * SDK, its CloudTrail event replayed with `warden replay --live --mode enforce`, the account
 * checked, then `warden undo ID` restores the exact prior state.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/warden';
import { lastKnownGoodKey } from '../../../domain/remediation/ledger-record';
import { createAwsClients } from '../../../infra/aws/clients';
import { FileLedger } from '../../../infra/ledger/file-ledger';
import { resetMoto } from '../moto';
import { cloudTrailEvent, type ResultLine } from './events';

const ACCOUNT = '123456789012';
const json = JSON.stringify;
const lambdaTrust = json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const publicTrust = json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] });
const adminDoc = json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const narrowDoc = json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders` }] });

let iam: IAMClient;
const dir = mkdtempSync(join(tmpdir(), 'warden-enforce-'));
let ledgerFile: string;
let counter = 0;

beforeAll(() => {
  iam = createAwsClients().iam();
});

beforeEach(async () => {
  await resetMoto();
  counter += 1;
  ledgerFile = join(dir, `ledger-${counter}.jsonl`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Captures what the CLI writes. */
function capture(): { out: { write: (t: string) => void; isTTY: boolean }; text: () => string } {
  let buffer = '';
  return { out: { write: (t: string) => void (buffer += t), isTTY: false }, text: () => buffer };
}

/** `warden replay --live --mode enforce --ledger FILE --format json EVENTS` and its results. */
async function replayEnforce(events: readonly object[], extra: readonly string[] = []): Promise<ResultLine[]> {
  const file = join(dir, `events-${counter}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, json(events));
  const out = capture();
  const err = capture();
  const code = await main(['replay', '--live', '--mode', 'enforce', '--ledger', ledgerFile, '--format', 'json', '--fail-on', 'none', ...extra, file], out.out, err.out);
  expect(err.text()).toBe('');
  expect(code).toBe(0);
  return out
    .text()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ResultLine);
}

/** `warden undo ID --live --ledger FILE --format json`. */
async function undo(id: string): Promise<{ status: string; actions: { status: string }[] }> {
  const out = capture();
  const err = capture();
  const code = await main(['undo', id, '--live', '--ledger', ledgerFile, '--format', 'json'], out.out, err.out);
  expect(err.text()).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.text()) as { status: string; actions: { status: string }[] };
}

function decoded(raw: string | undefined): string {
  return decodeURIComponent(raw ?? '');
}

async function createRole(name: string, trust = lambdaTrust): Promise<string> {
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  return Role?.Arn ?? '';
}

async function attached(role: string): Promise<string[]> {
  return ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? []).map((p) => p.PolicyArn ?? '');
}

async function createAdminPolicy(name = 'everything'): Promise<string> {
  return (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: adminDoc }))).Policy?.Arn ?? '';
}

function onlyUndoId(result: ResultLine | undefined): string {
  const ids = [...new Set((result?.actions ?? []).map((action) => action.undoId))];
  expect(ids).toHaveLength(1);
  return ids[0] ?? '';
}

describe('Attach*Policy of an over-broad policy', () => {
  it('detaches it, and undo re-attaches it', async () => {
    await createRole('app');
    const policyArn = await createAdminPolicy();
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn }));
    const [result] = await replayEnforce([cloudTrailEvent('AttachRolePolicy', { roleName: 'app', policyArn })]);
    expect(result?.outcome).toBe('finding');
    expect(result?.actions).toEqual([expect.objectContaining({ step: 'detach-policy', status: 'applied', target: `arn:aws:iam::${ACCOUNT}:role/app` })]);
    expect(await attached('app')).toEqual([]);
    const undone = await undo(onlyUndoId(result));
    expect(undone.status).toBe('undone');
    expect(await attached('app')).toEqual([policyArn]);
  });

  it('acts once for an event delivered ten times', async () => {
    await createRole('app');
    const policyArn = await createAdminPolicy();
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn }));
    const event = cloudTrailEvent('AttachRolePolicy', { roleName: 'app', policyArn });
    const results = await replayEnforce(Array.from({ length: 10 }, () => event));
    expect(results).toHaveLength(10);
    const undoIds = new Set(results.flatMap((r) => r.actions.map((a) => a.undoId)));
    expect(undoIds.size).toBe(1);
    // The first delivery acts; the re-read state of the others shows nothing left to fix.
    expect(results[0]?.actions.map((a) => a.status)).toEqual(['applied']);
    for (const r of results.slice(1)) expect(r.actions.filter((a) => a.status === 'applied')).toEqual([]);
    const records = readFileSync(ledgerFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; record?: { undoId: string } })
      .filter((line) => line.type === 'record');
    expect(new Set(records.map((line) => line.record?.undoId)).size).toBe(1);
    expect(await attached('app')).toEqual([]);
  });

  it('never modifies a protected principal, and honours an exemption tag', async () => {
    const policyArn = await createAdminPolicy();
    await createRole('break-glass');
    await createRole('load-test');
    await iam.send(new TagRoleCommand({ RoleName: 'load-test', Tags: [{ Key: 'warden:exempt', Value: 'reason=load test INC-42 expires=2099-01-31' }] }));
    for (const role of ['break-glass', 'load-test']) await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: policyArn }));
    const configFile = join(dir, 'protected.json');
    writeFileSync(configFile, json({ protectedPrincipals: ['break-glass'] }));
    const results = await replayEnforce(
      [cloudTrailEvent('AttachRolePolicy', { roleName: 'break-glass', policyArn }), cloudTrailEvent('AttachRolePolicy', { roleName: 'load-test', policyArn })],
      ['--config', configFile],
    );
    expect(results.map((r) => r.outcome)).toEqual(['finding', 'finding']);
    // Protected: reported with the plan that would run, never applied. Exempt: no action at all.
    expect(results[0]?.actions.map((a) => a.status)).toEqual(['planned']);
    expect(results[1]?.actions).toEqual([]);
    expect(await attached('break-glass')).toEqual([policyArn]);
    expect(await attached('load-test')).toEqual([policyArn]);
  });

  it("ignores Warden's own calls", async () => {
    await createRole('app');
    const policyArn = await createAdminPolicy();
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: policyArn }));
    const self = `arn:aws:iam::${ACCOUNT}:role/warden-prod-remediate-us-east-1`;
    const [result] = await replayEnforce([cloudTrailEvent('AttachRolePolicy', { roleName: 'app', policyArn }, { issuerArn: self })], ['--self-arn', 'arn:aws:iam::*:role/warden-prod-*']);
    expect(result?.outcome).toBe('ignored');
    expect(await attached('app')).toEqual([policyArn]);
  });
});

describe('Put*Policy', () => {
  it('deletes a new over-broad inline policy, and undo puts the saved document back byte for byte', async () => {
    await createRole('app');
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'wide', PolicyDocument: adminDoc }));
    const [result] = await replayEnforce([cloudTrailEvent('PutRolePolicy', { roleName: 'app', policyName: 'wide', policyDocument: adminDoc })]);
    expect(result?.actions).toEqual([expect.objectContaining({ step: 'delete-inline-policy', status: 'applied' })]);
    await expect(iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'wide' }))).rejects.toThrow();
    await undo(onlyUndoId(result));
    expect(decoded((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'wide' }))).PolicyDocument)).toBe(adminDoc);
  });

  it('puts back the last-known-good document of an overwritten inline policy; undo restores the overwrite', async () => {
    const roleArn = await createRole('app');
    await new FileLedger(ledgerFile).putLastKnownGood({ key: lastKnownGoodKey(roleArn, 'inline:data'), document: narrowDoc, recordedAt: '2026-01-01T00:00:00Z' });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'data', PolicyDocument: adminDoc }));
    const [result] = await replayEnforce([cloudTrailEvent('PutRolePolicy', { roleName: 'app', policyName: 'data', policyDocument: adminDoc })]);
    expect(result?.actions).toEqual([expect.objectContaining({ step: 'restore-inline-policy', status: 'applied' })]);
    expect(decoded((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'data' }))).PolicyDocument)).toBe(narrowDoc);
    await undo(onlyUndoId(result));
    expect(decoded((await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'data' }))).PolicyDocument)).toBe(adminDoc);
  });
});

describe('UpdateAssumeRolePolicy', () => {
  it('puts back the last-known-good trust policy; undo restores the opened one', async () => {
    const roleArn = await createRole('app');
    await new FileLedger(ledgerFile).putLastKnownGood({ key: lastKnownGoodKey(roleArn, 'trust-policy'), document: lambdaTrust, recordedAt: '2026-01-01T00:00:00Z' });
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: publicTrust }));
    const [result] = await replayEnforce([cloudTrailEvent('UpdateAssumeRolePolicy', { roleName: 'app', policyDocument: publicTrust })]);
    expect(result?.actions).toEqual([expect.objectContaining({ step: 'restore-trust-policy', status: 'applied' })]);
    expect(decoded((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.AssumeRolePolicyDocument)).toBe(lambdaTrust);
    await undo(onlyUndoId(result));
    expect(decoded((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.AssumeRolePolicyDocument)).toBe(publicTrust);
  });

  it('quarantines the role without a last-known-good trust policy; undo detaches and deletes the quarantine', async () => {
    await createRole('app');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'app', PolicyDocument: publicTrust }));
    const [result] = await replayEnforce([cloudTrailEvent('UpdateAssumeRolePolicy', { roleName: 'app', policyDocument: publicTrust })]);
    const quarantine = `arn:aws:iam::${ACCOUNT}:policy/warden/warden-quarantine-role-app`;
    expect(result?.actions.map((a) => [a.step, a.status])).toEqual([
      ['create-quarantine-policy', 'applied'],
      ['attach-quarantine-policy', 'applied'],
    ]);
    expect(await attached('app')).toEqual([quarantine]);
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: quarantine }));
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: quarantine, VersionId: policy.Policy?.DefaultVersionId }));
    expect(JSON.parse(decoded(version.PolicyVersion?.Document))).toMatchObject({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    await undo(onlyUndoId(result));
    expect(await attached('app')).toEqual([]);
    const left = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/warden/' }))).Policies ?? [];
    expect(left).toEqual([]);
  });
});

describe('CreatePolicyVersion as default', () => {
  it('sets the previous version as default and keeps the bad one; undo sets it back', async () => {
    const policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'app-data', PolicyDocument: narrowDoc }))).Policy?.Arn ?? '';
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: adminDoc, SetAsDefault: true }));
    const [result] = await replayEnforce([cloudTrailEvent('CreatePolicyVersion', { policyArn, policyDocument: adminDoc, setAsDefault: true })]);
    expect(result?.actions).toEqual([expect.objectContaining({ step: 'set-default-version', status: 'applied' })]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId).toBe('v1');
    expect(decoded((await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' }))).PolicyVersion?.Document)).toBe(adminDoc);
    await undo(onlyUndoId(result));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId).toBe('v2');
  });
});
