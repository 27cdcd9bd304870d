import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Output } from '../../../cli/replay';
import { main } from '../../../cli/warden';

const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
const keyFile = join(dir, 'fingerprint.key');
writeFileSync(keyFile, 'audit-test-fingerprint-key-0123456789abcdef\n', { mode: 0o600 });

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { write: (text) => void (stdout += text), isTTY: false } satisfies Output, { write: (text) => void (stderr += text), isTTY: false } satisfies Output);
  return { code, stdout, stderr };
}

interface Line {
  resourceArn: string;
  resourceType: string;
  outcome: string;
  reason: string;
  findings: { ruleId: string; evidence: Record<string, unknown> }[];
  actions: unknown[];
}

describe('warden audit --snapshot examples/account', () => {
  it('prints one result per function with every Lambda finding class, and exits 1 on critical findings', async () => {
    const { code, stdout } = await run('audit', '--snapshot', 'examples/account', '--format', 'json', '--fingerprint-key-file', keyFile);
    const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line);
    const functions = lines.filter((line) => line.resourceType === 'function');
    const byName = new Map(functions.map((line) => [line.resourceArn.split(':function:')[1] ?? '', line]));
    const rules = (name: string): string[] => (byName.get(name)?.findings ?? []).map((finding) => finding.ruleId).sort();
    expect(functions).toHaveLength(22);
    expect(functions.every((line) => Object.keys(line).join() === 'resourceArn,resourceType,region,outcome,reason,findings,actions')).toBe(true);
    expect(rules('legacy-cron')).toEqual(['lambda-public-invoke']);
    expect(rules('image-resize')).toEqual(['lambda-public-url']);
    expect(rules('signup-form')).toEqual(['lambda-latent-public-url']);
    expect(rules('partner-reports')).toEqual(['lambda-any-account-url', 'lambda-cross-account']);
    expect(rules('internal-metrics')).toEqual(['lambda-confused-deputy']);
    expect(rules('checkout-api')).toEqual(['lambda-env-secret-named', 'lambda-public-invoke']);
    expect(byName.get('checkout-api')?.findings.find((f) => f.ruleId === 'lambda-env-secret-named')?.evidence.version).toEqual(['1']);
    expect(rules('report-export')).toEqual(['lambda-env-secret-credential-url']);
    expect(byName.get('billing-sync')?.outcome).toBe('unresolved');
    expect(byName.get('orders-api')?.outcome).toBe('clean');
    expect(rules('upload-scanner')).toEqual(['lambda-confused-deputy']);
    expect(rules('invoice-renderer')).toEqual(['lambda-cross-account']);
    expect(rules('report-exporter')).toEqual(['lambda-env-secret-vendor-token']);
    expect(rules('ledger-sync')).toEqual(['lambda-env-secret-credential-url']);
    // Look-alikes stay clean: a commit SHA, a secret's ARN, an SSM path in a *_PARAM name, a KMS key ARN.
    for (const clean of ['feature-flags', 'api-authorizer', 'email-sender', 'gdpr-export', 'orders-worker']) expect(byName.get(clean)?.outcome).toBe('clean');
    expect(code).toBe(1);
  });

  it('then judges every IAM role, user and group as it stands', async () => {
    const { stdout } = await run('audit', '--snapshot', 'examples/account', '--format', 'json', '--fingerprint-key-file', keyFile);
    const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line);
    const principal = (arn: string): Line | undefined => lines.find((line) => line.resourceArn === arn);
    expect(principal('arn:aws:iam::111122223333:role/reporting-batch-role')?.findings.map((f) => f.ruleId)).toContain('iam-admin-equivalent');
    expect(principal('arn:aws:iam::111122223333:user/bob')).toMatchObject({ resourceType: 'user', outcome: 'finding' });
    expect(principal('arn:aws:iam::111122223333:group/developers')).toMatchObject({ resourceType: 'group', outcome: 'clean' });
    expect(lines.map((line) => line.resourceType).filter((type, index, all) => all.indexOf(type) === index)).toEqual(['function', 'role', 'user', 'group']);
  });

  it('table format ends with a summary; --fail-on none exits 0', async () => {
    const { code, stdout } = await run('audit', '--snapshot', 'examples/account', '--fail-on', 'none', '--fingerprint-key-file', keyFile);
    expect(stdout).toMatch(/^finding {4}us-east-1\/legacy-cron/m);
    expect(stdout).toMatch(/^finding {4}role reporting-batch-role/m);
    expect(stdout.trim().split('\n').pop()).toMatch(/^\d+ resources: \d+ finding, \d+ unresolved, 0 error, \d+ clean$/);
    expect(code).toBe(0);
  });

  it.each([
    [['audit'], /audit needs --snapshot DIR/],
    [['audit', '--snapshot', 'no/such/dir'], /no\/such\/dir/],
    [['audit', '--snapshot', 'examples/account', '--format', 'xml'], /--format must be one of table, json/],
    [['audit', '--snapshot', 'examples/account', '--fingerprint-key-file', join(dir, 'missing.key')], /fingerprint key file .*missing\.key does not exist/],
  ])('usage and input errors exit 2: %j', async (argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(`${stderr}${stdout}`).toMatch(message);
  });
});
