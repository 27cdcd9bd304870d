import { allAwsManagedPolicies, awsManagedPoliciesSource, loadAwsManagedPolicy } from '../../../infra/aws-managed/aws-managed-policies';
import { analyzePolicyDocument } from '../../../domain/policy/analyze';
import { decodePolicy } from '../../../domain/policy/decode';
import type { PolicyIssue } from '../../../domain/policy/issues';

/**
 * The whole AWS-managed corpus (~1 500 real documents) through the decoder and the engine: every
 * document must decode and analyse without error, and the well-known broad policies must be
 * flagged. Reads the artefact file, hence an integration test.
 */
const ACCOUNT = '123456789012';

function analyzeAll(): Map<string, readonly PolicyIssue[]> {
  const results = new Map<string, readonly PolicyIssue[]>();
  for (const policy of allAwsManagedPolicies()) {
    results.set(policy.name, analyzePolicyDocument(decodePolicy(policy.document), { name: policy.name, arn: policy.arn, accountId: ACCOUNT }));
  }
  return results;
}

describe('AWS-managed policy corpus', () => {
  let results: Map<string, readonly PolicyIssue[]>;
  let elapsedMs = 0;

  beforeAll(() => {
    const start = performance.now();
    results = analyzeAll();
    elapsedMs = performance.now() - start;
  });

  const ids = (name: string): string[] => [...new Set((results.get(name) ?? []).map((i) => i.ruleId))].sort();

  it('decodes and analyses every policy', () => {
    const source = awsManagedPoliciesSource();
    expect(results.size).toBe(source.count);
    expect(results.size).toBeGreaterThan(1_000);
  });

  it('flags AdministratorAccess as admin-equivalent (critical)', () => {
    const admin = results.get('AdministratorAccess') ?? [];
    expect(admin.find((i) => i.ruleId === 'iam-admin-equivalent')?.severity).toBe('critical');
  });

  it('flags PowerUserAccess (NotAction: grants everything but IAM/Organizations, future actions included)', () => {
    expect(ids('PowerUserAccess')).toEqual(expect.arrayContaining(['iam-privilege-escalation', 'iam-data-exfiltration', 'iam-service-wildcard']));
    expect(ids('PowerUserAccess')).not.toContain('iam-admin-equivalent');
  });

  it('raises no grammar findings on AWS-authored documents (their holders cannot edit them)', () => {
    // ReadOnlyAccess still names retired services (deepcomposer, iot1click); PowerUserAccess is Allow+NotAction.
    expect([...ids('ReadOnlyAccess'), ...ids('PowerUserAccess')].filter((id) => id.startsWith('iam-grammar-'))).toEqual([]);
  });

  it('flags IAMFullAccess as admin-equivalent (it can rewrite any principal, itself included)', () => {
    expect(ids('IAMFullAccess')).toEqual(expect.arrayContaining(['iam-admin-equivalent', 'iam-privilege-escalation']));
  });

  it('keeps narrow read-only policies free of escalation', () => {
    expect(ids('AWSLambdaBasicExecutionRole')).toEqual([]);
    expect(ids('ReadOnlyAccess')).not.toContain('iam-admin-equivalent');
  });

  it('resolves ARNs with paths and partitions', () => {
    expect(loadAwsManagedPolicy('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')?.name).toBe('ViewOnlyAccess');
    expect(loadAwsManagedPolicy('arn:aws-us-gov:iam::aws:policy/AdministratorAccess')?.name).toBe('AdministratorAccess');
    expect(loadAwsManagedPolicy('arn:aws:iam::aws:policy/ViewOnlyAccess')).toBeUndefined();
    expect(loadAwsManagedPolicy('arn:aws:iam::123456789012:policy/AdministratorAccess')).toBeUndefined();
  });

  it('records the corpus numbers', () => {
    const count = (ruleId: string): number => [...results.values()].filter((issues) => issues.some((i) => i.ruleId === ruleId)).length;
    const summary = {
      source: awsManagedPoliciesSource(),
      policies: results.size,
      adminEquivalent: count('iam-admin-equivalent'),
      withEscalationPaths: count('iam-privilege-escalation'),
      passRoleUnrestricted: count('iam-passrole-unrestricted'),
      resourceExposure: count('iam-resource-exposure'),
      credentialsExposure: count('iam-credentials-exposure'),
      dataExfiltration: count('iam-data-exfiltration'),
      defenseEvasion: count('iam-defense-evasion'),
      serviceWildcard: count('iam-service-wildcard'),
      allowNotAction: count('iam-grammar-allow-notaction'),
      unknownActions: count('iam-grammar-unknown-action'),
      clean: [...results.values()].filter((issues) => issues.length === 0).length,
      elapsedMs: Math.round(elapsedMs),
    };
    process.stdout.write(`managed-corpus ${JSON.stringify(summary)}\n`);
    expect(summary.adminEquivalent).toBeGreaterThan(0);
  });
});
