import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../cli/warden';
import type { Output } from '../../../cli/replay';

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const out: Output = { write: (text) => void (stdout += text), isTTY: false };
  const err: Output = { write: (text) => void (stderr += text), isTTY: false };
  const code = await main(argv, out, err);
  return { code, stdout, stderr };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const resultKeys = ['eventId', 'eventName', 'eventSource', 'outcome', 'reason', 'findings', 'actions'];
const workDir = mkdtempSync(join(tmpdir(), 'warden-cli-'));

describe('warden replay', () => {
  it('prints one valid JSON result per example event', async () => {
    const { code, stdout, stderr } = await run('replay', '--format', 'json', '--self-arn', 'arn:aws:iam::111122223333:role/warden-prod-*', 'examples/events');
    const results = jsonLines(stdout);
    expect(stderr).toBe('');
    expect(results.length).toBeGreaterThanOrEqual(20);
    for (const result of results) {
      expect(Object.keys(result)).toEqual(resultKeys);
      expect(['finding', 'clean', 'ignored', 'unresolved', 'error']).toContain(result.outcome);
      expect(typeof result.reason).toBe('string');
    }
    expect(results.filter((result) => result.outcome === 'error')).toEqual([]);
    expect(results.map((result) => result.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/^failed call \(AccessDenied\)/), expect.stringMatching(/Warden's own role/)]));
    // Event-only, the bundled AWS-managed documents and the documents events carry give critical findings.
    expect(results.filter((result) => result.outcome === 'finding').length).toBeGreaterThan(0);
    expect(code).toBe(1);
  });

  it('replays against the example snapshot', async () => {
    const { code, stdout } = await run('replay', '--format', 'json', '--snapshot', 'examples/account', 'examples/events');
    expect(jsonLines(stdout).length).toBeGreaterThanOrEqual(20);
    expect([0, 1]).toContain(code);
  });

  it.each([
    ['a malformed file', 'malformed.json', '{"eventName": "PutRolePolicy", '],
    ['an empty file', 'empty.json', ''],
    ['a record of the wrong shape', 'wrong.json', '{"eventName": 42}'],
  ])('gives an error result for %s and exits 2', async (_label, name, content) => {
    const file = join(workDir, name);
    writeFileSync(file, content);
    const { code, stdout, stderr } = await run('replay', '--format', 'json', file);
    const results = jsonLines(stdout);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'error', reason: expect.stringContaining(file) as unknown });
    expect(stderr).not.toMatch(/\bat \S+ \(/); // no stack trace
    expect(code).toBe(2);
  });

  it('reports a 50 MB file of garbage as one error, without a stack trace', async () => {
    const file = join(workDir, 'garbage.json');
    writeFileSync(file, randomBytes(50 * 1024 * 1024));
    const { code, stdout, stderr } = await run('replay', '--format', 'json', file);
    const results = jsonLines(stdout);
    expect(results.length).toBeGreaterThanOrEqual(1);
    expect(results.length).toBeLessThanOrEqual(25);
    expect(results.every((result) => result.outcome === 'error')).toBe(true);
    expect(stderr).not.toMatch(/\bat \S+ \(/);
    expect(code).toBe(2);
  });

  it('keeps going after a bad record in a file of many', async () => {
    const good = JSON.stringify({ eventVersion: '1.09', eventTime: '2026-11-20T10:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', awsRegion: 'us-east-1', eventID: 'e1', readOnly: true });
    const file = join(workDir, 'mixed.jsonl');
    writeFileSync(file, `${good}\n{not json\n${good.replace('e1', 'e2')}\n`);
    const results = jsonLines((await run('replay', '--format', 'json', file)).stdout);
    expect(results.map((result) => result.outcome)).toEqual(['ignored', 'error', 'ignored']);
    expect(String(results[1]?.reason)).toContain(`${file}:2`);
  });

  it('prints a table with a summary line', async () => {
    const { stdout } = await run('replay', 'examples/events');
    expect(stdout).toMatch(/\d+ events: \d+ finding, \d+ unresolved, \d+ error, \d+ clean, \d+ ignored\n$/);
  });

  it.each([
    [['replay'], /at least one PATH/],
    [['replay', '--format', 'xml', 'examples/events'], /--format must be one of table, json/],
    [['replay', '--snapshot', 'x', '--live', 'examples/events'], /exclude each other/],
    [['replay', '--fail-on', 'urgent', 'examples/events'], /--fail-on must be one of/],
    [['replay', '--mode', 'destroy', 'examples/events'], /--mode must be one of off, notify, enforce/],
    [['replay', '--bogus', 'examples/events'], /Unknown option '--bogus'/],
    [['replay', 'no/such/path.json'], /no\/such\/path.json/],
    [['replay', '--snapshot', 'no/such/dir', 'examples/events'], /no\/such\/dir/],
    [['replay', '--config', 'no/such/config.yml', 'examples/events'], /cannot read config file/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const { code, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat \S+ \(/);
  });

  it('fails closed on an invalid --config', async () => {
    const file = join(workDir, 'config.yml');
    writeFileSync(file, 'mode: enforce-everything\n');
    const { code, stderr } = await run('replay', '--config', file, 'examples/events');
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid configuration: mode/);
  });

  it('prints help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: warden <command>/);
  });
});
