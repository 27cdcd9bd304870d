import { parseArgs } from 'node:util';
import { auditAccount, type AuditProgress, type AuditSource, type ResourceResult } from '../domain/audit/audit-account';
import { atLeast, severities, type Finding, type Severity } from '../domain/findings';
import type { Outcome } from '../domain/result';
import { createAwsClients } from '../infra/aws/clients';
import { IamGateway } from '../infra/aws/iam-gateway';
import { LambdaGateway } from '../infra/aws/lambda-gateway';
import { LiveInventory } from '../infra/aws/live-inventory';
import { BundledAwsManagedPolicies } from '../infra/aws-managed/aws-managed-library';
import { cliFingerprintKey } from '../infra/deps/cli';
import { SnapshotStore } from '../infra/snapshot/snapshot-store';
import packageJson from '../package.json';
import { toAsff } from './formats/asff';
import { wardenRules } from './formats/rule-catalogue';
import { toSarif } from './formats/sarif';
import { auditSnapshotInParallel, defaultJobs, type ParallelAudit } from './parallel-audit';
import { publicFinding } from './format';
import type { Output } from './replay';
import { progressBar, regionsOf } from './snapshot';
import { UsageError } from './usage-error';

export type { ResourceResult } from '../domain/audit/audit-account';

/** Output formats of `warden audit`. */
export const auditFormats = ['table', 'json', 'sarif', 'asff'] as const;
export type AuditFormat = (typeof auditFormats)[number];

/** Everything `warden audit` was asked to do, already validated. */
export interface AuditOptions extends AuditSource {
  readonly format: AuditFormat;
  readonly failOn: Severity | 'none';
  /** Progress on stderr when it is a terminal. */
  readonly err?: Output;
  /** A snapshot audit on several threads (absent: this thread audits everything). */
  readonly parallel?: ParallelAudit;
}

export const auditUsage = `Usage: warden audit (--snapshot DIR | --live [--regions r1,r2]) [options]

Evaluates every Lambda function (plaintext secrets in the environment of $LATEST and each
version, public or over-shared URLs and resource policies), then every IAM role, user and group
(over-broad permissions and trust policies), with the same detectors as the events.

Options:
  --snapshot DIR               audit an offline snapshot (layout: see README)
  --live                       audit the account of the standard AWS SDK configuration
  --regions r1,r2              with --live: the regions whose functions to audit (default: AWS_REGION)
  --format table|json|sarif|asff
                               json: one result per resource per line; sarif: SARIF 2.1.0 for code
                               scanning; asff: Security Hub BatchImportFindings (default: table)
  --fail-on SEVERITY|none      exit 1 when a finding is at or above it (default: high)
  --fingerprint-key-file FILE  HMAC key of secret fingerprints (default: .warden/fingerprint.key, created once)
  --jobs N                     with --snapshot: threads to audit on (default: from 4 CPUs and 1,000
                               resources, one per CPU but one, up to 4; the output is the same whatever N)
`;

/**
 * Parses and runs `warden audit`; returns the exit code. `entry` is the script that starts the
 * CLI: given, a large snapshot audit may run on worker threads started from it.
 */
export async function runAudit(args: readonly string[], out: Output, err?: Output, env: NodeJS.ProcessEnv = process.env, entry?: string): Promise<number> {
  const values = parseAuditArgs(args);
  if (values.help === true) {
    out.write(auditUsage);
    return 0;
  }
  const format = oneOf('--format', values.format ?? 'table', auditFormats);
  const failOn = failOnOf(values['fail-on'] ?? 'high');
  const fingerprintKey = cliFingerprintKey(values['fingerprint-key-file']);
  const source = await auditSourceOf(values, env, fingerprintKey);
  const parallel = await parallelPlan(values, source, entry);
  if (parallel === undefined && values.jobs !== undefined && values.jobs !== '1' && entry === undefined) {
    err?.write('warden: --jobs needs the built CLI (npm run build:cli); auditing on one thread\n');
  }
  return audit({ ...source, format, failOn, ...(err === undefined ? {} : { err }), ...(parallel === undefined ? {} : { parallel }) }, out);
}

/** Threads for a snapshot audit: `--jobs`, else by the snapshot's size; none without an entry script. */
async function parallelPlan(values: ReturnType<typeof parseAuditArgs>, source: AuditSource, entry: string | undefined): Promise<ParallelAudit | undefined> {
  const asked = values.jobs === undefined ? undefined : jobsOf(values.jobs);
  if (asked !== undefined && values.snapshot === undefined) throw new UsageError('--jobs goes with --snapshot');
  if (values.snapshot === undefined || entry === undefined) return undefined;
  const jobs = asked ?? defaultJobs(await resourceCount(source));
  if (jobs === 1) return undefined;
  return { snapshot: values.snapshot, jobs, entry, ...(values['fingerprint-key-file'] === undefined ? {} : { fingerprintKeyFile: values['fingerprint-key-file'] }) };
}

function jobsOf(value: string): number {
  const jobs = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN;
  if (!(jobs >= 1 && jobs <= 32)) throw new UsageError(`--jobs must be a whole number from 1 to 32 (got "${value.slice(0, 40)}")`);
  return jobs;
}

async function resourceCount(source: AuditSource): Promise<number> {
  const names = await source.inventory.listPrincipalNames();
  let functions = 0;
  for (const region of await source.inventory.listLambdaRegions()) functions += (await source.inventory.listFunctions(region)).length;
  return names.roles.length + names.users.length + names.groups.length + functions;
}

async function auditSourceOf(values: ReturnType<typeof parseAuditArgs>, env: NodeJS.ProcessEnv, fingerprintKey: ReturnType<typeof cliFingerprintKey>): Promise<AuditSource> {
  const snapshot = values.snapshot;
  if (snapshot !== undefined && values.live === true) throw new UsageError('--snapshot and --live exclude each other');
  if (values.live === true) {
    const regions = regionsOf(values.regions, env);
    const clients = createAwsClients({ retryMode: 'adaptive' });
    const lambdaClient = (region: string) => clients.lambda(region);
    return {
      inventory: new LiveInventory({ sts: clients.sts(), iam: clients.iam(), lambda: lambdaClient }, regions),
      readers: { iam: new IamGateway(clients.iam()), lambda: new LambdaGateway(lambdaClient), awsManaged: new BundledAwsManagedPolicies(), fingerprintKey },
    };
  }
  if (snapshot === undefined || snapshot === '') throw new UsageError('audit needs --snapshot DIR or --live');
  if (values.regions !== undefined) throw new UsageError('--regions goes with --live (a snapshot holds its own regions)');
  // An audit only reads: nothing writes the snapshot while it runs.
  const store = await SnapshotStore.open(snapshot, { frozen: true });
  return { inventory: store, readers: { iam: store, lambda: store, awsManaged: new BundledAwsManagedPolicies(), fingerprintKey } };
}

/**
 * Audits every resource and prints the results: json and table as they come, sarif and asff as
 * one document at the end. Exit code: 2 when a resource could not be evaluated, else 1 when a
 * finding is at or above `failOn`, else 0.
 */
export async function audit(options: AuditOptions, out: Output): Promise<number> {
  const counts = new Map<Outcome, number>();
  const collected: ResourceResult[] = [];
  let failing = false;
  const err = options.err;
  const progress = err?.isTTY === true ? progressBar(err) : undefined;
  const report: AuditProgress | undefined = progress === undefined ? undefined : (done, total) => progress('audit', done, total);
  const results = options.parallel === undefined ? auditAccount(options, report) : auditSnapshotInParallel(options, options.parallel, report);
  for await (const result of results) {
    counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    failing ||= result.findings.some((finding) => options.failOn !== 'none' && atLeast(finding.severity, options.failOn));
    if (options.format === 'json') out.write(`${formatAuditJson(result)}\n`);
    else if (options.format === 'table') out.write(`${formatAuditRow(result, out.isTTY).join('\n')}\n`);
    else collected.push(result);
  }
  if (progress !== undefined) err?.write('\n');
  if (options.format === 'table') out.write(`${auditSummary(counts)}\n`);
  if (options.format === 'sarif') out.write(`${JSON.stringify(auditSarif(collected), null, 2)}\n`);
  if (options.format === 'asff') out.write(`${JSON.stringify(await auditAsff(collected, options), null, 2)}\n`);
  if ((counts.get('error') ?? 0) > 0) return 2;
  return failing ? 1 : 0;
}

/** SARIF 2.1.0: each finding located at its resource (logical name and ARN; an account has no files). */
export function auditSarif(results: readonly ResourceResult[]): Readonly<Record<string, unknown>> {
  const findings = results.flatMap((result) =>
    result.findings.map((finding) => ({ finding, location: { logicalName: resourceName(result), fullyQualifiedName: finding.resourceArn, kind: 'resource' } })),
  );
  const notifications = results.filter((result) => result.outcome === 'error').map((result) => ({ message: `${result.resourceArn}: ${result.reason}` }));
  return toSarif(findings, { tool: { name: 'Warden', version: packageJson.version }, rules: wardenRules(), notifications });
}

async function auditAsff(results: readonly ResourceResult[], options: AuditOptions): Promise<readonly Record<string, unknown>[]> {
  const account = await options.inventory.readAccount();
  const findings: Finding[] = results.flatMap((result) => [...result.findings]);
  const region = results.find((result) => result.region !== undefined)?.region ?? 'us-east-1';
  return toAsff(findings, { accountId: account.accountId, partition: account.partition, region, now: new Date(), source: 'audit' });
}

function resourceName(result: ResourceResult): string {
  return result.resourceType === 'function' ? `${result.region ?? ''}/${result.resourceArn.split(':function:')[1] ?? result.resourceArn}` : `${result.resourceType} ${result.resourceArn.split('/').pop() ?? result.resourceArn}`;
}

/** One JSON object per line: the §7 result shape, keyed by resource rather than event. */
export function formatAuditJson(result: ResourceResult): string {
  return JSON.stringify({
    resourceArn: result.resourceArn,
    resourceType: result.resourceType,
    region: result.region,
    outcome: result.outcome,
    reason: result.reason,
    findings: result.findings.map(publicFinding),
    actions: result.actions,
  });
}

/** Lines for a person: the resource, then each finding indented (severity coloured on a terminal). */
export function formatAuditRow(result: ResourceResult, colour = false): string[] {
  const lines = [`${result.outcome.padEnd(10)} ${resourceName(result).padEnd(40)} ${result.reason}`];
  for (const finding of result.findings) {
    const severity = finding.severity.toUpperCase().padEnd(8);
    lines.push(`           ${colour ? paint(finding.severity, severity) : severity} ${finding.ruleId}  ${finding.subject?.qualifier === undefined ? '' : `(${finding.subject.qualifier}) `}${finding.title}`);
  }
  return lines;
}

const COLOURS: Readonly<Record<Severity, string>> = { critical: '\u001b[1;31m', high: '\u001b[31m', medium: '\u001b[33m', low: '\u001b[36m', info: '\u001b[2m' };

function paint(severity: Severity, text: string): string {
  return `${COLOURS[severity]}${text}\u001b[0m`;
}

function auditSummary(counts: ReadonlyMap<Outcome, number>): string {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  const parts = (['finding', 'unresolved', 'error', 'clean'] as const).map((outcome) => `${counts.get(outcome) ?? 0} ${outcome}`);
  return `${total} resource${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function parseAuditArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        snapshot: { type: 'string' },
        live: { type: 'boolean' },
        regions: { type: 'string' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        'fingerprint-key-file': { type: 'string' },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : 'invalid arguments';
    throw new UsageError(message);
  }
}

function failOnOf(value: string): Severity | 'none' {
  return value === 'none' ? 'none' : oneOf('--fail-on', value, severities);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got "${value.slice(0, 40)}")`);
}
