import type { Finding, Severity } from '../../domain/findings';

/**
 * SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the log GitHub code scanning and
 * most CI dashboards import. Pure: findings and rule metadata in, one log object out. Rules carry a
 * `security-severity` so GitHub ranks them; results carry a stable partial fingerprint (the
 * finding id) so a finding keeps its identity across runs.
 */

/** The URI of the SARIF 2.1.0 JSON schema (OASIS). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** What a rule is, for `tool.driver.rules`. */
export interface SarifRuleInput {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why it matters and how to fix it, in plain text. */
  readonly help?: string;
  readonly category?: string;
}

/** One place a finding points at: a file line and/or a logical resource. */
export interface SarifLocationInput {
  /** File path relative to the repository root (forward slashes), when the finding is in a file. */
  readonly uri?: string;
  /** 1-based line. */
  readonly line?: number;
  /** Logical name (a CloudFormation logical id, a role name). */
  readonly logicalName: string;
  /** Fully qualified logical name (an ARN). */
  readonly fullyQualifiedName?: string;
  /** SARIF logical location kind; `resource` for cloud resources. */
  readonly kind?: string;
}

/** A finding with where it is. */
export interface SarifFindingInput {
  readonly finding: Finding;
  readonly location: SarifLocationInput;
  readonly related?: readonly SarifLocationInput[];
}

/** The tool that ran. */
export interface SarifToolInput {
  readonly name: string;
  readonly version: string;
  readonly informationUri?: string;
}

/** A problem with the run itself (a file that could not be read). */
export interface SarifNotificationInput {
  readonly message: string;
  readonly uri?: string;
}

/** Options of {@link toSarif}. */
export interface SarifOptions {
  readonly tool: SarifToolInput;
  /** Known rules; rules of findings not listed here are described from the finding itself. */
  readonly rules?: readonly SarifRuleInput[];
  /** Errors that made the run incomplete: `executionSuccessful` is false when there are any. */
  readonly notifications?: readonly SarifNotificationInput[];
}

/** A SARIF log as JSON data. */
export type SarifLog = Readonly<Record<string, unknown>>;

/** SARIF result levels by severity. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

/** GitHub's `security-severity` (CVSS-like 0–10): critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.5' };

/** Encodes a path as a relative URI reference (`dir/my file.yml` → `dir/my%20file.yml`). */
export function toUriReference(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function ruleDescriptor(rule: SarifRuleInput): Record<string, unknown> {
  const help = rule.help ?? rule.title;
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: help },
    help: { text: help },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: { 'security-severity': SECURITY_SEVERITY[rule.severity], tags: ['security', ...(rule.category ? [rule.category] : [])], precision: 'high' },
  };
}

/** A rule described by the first finding that raised it (title without its resource, why and fix). */
function ruleFromFinding(finding: Finding): SarifRuleInput {
  const help = [finding.why, finding.fix === undefined ? undefined : `Fix: ${finding.fix}`].filter((t): t is string => t !== undefined).join(' ');
  return { id: finding.ruleId, title: finding.title.replace(/ \([^)]*\)$/, ''), severity: finding.severity, category: finding.category, ...(help ? { help } : {}) };
}

function rulesOf(findings: readonly SarifFindingInput[], known: readonly SarifRuleInput[]): SarifRuleInput[] {
  const byId = new Map(known.map((r) => [r.id, r]));
  const used: SarifRuleInput[] = [];
  const seen = new Set<string>();
  for (const { finding } of findings) {
    if (seen.has(finding.ruleId)) continue;
    seen.add(finding.ruleId);
    used.push(byId.get(finding.ruleId) ?? ruleFromFinding(finding));
  }
  return used.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function location(input: SarifLocationInput, id?: number): Record<string, unknown> {
  const physical =
    input.uri === undefined
      ? {}
      : { physicalLocation: { artifactLocation: { uri: toUriReference(input.uri) }, ...(input.line === undefined ? {} : { region: { startLine: Math.max(1, Math.trunc(input.line)) } }) } };
  const logical = { name: input.logicalName, kind: input.kind ?? 'resource', ...(input.fullyQualifiedName === undefined ? {} : { fullyQualifiedName: input.fullyQualifiedName }) };
  return { ...(id === undefined ? {} : { id }), ...physical, logicalLocations: [logical] };
}

function message(finding: Finding): string {
  return [finding.title, finding.why, finding.fix === undefined ? undefined : `Fix: ${finding.fix}`].filter((t): t is string => t !== undefined && t.length > 0).join(' ');
}

function result(input: SarifFindingInput, ruleIndex: number): Record<string, unknown> {
  const { finding } = input;
  const related = input.related ?? [];
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text: message(finding) },
    locations: [location(input.location)],
    ...(related.length > 0 ? { relatedLocations: related.map((r, i) => location(r, i + 1)) } : {}),
    partialFingerprints: { 'wardenFindingId/v1': finding.id },
    properties: { severity: finding.severity, category: finding.category, resourceArn: finding.resourceArn, evidence: finding.evidence },
  };
}

/**
 * Builds a SARIF 2.1.0 log with one run: the rules the findings raised, one result per finding,
 * and, when the run was incomplete, notifications saying why. Findings must already be redacted
 * (Warden's are by construction: evidence never holds a secret value).
 */
export function toSarif(findings: readonly SarifFindingInput[], options: SarifOptions): SarifLog {
  const rules = rulesOf(findings, options.rules ?? []);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const notifications = options.notifications ?? [];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            ...(options.tool.informationUri === undefined ? {} : { informationUri: options.tool.informationUri }),
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            toolExecutionNotifications: notifications.map((n) => ({
              level: 'error',
              message: { text: n.message },
              ...(n.uri === undefined ? {} : { locations: [{ physicalLocation: { artifactLocation: { uri: toUriReference(n.uri) } } }] }),
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => result(f, index.get(f.finding.ruleId) ?? 0)),
      },
    ],
  };
}
