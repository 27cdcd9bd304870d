import { atLeast, type Finding, type Severity } from '../findings';
import type { AlertMessage } from '../notifications/alert-message';
import type { AlertPublisher, IamReader, Ledger, TrailReader } from '../ports';
import { lastKnownGoodKey, type LastKnownGood } from '../remediation/ledger-record';
import { assessTrailCoverage, type TrailCoverage } from '../trail';
import { auditAccount, type AuditSource, type ResourceResult } from './audit-account';

/** What the previous sweep saw: one line per finding, enough to say what is new and what resolved. */
export interface SweepFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly resourceArn: string;
  readonly title: string;
}

/** The stored outcome of the last sweep. */
export interface SweepState {
  readonly at: string;
  readonly findings: readonly SweepFinding[];
}

/** Where the sweep keeps its state between runs (a ledger-table item live). */
export interface SweepStateStore {
  load(): Promise<SweepState | undefined>;
  save(state: SweepState): Promise<void>;
}

/** Everything a sweep needs; the Lambda builds it from the live account. */
export interface SweepDeps extends AuditSource {
  readonly trails: TrailReader;
  readonly homeRegion: string;
  readonly state: SweepStateStore;
  readonly ledger: Pick<Ledger, 'putLastKnownGood'>;
  readonly alerts: AlertPublisher;
  readonly now: () => Date;
}

/** What one sweep found. */
export interface SweepReport {
  readonly accountId: string;
  readonly coverage: TrailCoverage;
  readonly resources: number;
  readonly errors: readonly string[];
  readonly current: readonly SweepFinding[];
  readonly added: readonly SweepFinding[];
  readonly resolved: readonly SweepFinding[];
  /** False on the first sweep: everything is "current", nothing is "new". */
  readonly hasBaseline: boolean;
  readonly lastKnownGoodRefreshed: number;
}

/**
 * The daily safety net (DESIGN.md §1): checks that a trail feeds EventBridge, audits the whole
 * account with the same detectors as the events, reports what is new and what resolved since the
 * last sweep (notify only: standing state is never auto-enforced), and refreshes the ledger's
 * last-known-good documents of principals that are clean, which later rollbacks restore.
 */
export async function runSweep(deps: SweepDeps): Promise<SweepReport> {
  const coverage = assessTrailCoverage(await deps.trails.listTrails(), deps.homeRegion);
  const account = await deps.inventory.readAccount();
  const results: ResourceResult[] = [];
  for await (const result of auditAccount(deps)) results.push(result);
  const previous = await deps.state.load();
  const current = results.flatMap((result) => result.findings.map(summarize));
  const report = compare(account.accountId, coverage, results, current, previous);
  let refreshed = 0;
  for (const entry of await lastKnownGoodOf(results, deps.readers.iam, deps.now())) {
    await deps.ledger.putLastKnownGood(entry);
    refreshed += 1;
  }
  const final = { ...report, lastKnownGoodRefreshed: refreshed };
  if (!coverage.covered || final.added.length > 0 || final.resolved.length > 0 || final.errors.length > 0) await deps.alerts.publish(sweepAlert(final));
  // Saved last: a sweep that failed before this point reports the same changes again tomorrow.
  await deps.state.save({ at: deps.now().toISOString(), findings: current });
  return final;
}

function summarize(finding: Finding): SweepFinding {
  return { id: finding.id, ruleId: finding.ruleId, severity: finding.severity, resourceArn: finding.resourceArn, title: finding.title };
}

function compare(accountId: string, coverage: TrailCoverage, results: readonly ResourceResult[], current: readonly SweepFinding[], previous: SweepState | undefined): SweepReport {
  const before = new Set((previous?.findings ?? []).map((finding) => finding.id));
  const now = new Set(current.map((finding) => finding.id));
  return {
    accountId,
    coverage,
    resources: results.length,
    errors: results.filter((result) => result.outcome === 'error').map((result) => `${result.resourceArn}: ${result.reason}`),
    current,
    added: previous === undefined ? [] : current.filter((finding) => !before.has(finding.id)),
    resolved: (previous?.findings ?? []).filter((finding) => !now.has(finding.id)),
    hasBaseline: previous !== undefined,
    lastKnownGoodRefreshed: 0,
  };
}

/**
 * The documents of principals with no finding above low, as the ledger's last-known-good entries
 * (keys as the rollbacks read them, see lastKnownGoodKey): a role's trust policy, each inline
 * policy, and the default version of each customer-managed policy attached to them.
 */
export async function lastKnownGoodOf(results: readonly ResourceResult[], iam: IamReader | undefined, now: Date): Promise<LastKnownGood[]> {
  if (iam === undefined) return [];
  const recordedAt = now.toISOString();
  const entries = new Map<string, LastKnownGood>();
  const add = (arn: string, part: string, raw: string): void => {
    const key = lastKnownGoodKey(arn, part);
    entries.set(key, { key, document: decoded(raw), recordedAt });
  };
  for (const result of results) {
    if (result.resourceType === 'function' || !isGoodEnough(result)) continue;
    const name = result.resourceArn.slice(result.resourceArn.lastIndexOf('/') + 1);
    const principal = result.resourceType === 'role' ? await iam.getRole(name) : result.resourceType === 'user' ? await iam.getUser(name) : await iam.getGroup(name);
    if (principal === undefined) continue;
    if (principal.kind === 'role') add(principal.arn, 'trust-policy', principal.trustPolicy);
    for (const inline of principal.inlinePolicies) add(principal.arn, `inline:${inline.name}`, inline.document);
    for (const attached of principal.attachedPolicies.filter((ref) => !/^arn:[^:]+:iam::aws:/.test(ref.arn))) {
      const policy = entries.has(lastKnownGoodKey(attached.arn, 'default-version')) ? undefined : await iam.getManagedPolicy(attached.arn);
      if (policy !== undefined) add(policy.arn, 'default-version', policy.document);
    }
  }
  return [...entries.values()];
}

/** Judged, and nothing above low: only such documents are worth rolling back to. */
function isGoodEnough(result: ResourceResult): boolean {
  return (result.outcome === 'clean' || result.outcome === 'finding') && result.findings.every((finding) => !atLeast(finding.severity, 'medium'));
}

/** IAM read APIs URL-encode documents; the ledger keeps decoded JSON text. */
function decoded(raw: string): string {
  if (raw.trimStart().startsWith('{')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const MAX_LISTED = 25;

/** The digest alert of a sweep: trail coverage, new and resolved findings, errors. Secret-free. */
export function sweepAlert(report: SweepReport): AlertMessage {
  const worst = report.added.reduce<Severity>((acc, finding) => (atLeast(finding.severity, acc) ? finding.severity : acc), 'info');
  const subject = `Warden sweep ${report.accountId}: ${report.coverage.covered ? '' : 'NO TRAIL, '}${report.added.length} new, ${report.resolved.length} resolved`.slice(0, 99);
  const lines = [
    subject,
    '',
    report.coverage.covered ? `CloudTrail: trail ${report.coverage.trail} feeds EventBridge.` : `CloudTrail: ${report.coverage.reason}. Warden cannot see changes until a trail logs write management events.`,
    `${report.resources} resources audited, ${report.current.length} findings standing.${report.hasBaseline ? '' : ' (first sweep: the baseline)'}`,
    ...section('New findings', report.added),
    ...section('Resolved findings', report.resolved),
    ...(report.errors.length === 0 ? [] : ['', `Could not evaluate ${report.errors.length} resources:`, ...report.errors.slice(0, MAX_LISTED).map((error) => `- ${error}`)]),
    '',
    'Standing state is reported, never enforced by the sweep. Run `warden audit --live` for the full list.',
  ];
  const text = lines.join('\n');
  const attributes = { severity: worst, ruleId: 'warden-sweep', action: 'notify', account: report.accountId };
  return {
    subject,
    text,
    attributes,
    chatbot: {
      version: '1.0',
      source: 'custom',
      id: `sweep-${report.accountId}`,
      content: { textType: 'client-markdown', title: subject, description: text.slice(0, 8000), nextSteps: ['Run `warden audit --live` for the full list'], keywords: ['warden', 'sweep'] },
      metadata: { threadId: `warden-sweep-${report.accountId}`, summary: subject, eventType: 'Warden Sweep', relatedResources: [], additionalContext: attributes },
    },
  };
}

function section(title: string, findings: readonly SweepFinding[]): string[] {
  if (findings.length === 0) return [];
  const listed = findings.slice(0, MAX_LISTED).map((finding) => `- ${finding.severity.toUpperCase()} ${finding.ruleId} ${finding.resourceArn}: ${finding.title}`);
  const more = findings.length > MAX_LISTED ? [`… and ${findings.length - MAX_LISTED} more`] : [];
  return ['', `${title} (${findings.length}):`, ...listed, ...more];
}
