import { relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig, type WardenConfig } from '../domain/config';
import { atLeast, severities, type Severity } from '../domain/findings';
import type { AwsManagedPolicyLibrary } from '../domain/ports';
import { applyDecisions, formatPath, InvalidTemplateError, scanTemplate, type TemplateFinding, type TemplateLocation, type TemplateResourceResult } from '../domain/template';
import { BundledAwsManagedPolicies } from '../infra/aws-managed/aws-managed-library';
import { configFromFile } from '../infra/config/config-file';
import { cliFingerprintKey } from '../infra/deps/cli';
import { loadTemplate, type LoadedTemplate } from '../infra/template/load-template';
import packageJson from '../package.json';
import { toAsff } from './formats/asff';
import { wardenRules } from './formats/rule-catalogue';
import { toSarif, type SarifFindingInput, type SarifLocationInput } from './formats/sarif';
import type { Output } from './replay';
import { UsageError } from './usage-error';

/** Output formats of `warden scan-template`. */
export const scanTemplateFormats = ['table', 'json', 'sarif', 'asff'] as const;
export type ScanTemplateFormat = (typeof scanTemplateFormats)[number];

export const scanTemplateUsage = `Usage: warden scan-template FILE... [options]

Evaluates CloudFormation templates (JSON or YAML with !Ref, !Sub, !GetAtt, …), SAM templates and
the template "serverless package" writes (.serverless/cloudformation-template-update-stack.json)
before they are deployed: IAM roles, users, groups and policies with all the policies that apply
to them, managed policy ARNs, function environment variables, function URLs and permissions.
Each finding names the logical id and the property path.

Options:
  --format table|json|sarif|asff  table (default); json: one result per resource per line;
                               sarif: a SARIF 2.1.0 log for code scanning; asff: Security Hub findings
  --fail-on SEVERITY|none      exit 1 when a finding is at or above it (default: high)
  --account-id ID              the account the template deploys to (AWS::AccountId; needed for asff)
  --region REGION              the region it deploys to (AWS::Region; needed for asff)
  --partition PARTITION        aws (default), aws-cn or aws-us-gov
  --trusted-account ID         an account trust policies and permissions may name; repeatable
  --org-id ID                  your organization (aws:PrincipalOrgID conditions equal to it keep a grant inside)
  --config FILE                Warden configuration (JSON or YAML): exemptions and rule modes apply
                               (a rule "off" or an exempt resource is "ignored"), as does a valid
                               warden:exempt tag in the template's Tags
  --fingerprint-key-file FILE  HMAC key of secret fingerprints (default: .warden/fingerprint.key, created once)

Values only known at deploy time (parameters, imports, generated names) are placeholders such as
{AccountId} or {MyParam}: one specific resource, never a wildcard. Secret values are never printed.
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage errors or a
template that could not be read or judged.
`;

/** One template's outcome: its results, or why it could not be read. */
type FileScan = { readonly template: LoadedTemplate; readonly results: readonly TemplateResourceResult[] } | { readonly file: string; readonly error: string };

/** Everything `warden scan-template` was asked to do, already validated. */
export interface ScanTemplateOptions {
  readonly files: readonly string[];
  readonly format: ScanTemplateFormat;
  readonly failOn: Severity | 'none';
  readonly accountId?: string;
  readonly region?: string;
  readonly partition?: string;
  readonly trustedAccounts: readonly string[];
  readonly orgId?: string;
  readonly fingerprintKeyFile?: string;
  /** Exemptions and rule modes; the defaults without --config. */
  readonly config?: WardenConfig;
  /** Injected for tests; the bundled dated copy by default. */
  readonly library?: AwsManagedPolicyLibrary;
  /** CreatedAt of ASFF findings and the clock exemptions expire by; now by default. */
  readonly now?: Date;
}

/** Parses and runs `warden scan-template`; returns the exit code. */
export async function runScanTemplate(args: readonly string[], out: Output): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help === true) {
    out.write(scanTemplateUsage);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('scan-template needs at least one FILE (a CloudFormation, SAM or packaged Serverless template)');
  const format = oneOf('--format', values.format ?? 'table', scanTemplateFormats);
  if (format === 'asff' && (values['account-id'] === undefined || values.region === undefined)) throw new UsageError('--format asff needs --account-id and --region (where Security Hub imports the findings)');
  const failOnText = values['fail-on'] ?? 'high';
  return scanTemplates(
    {
      files: positionals,
      format,
      failOn: failOnText === 'none' ? 'none' : oneOf('--fail-on', failOnText, severities),
      trustedAccounts: values['trusted-account'] ?? [],
      ...(values.config === undefined ? {} : { config: await configFromFile(values.config) }),
      ...optional({ accountId: accountOf(values['account-id']), region: values.region, partition: values.partition, orgId: values['org-id'], fingerprintKeyFile: values['fingerprint-key-file'] }),
    },
    out,
  );
}

function accountOf(value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{12}$/.test(value)) throw new UsageError('--account-id must be 12 digits');
  return value;
}

function optional<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        'account-id': { type: 'string' },
        region: { type: 'string' },
        partition: { type: 'string' },
        'trusted-account': { type: 'string', multiple: true },
        'org-id': { type: 'string' },
        'fingerprint-key-file': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : 'invalid arguments';
    throw new UsageError(message);
  }
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got "${value.slice(0, 40)}")`);
}

/**
 * Scans every file and prints the results. Returns 2 when a file could not be read or a resource
 * could not be judged (the scan is incomplete), else 1 when a finding is at or above `failOn`, else 0.
 */
export async function scanTemplates(options: ScanTemplateOptions, out: Output): Promise<number> {
  const library = options.library ?? new BundledAwsManagedPolicies();
  const key = await cliFingerprintKey(options.fingerprintKeyFile).fingerprintKey();
  const scans: FileScan[] = [];
  for (const file of options.files) scans.push(await scanFile(file, options, library, key));
  write(scans, options, out);
  const incomplete = scans.some((s) => 'error' in s || s.results.some((r) => r.outcome === 'error'));
  const failing = options.failOn !== 'none' && findingsOf(scans).some(({ finding }) => atLeast(finding.severity, options.failOn as Severity));
  return incomplete ? 2 : failing ? 1 : 0;
}

async function scanFile(file: string, options: ScanTemplateOptions, library: AwsManagedPolicyLibrary, key: string | Uint8Array): Promise<FileScan> {
  try {
    const template = await loadTemplate(file);
    const scan = await scanTemplate(
      template.value,
      {
        source: displayPath(file),
        fingerprintKey: key,
        trustedAccounts: options.trustedAccounts,
        ...optional({ accountId: options.accountId, region: options.region, partition: options.partition, orgId: options.orgId }),
      },
      library,
    );
    return { template, results: applyDecisions(scan.results, options.config ?? defaultConfig, options.now ?? new Date()) };
  } catch (error) {
    if (error instanceof InvalidTemplateError) return { file, error: error.message.startsWith(file) ? error.message : `${file}: ${error.message}` };
    throw error;
  }
}

/** Paths as the repository sees them: relative to the working directory, forward slashes. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return (rel.startsWith('..') || rel === '' ? file : rel).split(sep).join('/');
}

function findingsOf(scans: readonly FileScan[]): { finding: TemplateFinding; template: LoadedTemplate }[] {
  return scans.flatMap((s) => ('error' in s ? [] : s.results.flatMap((r) => r.findings.map((finding) => ({ finding, template: s.template })))));
}

function write(scans: readonly FileScan[], options: ScanTemplateOptions, out: Output): void {
  switch (options.format) {
    case 'json':
      for (const line of jsonLines(scans)) out.write(`${line}\n`);
      return;
    case 'sarif':
      out.write(`${JSON.stringify(sarifLog(scans), null, 2)}\n`);
      return;
    case 'asff':
      out.write(`${JSON.stringify(asffOf(scans, options), null, 2)}\n`);
      return;
    case 'table':
      out.write(table(scans, out.isTTY));
  }
}

function locationJson(location: TemplateLocation, template: LoadedTemplate): Record<string, unknown> {
  const line = template.lineOf(location.path);
  return { logicalId: location.logicalId, resourceType: location.resourceType, path: formatPath(location.path), ...(line === undefined ? {} : { line }) };
}

function findingJson(finding: TemplateFinding, template: LoadedTemplate): Record<string, unknown> {
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    category: finding.category,
    severity: finding.severity,
    resourceArn: finding.resourceArn,
    title: finding.title,
    evidence: finding.evidence,
    ...(finding.why === undefined ? {} : { why: finding.why }),
    ...(finding.fix === undefined ? {} : { fix: finding.fix }),
    location: locationJson(finding.location, template),
    ...(finding.relatedLocations ? { relatedLocations: finding.relatedLocations.map((l) => locationJson(l, template)) } : {}),
  };
}

/** One JSON object per resource, one per line; a file that could not be read is one `error` line. */
export function jsonLines(scans: readonly FileScan[]): string[] {
  return scans.flatMap((s) => {
    if ('error' in s) return [JSON.stringify({ file: s.file, outcome: 'error', reason: s.error, findings: [] })];
    const file = displayPath(s.template.file);
    return s.results.map((r) =>
      JSON.stringify({ file, logicalId: r.logicalId, resourceType: r.resourceType, resourceArn: r.resourceArn, outcome: r.outcome, reason: r.reason, findings: r.findings.map((f) => findingJson(f, s.template)) }),
    );
  });
}

function sarifLocation(location: TemplateLocation, template: LoadedTemplate, arn: string | undefined): SarifLocationInput {
  const line = template.lineOf(location.path);
  return { uri: displayPath(template.file), logicalName: location.logicalId, kind: 'resource', ...(line === undefined ? {} : { line }), ...(arn === undefined ? {} : { fullyQualifiedName: arn }) };
}

function sarifLog(scans: readonly FileScan[]): Readonly<Record<string, unknown>> {
  const findings: SarifFindingInput[] = findingsOf(scans).map(({ finding, template }) => ({
    finding,
    location: sarifLocation(finding.location, template, finding.resourceArn),
    related: (finding.relatedLocations ?? []).map((l) => sarifLocation(l, template, undefined)),
  }));
  const notifications = scans.flatMap((s) => ('error' in s ? [{ message: s.error, uri: displayPath(s.file) }] : s.results.filter((r) => r.outcome === 'error').map((r) => ({ message: `${r.logicalId}: ${r.reason}`, uri: displayPath(s.template.file) }))));
  return toSarif(findings, { tool: { name: 'Warden', version: packageJson.version }, rules: wardenRules(), notifications });
}

function asffOf(scans: readonly FileScan[], options: ScanTemplateOptions): unknown[] {
  return toAsff(
    findingsOf(scans).map(({ finding }) => finding),
    { accountId: options.accountId ?? '', region: options.region ?? '', now: options.now ?? new Date(), source: 'scan-template', ...optional({ partition: options.partition }) },
  );
}

const COLOURS: Readonly<Record<string, string>> = { finding: '31', error: '35', unresolved: '33', clean: '32', ignored: '90' };

function paint(text: string, code: string | undefined, colour: boolean): string {
  return colour && code !== undefined ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** For a person: per file, one line per resource and its findings below it, then a summary line. */
function table(scans: readonly FileScan[], colour: boolean): string {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  const bySeverity = new Map<Severity, number>();
  for (const s of scans) {
    if ('error' in s) {
      lines.push(`${paint('error'.padEnd(10), COLOURS.error, colour)} ${s.error}`);
      counts.set('error', (counts.get('error') ?? 0) + 1);
      continue;
    }
    lines.push(`${displayPath(s.template.file)}`);
    for (const r of s.results) {
      counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      lines.push(`  ${paint(r.outcome.padEnd(10), COLOURS[r.outcome], colour)} ${r.logicalId.padEnd(32)} ${r.resourceType.padEnd(26)} ${r.reason}`);
      for (const f of r.findings) {
        bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
        const line = s.template.lineOf(f.location.path);
        lines.push(`             ${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${displayPath(s.template.file)}${line === undefined ? '' : `:${line}`}  ${formatPath(f.location.path)}`);
        lines.push(`                      ${f.title}`);
      }
    }
  }
  const outcomes = ['finding', 'unresolved', 'error', 'clean', 'ignored'].map((o) => `${counts.get(o) ?? 0} ${o}`).join(', ');
  const severitiesText = severities.map((sev) => `${bySeverity.get(sev) ?? 0} ${sev}`).join(', ');
  lines.push(`${scans.length} template${scans.length === 1 ? '' : 's'}, ${[...counts.values()].reduce((a, b) => a + b, 0)} resources: ${outcomes}; findings: ${severitiesText}`);
  return `${lines.join('\n')}\n`;
}
