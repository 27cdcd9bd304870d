/**
 * `warden replay --snapshot DIR --mode enforce` changes the snapshot files (the ledger in the
 * snapshot directory), and `warden undo ID --snapshot DIR` restores them exactly (DESIGN.md §7).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/warden';
import type { ResultLine } from './events';

const work = mkdtempSync(join(tmpdir(), 'warden-enforce-snapshot-'));
const snapshot = join(work, 'account');
const urlFile = join(snapshot, 'lambda', 'us-east-1', 'url-configs', 'orders-api.json');

beforeAll(() => {
  cpSync(join(__dirname, '..', '..', 'fixtures', 'snapshot-minimal'), snapshot, { recursive: true });
  writeFileSync(join(work, 'fingerprint.key'), 'itest-fingerprint-key-0123456789abcdef');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function capture(): { out: { write: (t: string) => void; isTTY: boolean }; text: () => string } {
  let buffer = '';
  return { out: { write: (t: string) => void (buffer += t), isTTY: false }, text: () => buffer };
}

function urlEvent(): object {
  const base = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'events', 'lambda', 'CreateFunctionUrlConfig20211031.json'), 'utf8')) as { detail: { requestParameters: Record<string, unknown> } };
  base.detail.requestParameters = { functionName: 'orders-api', authType: 'NONE' };
  return base;
}

it('enforces on the snapshot files and undoes exactly', async () => {
  const before = readFileSync(urlFile, 'utf8');
  const eventFile = join(work, 'event.json');
  writeFileSync(eventFile, JSON.stringify(urlEvent()));
  const out = capture();
  const err = capture();
  const args = ['replay', '--snapshot', snapshot, '--mode', 'enforce', '--fingerprint-key-file', join(work, 'fingerprint.key'), '--format', 'json', '--fail-on', 'none', eventFile];
  expect(await main(args, out.out, err.out)).toBe(0);
  expect(err.text()).toBe('');
  const result = JSON.parse(out.text().trim()) as ResultLine;
  const action = result.actions.find((a) => a.step === 'set-url-auth-iam');
  expect(action).toMatchObject({ status: 'applied' });
  const after = JSON.parse(readFileSync(urlFile, 'utf8')) as { FunctionUrlConfigs: { AuthType: string; Cors: unknown }[] };
  expect(after.FunctionUrlConfigs[0]?.AuthType).toBe('AWS_IAM');
  expect(after.FunctionUrlConfigs[0]?.Cors).toEqual((JSON.parse(before) as { FunctionUrlConfigs: { Cors: unknown }[] }).FunctionUrlConfigs[0]?.Cors);
  expect(existsSync(join(snapshot, '.warden', 'ledger.jsonl'))).toBe(true);

  const undoOut = capture();
  expect(await main(['undo', action?.undoId ?? '', '--snapshot', snapshot, '--format', 'json'], undoOut.out, err.out)).toBe(0);
  expect(JSON.parse(undoOut.text())).toMatchObject({ status: 'undone' });
  expect(JSON.parse(readFileSync(urlFile, 'utf8'))).toEqual(JSON.parse(before));
  // Undoing twice is a no-op.
  const again = capture();
  expect(await main(['undo', action?.undoId ?? '', '--snapshot', snapshot, '--format', 'json'], again.out, err.out)).toBe(0);
  expect(JSON.parse(again.text())).toMatchObject({ status: 'already-undone' });
});

it('rejects enforce without a place to act, and an unknown undo id', async () => {
  const err = capture();
  expect(await main(['replay', '--mode', 'enforce', join(work, 'event.json')], capture().out, err.out)).toBe(2);
  expect(err.text()).toMatch(/--mode enforce needs --live/);
  const err2 = capture();
  expect(await main(['undo', 'u-00000000000000000000', '--snapshot', snapshot], capture().out, err2.out)).toBe(2);
  expect(err2.text()).toMatch(/no remediation record u-0+ in the ledger/);
});
