import { analyzeExposure, ExposureError, type ExposureIssue } from '../exposure';
import type { FindingSubject } from '../findings';
import type { FunctionUrlState } from '../ports';
import { scanEnvironment, type SecretMatch } from '../secrets';
import { intrinsicOf, isIntrinsic, isNoValue, NO_VALUE, referenceHole, resolveString, type ResolveContext } from './intrinsics';
import type { FunctionModel, GrantModel, VariableModel } from './lambda-model';
import { result, templateFinding } from './template-finding';
import type { TemplateFinding, TemplateLocation, TemplateResourceResult, TemplateScanOptions } from './types';

/**
 * Judges the template's functions: plaintext secrets in environment variables (DESIGN.md §3.2)
 * and public access through URLs and permissions (§3.3). A variable whose value is a reference
 * (`!Ref`, `!GetAtt`, `!ImportValue`, `{{resolve:…}}`) is not a plaintext secret; the literal
 * parts of `!Sub` and `!Join` are scanned with the dynamic parts as `${…}` references.
 */

const SECRET_WHY =
  'Environment variables are readable by anyone with lambda:GetFunctionConfiguration, copied into every published version, shown in the console and kept in the template and its deployment history: a secret there is not a secret.';
const SECRET_FIX =
  'Put the value in Secrets Manager or an SSM SecureString and pass a reference ({{resolve:secretsmanager:…}} for tools that need it, or the parameter name, read at run time); rotate the exposed secret.';

/** The literal values a variable may deploy with; none when it is a reference. */
export function literalCandidates(value: unknown, ctx: ResolveContext): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (!isIntrinsic(value) || isNoValue(value)) return [];
  const { fn, arg } = intrinsicOf(value);
  if (fn === 'Fn::If' && Array.isArray(arg)) return [arg[1], arg[2]].flatMap((branch) => literalCandidates(branch, ctx));
  if (fn !== 'Fn::Sub' && fn !== 'Fn::Join') return [];
  const text = resolveString(value, ctx, referenceHole);
  return text === NO_VALUE ? [] : [text];
}

interface LocatedMatch {
  readonly match: SecretMatch;
  readonly variable: VariableModel;
}

/** Scans every candidate value; a variable with two literal branches is scanned once per branch. */
function secretMatches(fn: FunctionModel, ctx: ResolveContext, key: string | Uint8Array): LocatedMatch[] {
  const candidates = fn.variables.map((v) => ({ v, values: literalCandidates(v.value, ctx) }));
  const rounds = Math.max(0, ...candidates.map((c) => c.values.length));
  const seen = new Set<string>();
  const out: LocatedMatch[] = [];
  for (let round = 0; round < rounds; round++) {
    const variables = Object.fromEntries(candidates.flatMap((c) => (c.values.length > round ? [[c.v.name, c.values[round] ?? '']] : [])));
    const scan = scanEnvironment({ variables }, { fingerprintKey: key });
    if (scan.status !== 'scanned') continue;
    for (const match of scan.matches) {
      const id = `${match.ruleId}\u0000${match.variable}\u0000${match.location ?? ''}\u0000${match.fingerprint}`;
      const variable = fn.variables.find((v) => v.name === match.variable);
      if (seen.has(id) || variable === undefined) continue;
      seen.add(id);
      out.push({ match, variable });
    }
  }
  return out;
}

interface FunctionScan {
  readonly fn: FunctionModel;
  readonly ctx: ResolveContext;
  readonly options: TemplateScanOptions;
}

function subjectOf(fn: FunctionModel, ctx: ResolveContext, qualifier?: string): FindingSubject {
  return { kind: 'function', name: fn.name, arn: fn.arn, region: ctx.region, ...(qualifier ? { qualifier } : {}) };
}

function secretFinding(s: FunctionScan, { match, variable }: LocatedMatch): TemplateFinding {
  return templateFinding(
    {
      ruleId: match.ruleId,
      category: 'secrets',
      severity: match.severity,
      title: `Plaintext ${match.kind} in environment variable ${match.variable}`,
      why: SECRET_WHY,
      fix: SECRET_FIX,
      evidence: { variable: match.variable, kind: match.kind, confidence: match.confidence, stage: match.stage, fingerprint: match.fingerprint, ...(match.location === undefined ? {} : { location: match.location }) },
    },
    { ...base(s), subject: subjectOf(s.fn, s.ctx), location: variable.location, key: `${match.variable}#${match.location ?? ''}#${match.kind}` },
  );
}

function base(s: FunctionScan): { source: string; accountId: string; region: string } {
  return { source: s.options.source, accountId: s.ctx.accountId, region: s.ctx.region };
}

/** The resource policy per qualifier, in the order the grants were collected. */
function policiesOf(fn: FunctionModel): Map<string | undefined, GrantModel[]> {
  const byQualifier = new Map<string | undefined, GrantModel[]>();
  for (const grant of fn.grants) byQualifier.set(grant.qualifier, [...(byQualifier.get(grant.qualifier) ?? []), grant]);
  return byQualifier;
}

function urlStates(fn: FunctionModel): FunctionUrlState[] {
  return fn.urls.map((url) => ({ functionUrl: '', functionArn: url.qualifier ? `${fn.arn}:${url.qualifier}` : fn.arn, authType: url.authType }));
}

/** Statement indexes an exposure issue cites, in its evidence. */
function citedIndexes(evidence: Readonly<Record<string, unknown>>): number[] {
  const direct = typeof evidence.statementIndex === 'number' ? [evidence.statementIndex] : [];
  const lists = ['invokeFunctionUrlStatements', 'invokeFunctionStatements'].flatMap((key) => {
    const value = evidence[key];
    return Array.isArray(value) ? value.flatMap((v: unknown) => (typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>).statementIndex === 'number' ? [(v as Record<string, number>).statementIndex as number] : [])) : [];
  });
  return [...direct, ...lists];
}

function exposureFinding(s: FunctionScan, issue: ExposureIssue, policies: Map<string | undefined, GrantModel[]>): TemplateFinding {
  const grants = policies.get(issue.qualifier) ?? [];
  const cited = citedIndexes(issue.evidence).flatMap((i) => (grants[i] ? [grants[i].location] : []));
  const url = 'authType' in issue.evidence ? s.fn.urls.find((u) => u.qualifier === issue.qualifier)?.location : undefined;
  const primary: TemplateLocation = url ?? cited[0] ?? s.fn.location;
  return templateFinding(
    { ...issue, category: 'exposure', evidence: { ...issue.evidence, qualifier: issue.qualifier ?? '$LATEST' } },
    { ...base(s), subject: subjectOf(s.fn, s.ctx, issue.qualifier), location: primary, relatedLocations: cited.filter((l) => l !== primary), key: JSON.stringify(issue.evidence) },
  );
}

function exposureFindings(s: FunctionScan): TemplateFinding[] {
  if (s.fn.urls.length === 0 && s.fn.grants.length === 0) return [];
  const policies = policiesOf(s.fn);
  const issues = analyzeExposure({
    functionArn: s.fn.arn,
    accountId: s.ctx.accountId,
    urlConfigs: urlStates(s.fn),
    policies: [...policies.entries()].map(([qualifier, grants]) => ({
      ...(qualifier ? { qualifier } : {}),
      policy: JSON.stringify({ Version: '2012-10-17', Statement: grants.map((g) => g.statement) }),
    })),
    ...(s.options.trustedAccounts ? { trustedAccounts: s.options.trustedAccounts } : {}),
    ...(s.options.orgId ? { orgId: s.options.orgId } : {}),
  });
  return issues.map((issue) => exposureFinding(s, issue, policies));
}

function evaluateFunction(s: FunctionScan): TemplateResourceResult {
  const findings = [...secretMatches(s.fn, s.ctx, s.options.fingerprintKey).map((m) => secretFinding(s, m)), ...exposureFindings(s)];
  const parts = [`${s.fn.variables.length} environment variable${s.fn.variables.length === 1 ? '' : 's'}`, `${s.fn.urls.length} URL${s.fn.urls.length === 1 ? '' : 's'}`, `${s.fn.grants.length} permission${s.fn.grants.length === 1 ? '' : 's'}`];
  const tags = Object.keys(s.fn.tags).length > 0 ? { tags: s.fn.tags } : {};
  return { ...result(s.fn.logicalId, s.fn.resourceType, s.fn.arn, findings, [], `function with ${parts.join(', ')}`), ...tags };
}

/** Every function (and outside function granted access) of the template. */
export function scanFunctions(functions: readonly FunctionModel[], ctx: ResolveContext, options: TemplateScanOptions): TemplateResourceResult[] {
  return functions.map((fn) => {
    try {
      return evaluateFunction({ fn, ctx, options });
    } catch (error) {
      if (!(error instanceof ExposureError)) throw error;
      return { logicalId: fn.logicalId, resourceType: fn.resourceType, resourceArn: fn.arn, outcome: 'error', reason: error.message, findings: [] };
    }
  });
}
