import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { auditSnapshotInParallel } from '../../../cli/parallel-audit';
import type { Output } from '../../../cli/replay';
import { main } from '../../../cli/warden';
import { InvalidInputError } from '../../../domain/errors';
import { BundledAwsManagedPolicies } from '../../../infra/aws-managed/aws-managed-library';
import { SnapshotStore } from '../../../infra/snapshot/snapshot-store';

/**
 * `warden audit --jobs N` as users run it: the bundled CLI in a fresh process, whose worker
 * threads start from the same bundle. Whatever N, the output must be the one-thread output.
 */
const dir = mkdtempSync(join(tmpdir(), 'warden-parallel-audit-'));
const cli = join(dir, 'warden.js');
const keyFile = join(dir, 'fingerprint.key');

beforeAll(async () => {
  writeFileSync(keyFile, 'parallel-audit-test-key-0123456789abcdef\n', { mode: 0o600 });
  await build({ entryPoints: ['cli/warden.ts'], bundle: true, platform: 'node', target: 'node20', outfile: cli, logLevel: 'silent' });
  // The bundle reads the AWS-managed policy artefact next to itself, as `npm run build:cli` lays it out.
  copyFileSync(join('infra', 'aws-managed', 'aws-managed-policies.json.br'), join(dir, 'aws-managed-policies.json.br'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function audit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [cli, 'audit', '--snapshot', 'examples/account', '--fingerprint-key-file', keyFile, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('warden audit --jobs (worker threads)', () => {
  it.each(['json', 'table', 'sarif'])('prints the one-thread output, byte for byte, in %s', (format) => {
    const one = audit('--format', format, '--jobs', '1');
    expect(one.stdout.length).toBeGreaterThan(1_000);
    for (const jobs of ['2', '3', '5']) {
      const many = audit('--format', format, '--jobs', jobs);
      expect({ jobs, code: many.code, stderr: many.stderr, stdout: many.stdout }).toEqual({ jobs, code: one.code, stderr: one.stderr, stdout: one.stdout });
    }
  }, 120_000);
});

describe('parallel audit failures', () => {
  it('a worker that cannot start fails the audit with a typed error', async () => {
    const broken = join(dir, 'broken-entry.js');
    writeFileSync(broken, "throw new Error('worker entry failed');\n");
    const store = await SnapshotStore.open('examples/account', { frozen: true });
    const local = { inventory: store, readers: { iam: store, lambda: store, awsManaged: new BundledAwsManagedPolicies(), fingerprintKey: { fingerprintKey: () => Promise.resolve('parallel-audit-test-key-0123456789abcdef') } } };
    const results = auditSnapshotInParallel(local, { snapshot: 'examples/account', jobs: 2, entry: broken });
    let seen = 0;
    const run = async (): Promise<void> => {
      for await (const result of results) if (result.resourceArn !== '') seen++;
    };
    await expect(run()).rejects.toThrow(InvalidInputError);
    await expect(run()).resolves.toBeUndefined();
    // Shard 0 (this thread) gave its first result before shard 1's turn came.
    expect(seen).toBe(1);
  });

  it.each([
    [['--jobs', '0'], '--jobs must be a whole number from 1 to 32'],
    [['--jobs', 'many'], '--jobs must be a whole number from 1 to 32'],
    [['--jobs', '33'], '--jobs must be a whole number from 1 to 32'],
  ])('refuses %j', async (args, message) => {
    let stderr = '';
    const out: Output = { write: () => undefined, isTTY: false };
    const code = await main(['audit', '--snapshot', 'examples/account', ...args], out, { write: (text) => void (stderr += text), isTTY: false });
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining(message) as string });
  });

  it('refuses --jobs with --live', async () => {
    let stderr = '';
    const code = await main(['audit', '--live', '--jobs', '2'], { write: () => undefined, isTTY: false }, { write: (text) => void (stderr += text), isTTY: false });
    expect(code).toBe(2);
    expect(stderr).toContain('--jobs goes with --snapshot');
  });
});
