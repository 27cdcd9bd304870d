import { analyzePolicyDocument, analyzePrincipal, decodePolicy, type PrincipalPolicies } from '../domain/policy';
import { allAwsManagedPolicies, type AwsManagedPolicy } from '../infra/aws-managed/aws-managed-policies';
import { ACCOUNT, BROAD, principal, TYPICAL, type Breadth, type RawPrincipal } from './generate';
import { latencies, median, ms, percentile, perSecond, seededRandom } from './measure';
import { figure, type Figure, type SectionResult } from './results';

/**
 * Throughput of the IAM engine: decoding and analysing a principal's policies as detectIam does
 * (documents arrive as JSON strings), over generated principals with ten policies each, and over
 * every AWS-managed policy of the bundled corpus.
 */

const PRINCIPALS = 100;
const POLICIES_PER_PRINCIPAL = 10;
/** 1,000 samples per workload: the p99 is the tenth slowest, not the fourth. */
const PRINCIPAL_PASSES = 10;
const CORPUS_PASSES = 5;
const P99_TARGET_MS = 5;
const CORPUS_TARGET_MS = 2000;

function evaluatePrincipal(raw: RawPrincipal): number {
  const input: PrincipalPolicies = {
    kind: raw.kind,
    arn: raw.arn,
    accountId: ACCOUNT,
    policies: raw.policies.map((p) => ({ name: p.name, source: p.source, document: decodePolicy(p.document), ...(p.arn === undefined ? {} : { arn: p.arn }) })),
    ...(raw.trustPolicy === undefined ? {} : { trustPolicy: decodePolicy(raw.trustPolicy) }),
  };
  return analyzePrincipal(input).length;
}

function evaluateManaged(policy: AwsManagedPolicy): number {
  return analyzePolicyDocument(decodePolicy(policy.document), { name: policy.name, arn: policy.arn, accountId: ACCOUNT }).length;
}

interface Workload {
  readonly label: string;
  readonly breadth: Breadth;
  readonly seed: number;
}

const WORKLOADS: readonly Workload[] = [
  { label: 'typical', breadth: TYPICAL, seed: 20261123 },
  { label: 'broad', breadth: BROAD, seed: 20261124 },
];

function describeBreadth(b: Breadth): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `${pct(b.star)} \`*\`, ${pct(b.serviceWildcard)} \`service:*\`, ${pct(b.prefix)} prefixes per action; ${pct(b.notAction)} NotAction per statement`;
}

function benchWorkload(w: Workload): { readonly figures: Figure[]; readonly note: string } {
  const random = seededRandom(w.seed);
  const principals = Array.from({ length: PRINCIPALS }, (_, i) => principal(random, i, POLICIES_PER_PRINCIPAL, w.breadth));
  const issues = principals.reduce((sum, p) => sum + evaluatePrincipal(p), 0);
  const samples = latencies((i) => evaluatePrincipal(principals[i % PRINCIPALS] as RawPrincipal), { warmUp: PRINCIPALS, iterations: PRINCIPALS * PRINCIPAL_PASSES });
  return {
    figures: [
      figure(`policy engine (${w.label}): principal with 10 policies, p50`, ms(percentile(samples, 50)), 'ms', 'lower'),
      figure(`policy engine (${w.label}): principal with 10 policies, p99`, ms(percentile(samples, 99)), 'ms', 'lower', P99_TARGET_MS),
      figure(`policy engine (${w.label}): principals per second`, perSecond(samples), 'principals/s', 'higher'),
    ],
    note: `${w.label}: ${describeBreadth(w.breadth)}; ${issues} issues over the ${PRINCIPALS} principals.`,
  };
}

/** Policy engine figures: generated principals (two workloads), then the AWS-managed corpus. */
export function benchPolicyEngine(): SectionResult {
  const workloads = WORKLOADS.map(benchWorkload);
  const corpus = allAwsManagedPolicies();
  const corpusIssues = corpus.reduce((sum, p) => sum + evaluateManaged(p), 0);
  const perPolicy = latencies((i) => evaluateManaged(corpus[i % corpus.length] as AwsManagedPolicy), { warmUp: corpus.length, iterations: corpus.length * CORPUS_PASSES });
  const passTotals = Array.from({ length: CORPUS_PASSES }, (_, pass) => perPolicy.slice(pass * corpus.length, (pass + 1) * corpus.length).reduce((a, b) => a + b, 0));

  return {
    figures: [
      ...workloads.flatMap((w) => w.figures),
      figure('policy engine: AWS-managed policy, p50', ms(percentile(perPolicy, 50)), 'ms', 'lower'),
      figure('policy engine: AWS-managed policy, p99', ms(percentile(perPolicy, 99)), 'ms', 'lower', P99_TARGET_MS),
      figure(`policy engine: whole AWS-managed corpus (${corpus.length} policies)`, ms(median(passTotals)), 'ms', 'lower', CORPUS_TARGET_MS),
    ],
    skipped: [],
    notes: [
      `Policy engine: decodePolicy (from JSON strings) + analyzePrincipal per principal; ${PRINCIPALS} seeded principals per workload (80% roles with a trust policy), ` +
        `${POLICIES_PER_PRINCIPAL} policies of 1–4 statements of 1–6 actions each (named catalogue actions, prefixes, service wildcards, NotAction, 10% Denies, 25% conditions, ` +
        `scoped and \`*\` resources), ${PRINCIPAL_PASSES} measured passes after one warm-up pass.`,
      ...workloads.map((w) => w.note),
      `AWS-managed corpus: decodePolicy + analyzePolicyDocument for each of ${corpus.length} bundled documents; whole-corpus time is the median of ${CORPUS_PASSES} warm passes; ${corpusIssues} issues per pass.`,
    ],
  };
}
