import { InvalidInputError } from '../../domain/errors';
import type { Finding, FindingSubject, Severity } from '../../domain/findings';

/**
 * The AWS Security Finding Format (ASFF, schema 2018-10-08): what Security Hub's
 * `BatchImportFindings` accepts, one object per finding, imported under the account's own
 * `default` product (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`).
 * Pure: findings and the import context in, ASFF objects out.
 */

/** Where the findings are imported. */
export interface AsffOptions {
  /** The 12-digit account that imports the findings (and owns the resources, unless a finding says otherwise). */
  readonly accountId: string;
  readonly region: string;
  readonly partition?: string;
  /** CreatedAt / UpdatedAt. */
  readonly now: Date;
  /** Names the generator (`warden/<source>/<rule id>`): `audit`, `scan-template`, … */
  readonly source: string;
}

/** One ASFF finding as JSON data. */
export type AsffFinding = Readonly<Record<string, unknown>>;

/** Security Hub's severity labels. */
export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

const LABELS: Readonly<Record<Severity, AsffSeverityLabel>> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };

/** Security Hub limits (BatchImportFindings rejects longer values). */
const LIMITS = { title: 256, description: 1024, recommendation: 512, productField: 2048 } as const;

const ACCOUNT = /^\d{12}$/;

/** Raised when the import context cannot produce valid ASFF (no 12-digit account, no region). */
export class AsffContextError extends InvalidInputError {
  override readonly name = 'AsffContextError';
}

/** ASFF finding types: `namespace/category/classifier`, namespaces as Security Hub defines them. */
function typesOf(finding: Finding): string[] {
  if (finding.category === 'secrets') return ['Sensitive Data Identifications/Passwords', `Software and Configuration Checks/AWS Security Best Practices/${finding.ruleId}`];
  if (finding.category === 'exposure') return ['Effects/Data Exposure', `Software and Configuration Checks/AWS Security Best Practices/${finding.ruleId}`];
  return [`Software and Configuration Checks/AWS Security Best Practices/${finding.ruleId}`];
}

function resourceType(subject: FindingSubject | undefined): string {
  switch (subject?.kind) {
    case 'role':
      return 'AwsIamRole';
    case 'user':
      return 'AwsIamUser';
    case 'group':
      return 'AwsIamGroup';
    case 'policy':
      return 'AwsIamPolicy';
    case 'function':
      return 'AwsLambdaFunction';
    default:
      return 'Other';
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function description(finding: Finding): string {
  const text = [finding.why, `Rule ${finding.ruleId} (${finding.category}) on ${finding.resourceArn}.`].filter((t): t is string => t !== undefined).join(' ');
  return clip(text, LIMITS.description);
}

function productFields(finding: Finding): Record<string, string> {
  const fields: Record<string, string> = {
    'warden/RuleId': finding.ruleId,
    'warden/Category': finding.category,
    'warden/FindingId': finding.id,
  };
  const logicalId = finding.evidence.logicalId;
  if (typeof logicalId === 'string') fields['warden/LogicalId'] = logicalId;
  const path = finding.evidence.propertyPath;
  if (typeof path === 'string') fields['warden/PropertyPath'] = clip(path, LIMITS.productField);
  return fields;
}

function asffFinding(finding: Finding, options: AsffOptions, partition: string, timestamp: string): AsffFinding {
  const region = finding.subject?.region ?? options.region;
  return {
    SchemaVersion: '2018-10-08',
    Id: `${options.region}/${options.accountId}/warden/${finding.id}`,
    ProductArn: `arn:${partition}:securityhub:${options.region}:${options.accountId}:product/${options.accountId}/default`,
    ProductName: 'Warden',
    CompanyName: 'Warden',
    GeneratorId: `warden/${options.source}/${finding.ruleId}`,
    AwsAccountId: ACCOUNT.test(finding.accountId) ? finding.accountId : options.accountId,
    Types: typesOf(finding),
    CreatedAt: timestamp,
    UpdatedAt: timestamp,
    Severity: { Label: LABELS[finding.severity], Original: finding.severity },
    Title: clip(finding.title, LIMITS.title),
    Description: description(finding),
    ...(finding.fix === undefined ? {} : { Remediation: { Recommendation: { Text: clip(finding.fix, LIMITS.recommendation) } } }),
    ProductFields: productFields(finding),
    Resources: [{ Type: resourceType(finding.subject), Id: finding.resourceArn, Partition: partition, Region: region.startsWith('{') ? options.region : region }],
    RecordState: 'ACTIVE',
    Workflow: { Status: 'NEW' },
  };
}

/**
 * The findings as ASFF, ready for `aws securityhub batch-import-findings --findings file://…`
 * (at most 100 per call). Ids are stable per finding id, so a re-import updates a finding.
 * @throws AsffContextError when the account is not 12 digits or the region is empty.
 */
export function toAsff(findings: readonly Finding[], options: AsffOptions): AsffFinding[] {
  if (!ACCOUNT.test(options.accountId)) throw new AsffContextError('ASFF needs the 12-digit account id that imports the findings');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)) throw new AsffContextError('ASFF needs the region Security Hub imports the findings in (e.g. us-east-1)');
  const partition = options.partition ?? 'aws';
  const timestamp = options.now.toISOString();
  return findings.map((finding) => asffFinding(finding, options, partition, timestamp));
}
