import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { defaultJobs } from '../cli/parallel-audit';
import { ACCOUNT, exposureInput, identityPolicy, trustPolicy } from './generate';
import { pick, seededRandom } from './measure';
import { figure, type SectionResult } from './results';

/**
 * Issue 6: `warden audit --snapshot DIR --format json` over a generated account of 5,000 roles and
 * 2,000 functions, run as users run it (the bundled CLI in a fresh process), timed from spawn to
 * exit, with the process's peak RSS. Targets: over 1,000 principals per second, under 512 MB.
 */

const AWS_MANAGED_ARTEFACT = join('infra', 'aws-managed', 'aws-managed-policies.json.br');
const ROLES = 5_000;
const FUNCTIONS = 2_000;
const MANAGED_POLICIES = 200;
const REGION = 'us-east-1';
const PRINCIPALS_PER_SECOND_TARGET = 1_000;
const PEAK_RSS_TARGET_MIB = 512;

type Random = () => number;

function managedPolicy(random: Random, i: number) {
  const document = identityPolicy(random);
  return {
    PolicyName: `shared-${i}`,
    PolicyId: `ANPA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:policy/shared-${i}`,
    Path: '/',
    DefaultVersionId: 'v1',
    AttachmentCount: 1,
    IsAttachable: true,
    PolicyVersionList: [{ Document: document, VersionId: 'v1', IsDefaultVersion: true, CreateDate: '2025-01-01T00:00:00+00:00' }],
  };
}

const AWS_MANAGED = ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'];

function role(random: Random, i: number) {
  const inline = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({ PolicyName: `inline-${k}`, PolicyDocument: identityPolicy(random) }));
  const attached = Array.from({ length: Math.floor(random() * 3) }, () => {
    const arn = random() < 0.2 ? pick(random, AWS_MANAGED) : `arn:aws:iam::${ACCOUNT}:policy/shared-${Math.floor(random() * MANAGED_POLICIES)}`;
    return { PolicyName: arn.split('/').pop() ?? 'p', PolicyArn: arn };
  });
  return {
    Path: '/',
    RoleName: `role-${i}`,
    RoleId: `AROA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
    CreateDate: '2025-01-01T00:00:00+00:00',
    AssumeRolePolicyDocument: trustPolicy(random),
    InstanceProfileList: [],
    RolePolicyList: inline,
    AttachedManagedPolicies: attached,
    Tags: [],
  };
}

const ENV_VALUES: readonly (readonly [string, string])[] = [
  ['TABLE_NAME', 'orders-prod'],
  ['DB_SECRET_NAME', 'prod/db'],
  ['LOG_LEVEL', 'INFO'],
  ['DB_PASSWORD', 'Tr0ub4dor-and-3'],
  ['GITHUB_TOKEN', `ghp_${'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z0'}`],
  ['API_URL', 'https://api.example.com/v1'],
  ['CONFIG', '{"db":{"host":"db.internal","password":"hunter2hunter2"}}'],
];

function writeFunctions(dir: string, random: Random): void {
  const regionDir = join(dir, 'lambda', REGION);
  for (const sub of ['policies', 'url-configs']) mkdirSync(join(regionDir, sub), { recursive: true });
  const functions = Array.from({ length: FUNCTIONS }, (_, i) => {
    const exposure = exposureInput(random, i);
    const name = `fn-${i}`;
    const policy = exposure.policies[0]?.policy;
    if (random() < 0.3 && policy !== undefined) writeFileSync(join(regionDir, 'policies', `${name}.json`), JSON.stringify({ Policy: policy, RevisionId: `r-${i}` }));
    const url = exposure.urlConfigs[0];
    if (url !== undefined && random() < 0.3) {
      writeFileSync(join(regionDir, 'url-configs', `${name}.json`), JSON.stringify({ FunctionUrlConfigs: [{ FunctionUrl: url.functionUrl, FunctionArn: url.functionArn, AuthType: url.authType, CreationTime: '2025-01-01T00:00:00Z', LastModifiedTime: '2025-01-01T00:00:00Z' }] }));
    }
    const variables = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(random, ENV_VALUES)));
    return {
      FunctionName: name,
      FunctionArn: exposure.functionArn,
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${ACCOUNT}:role/role-${i % ROLES}`,
      Handler: 'index.handler',
      Version: '$LATEST',
      Environment: { Variables: variables },
      RevisionId: `rev-${i}`,
      PackageType: 'Zip',
    };
  });
  writeFileSync(join(regionDir, 'functions.json'), JSON.stringify({ Functions: functions }));
}

/** Writes the generated account in the snapshot layout of DESIGN.md §7. */
export function writeSnapshot(dir: string): void {
  const random = seededRandom(60_000);
  mkdirSync(join(dir, 'iam'), { recursive: true });
  writeFileSync(join(dir, 'account.json'), JSON.stringify({ accountId: ACCOUNT, partition: 'aws' }));
  const details = {
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: Array.from({ length: ROLES }, (_, i) => role(random, i)),
    Policies: Array.from({ length: MANAGED_POLICIES }, (_, i) => managedPolicy(random, i)),
  };
  writeFileSync(join(dir, 'iam', 'authorization-details.json'), JSON.stringify(details));
  writeFunctions(dir, random);
}

/** Writes the child's peak RSS and exit code to a file when it exits. */
const PRELOAD = `process.on('exit', (code) => require('node:fs').writeFileSync(process.env.WARDEN_BENCH_USAGE, JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS })));`;

interface AuditRun {
  readonly seconds: number;
  readonly maxRssKb: number;
  readonly code: number;
  readonly results: number;
  /** `resourceType outcome` → count, and the most common error reasons. */
  readonly outcomes: string;
}

function summarizeOutput(lines: readonly string[]): string {
  const outcomes = new Map<string, number>();
  const reasons = new Map<string, number>();
  for (const line of lines) {
    try {
      const result = JSON.parse(line) as { resourceType?: string; outcome?: string; reason?: string };
      const key = `${result.resourceType ?? '?'} ${result.outcome ?? '?'}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (result.outcome === 'error') reasons.set((result.reason ?? '').slice(0, 100), (reasons.get((result.reason ?? '').slice(0, 100)) ?? 0) + 1);
    } catch {
      outcomes.set('unparsable line', (outcomes.get('unparsable line') ?? 0) + 1);
    }
  }
  const errors = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([r, n]) => `${n}× "${r}"`);
  return [...outcomes].map(([k, n]) => `${n} ${k}`).join(', ') + (errors.length > 0 ? `; errors: ${errors.join(', ')}` : '');
}

function runAudit(root: string, cli: string, snapshot: string): AuditRun {
  const preload = join(root, 'usage.js');
  const usageFile = join(root, 'usage.json');
  writeFileSync(preload, PRELOAD);
  writeFileSync(join(root, 'key'), randomBytes(32).toString('hex'));
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', preload, cli, 'audit', '--snapshot', snapshot, '--format', 'json', '--fail-on', 'none', '--fingerprint-key-file', join(root, 'key')], {
    cwd: root,
    env: { PATH: process.env.PATH, WARDEN_BENCH_USAGE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
    timeout: 240_000,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!existsSync(usageFile)) throw new Error(`audit did not finish (${child.signal ?? child.status ?? '?'}): ${child.stderr.toString('utf8').slice(0, 300)}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { code: number; maxRssKb: number };
  const lines = child.stdout.toString('utf8').split('\n').filter((l) => l.length > 0);
  return { seconds, maxRssKb: usage.maxRssKb, code: usage.code, results: lines.length, outcomes: summarizeOutput(lines) };
}

/** The audit figures of issue 6. */
export async function benchAudit(): Promise<SectionResult> {
  if (!existsSync('cli/audit.ts')) return { figures: [], skipped: [{ name: 'audit: principals per second', reason: 'not built yet (no cli/audit.ts)' }], notes: [] };
  const root = mkdtempSync(join(tmpdir(), 'warden-bench-audit-'));
  try {
    const snapshot = join(root, 'account');
    writeSnapshot(snapshot);
    const cli = join(root, 'warden.js');
    await build({ entryPoints: ['cli/warden.ts'], bundle: true, platform: 'node', target: 'node20', outfile: cli, logLevel: 'silent' });
    // The bundle looks for the AWS-managed policy artefact next to itself (__dirname); npm run
    // build:cli does not copy it into dist/ (reported), so the bench puts it where it is looked for.
    copyFileSync(AWS_MANAGED_ARTEFACT, join(root, 'aws-managed-policies.json.br'));
    const run = runAudit(root, cli, snapshot);
    const principalsAudited = run.results >= ROLES + FUNCTIONS;
    return {
      figures: [
        figure('audit: principals per second (whole run, functions included)', ROLES / run.seconds, 'principals/s', 'higher', PRINCIPALS_PER_SECOND_TARGET),
        figure('audit: resources per second', (ROLES + FUNCTIONS) / run.seconds, 'resources/s', 'higher'),
        figure('audit: wall time', run.seconds, 's', 'lower'),
        figure('audit: peak RSS', run.maxRssKb / 1024, 'MiB', 'lower', PEAK_RSS_TARGET_MIB),
      ],
      skipped: principalsAudited ? [] : [{ name: 'audit: IAM principals', reason: `not built yet (${run.results} results for ${ROLES} roles and ${FUNCTIONS} functions)` }],
      notes: [
        `Audit: a generated snapshot of ${ROLES} roles (1–3 inline policies, 0–2 attached of ${MANAGED_POLICIES} customer-managed and a few AWS-managed, varied trust policies) ` +
          `and ${FUNCTIONS} functions (1–5 variables, some secrets; 30% with resource policies, some URLs); \`warden audit --snapshot DIR --format json --fail-on none\` ` +
          `(default --jobs: ${defaultJobs(ROLES + FUNCTIONS)} threads on this machine's ${availableParallelism()} CPUs) from an esbuild bundle of ` +
          `cli/warden.ts in a fresh node process, timed from spawn to exit (Node start and snapshot loading included); exit code ${run.code}; ${run.outcomes}; ` +
          `peak RSS is the child's process.resourceUsage().maxRSS at exit. Principals per second divides the roles by the whole run's time (conservative: the functions' time is included).`,
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
