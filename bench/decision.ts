import { parseConfig } from '../domain/config';
import { decide, type DecisionContext } from '../domain/decide';
import type { Finding } from '../domain/findings';
import type { Remediation, RemediationContext } from '../domain/remediation/remediation';
import { remediationFor } from '../domain/remediation/registry';
import { buildQuarantinePolicy, quarantineSteps, type QuarantineStyle } from '../domain/remediation/quarantine';
import { exampleFindings, exampleReaders } from './evaluation';
import { asyncLatencies, latencies, ms, percentile } from './measure';
import { figure, type Figure, type SectionResult, type Skipped } from './results';

/**
 * Decision and plan time per finding, warm (DESIGN.md §4–§5; issue 5 sets < 1 ms): `decide` with a
 * realistic configuration, the quarantine policy a quarantine plan is built from, and each
 * registered remediation's `plan`, over the findings the detectors report on the example events.
 */

const ITERATIONS = 20_000;
const TARGET_MS = 1;
const NOW = new Date('2026-06-15T12:00:00Z');

const config = parseConfig({
  mode: 'enforce',
  ruleModes: { 'iam-passrole-wildcard': 'notify' },
  protectedPrincipals: ['arn:aws:iam::*:role/break-glass-*', 'arn:aws:iam::*:role/OrganizationAccountAccessRole'],
  selfArnPatterns: ['arn:aws:iam::*:role/warden-prod-*'],
  exemptions: [
    { resource: 'arn:aws:iam::111122223333:role/legacy-*', reason: 'migration', expires: '2027-01-01' },
    { resource: 'arn:aws:lambda:*:111122223333:function:public-*', ruleId: 'lambda-public-url', reason: 'public site', expires: '2026-12-31' },
  ],
});

/** What a surgical quarantine denies for a privilege-escalation finding. */
const DANGEROUS_ACTIONS = ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'iam:CreatePolicyVersion', 'iam:AttachRolePolicy', 's3:*', 'ec2:Run*'];

function contextFor(finding: Finding): DecisionContext {
  return {
    tags: { team: 'orders', 'warden:exempt': 'reason=audit expires=2020-01-01' },
    principalArn: finding.resourceArn.includes(':iam::') ? finding.resourceArn : undefined,
    now: NOW,
    recentActions: 1,
    plan: { remediationId: 'iam-quarantine', revertsChange: false },
  };
}

function timed(name: string, run: (i: number) => unknown): Figure[] {
  const samples = latencies(run, { warmUp: 2_000, iterations: ITERATIONS });
  return [figure(`${name}, p50`, ms(percentile(samples, 50)), 'ms', 'lower'), figure(`${name}, p99`, ms(percentile(samples, 99)), 'ms', 'lower', TARGET_MS)];
}

function quarantineFigures(style: QuarantineStyle): Figure[] {
  const principals = ['arn:aws:iam::111122223333:role/orders-api-role', 'arn:aws:iam::111122223333:user/bob', 'arn:aws-us-gov:iam::111122223333:role/service/app'];
  return timed(`plan: ${style} quarantine policy + steps`, (i) =>
    quarantineSteps(buildQuarantinePolicy({ principalArn: principals[i % principals.length] ?? '', style, dangerousActions: DANGEROUS_ACTIONS, revokeSessionsBefore: NOW })),
  );
}

interface Planned {
  readonly finding: Finding;
  readonly remediation: Remediation;
}

/**
 * `remediationFor` + `prepare` (re-read state from the in-memory example account, no last-known-good
 * document, then the pure planner) for every example finding a registered remediation applies to.
 */
async function remediationFigures(findings: readonly Finding[]): Promise<{ readonly figures: Figure[]; readonly note: string }> {
  const planned = findings.flatMap((finding): Planned[] => {
    const remediation = remediationFor(finding);
    return remediation === undefined ? [] : [{ finding, remediation }];
  });
  if (planned.length === 0) return { figures: [], note: 'not built yet (no registered remediation applies to the example findings)' };
  const context: RemediationContext = { readers: await exampleReaders(), ledger: { lastKnownGood: () => Promise.resolve(undefined) }, config, now: NOW };
  const kinds = new Map<string, number>();
  for (const { finding, remediation } of planned) {
    const key = `${remediation.id}→${(await remediation.prepare(finding, context)).kind}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  const pick = (i: number) => planned[i % planned.length] as Planned;
  const samples = await asyncLatencies(async (i) => {
    const { finding } = pick(i);
    return remediationFor(finding)?.prepare(finding, context);
  }, { warmUp: 2_000, iterations: ITERATIONS });
  return {
    figures: [
      figure('plan: remediationFor + prepare per finding, p50', ms(percentile(samples, 50)), 'ms', 'lower'),
      figure('plan: remediationFor + prepare per finding, p99', ms(percentile(samples, 99)), 'ms', 'lower', TARGET_MS),
    ],
    note: `Remediation plans: remediationFor + prepare (in-memory example account, no last-known-good document) over ${planned.length} example findings: ${[...kinds].map(([k, n]) => `${n}× ${k}`).join(', ')}.`,
  };
}

/** Decision and plan figures. */
export async function benchDecision(): Promise<SectionResult> {
  const findings = await exampleFindings();
  const skipped: Skipped[] = [];
  const figures: Figure[] = [];
  if (findings.length === 0) skipped.push({ name: 'decision: decide per finding', reason: 'not built yet (no detector reports a finding on the example events)' });
  else figures.push(...timed('decision: decide per finding', (i) => decide(findings[i % findings.length] as Finding, config, contextFor(findings[i % findings.length] as Finding))));
  figures.push(...quarantineFigures('surgical'), ...quarantineFigures('deny-all'));
  const plans = await remediationFigures(findings);
  if (plans.figures.length === 0) skipped.push({ name: 'plan: registered remediation per finding', reason: plans.note });
  figures.push(...plans.figures);
  return {
    figures,
    skipped,
    notes: [
      `Decision: decide() over the ${findings.length} findings the registered detectors report on the example events, with an enforce configuration holding ` +
        `rule modes, protected principals and two exemptions, an expired exemption tag and a quarantine plan; ${ITERATIONS} calls after 2,000 warm-up calls.`,
      plans.note,
      `Quarantine plan: buildQuarantinePolicy (validated against the action catalogue) + quarantineSteps, surgical with ${DANGEROUS_ACTIONS.length} dangerous action patterns, and deny-all.`,
    ],
  };
}
