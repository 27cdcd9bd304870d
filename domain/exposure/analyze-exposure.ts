import { severityRank } from '../findings/finding';
import type { FunctionUrlState } from '../ports';
// Module paths, not the policy index: the index pulls the IAM action catalogue into bundles
// (detectLambda) that only need conditions and decoding.
import type { ConditionAssessment } from '../policy/conditions';
import type { Statement } from '../policy/types';
import { displayName, decodeResourcePolicy, functionNameOfArn, normalizeQualifier, qualifierOfArn } from './resource-policy';
import { exposureRules, type ExposureRule } from './rules';
import { appliesToAuthType, INVOKE, INVOKE_URL, readStatement, type OwnerContext, type StatementGrant } from './statements';
import type { ExposureInput, ExposureIssue } from './types';

/**
 * Exposure of one Lambda function (DESIGN.md §3.3): the resource policies of the function, its
 * aliases and versions, and its URL configurations, read into the six exposure classes.
 */

/** The Allow statements of one qualifier's policy. */
interface QualifiedGrants {
  readonly qualifier: string | undefined;
  readonly grants: readonly StatementGrant[];
}

/** Keys that tie a service principal to one source resource or account. */
const SOURCE_KEYS = new Set(['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths']);

function conditionEvidence(assessment: ConditionAssessment): Record<string, unknown> {
  return {
    strength: assessment.strength,
    restrictingKeys: assessment.restrictingKeys,
    weaknesses: assessment.weaknesses,
  };
}

function principalEvidence(statement: Statement): unknown {
  if (statement.notPrincipal !== undefined) return { notPrincipal: statement.notPrincipal };
  return statement.principal ?? null;
}

function statementEvidence(grant: StatementGrant): Record<string, unknown> {
  const { statement } = grant;
  return {
    statementIndex: statement.index,
    sid: statement.sid ?? null,
    principal: principalEvidence(statement),
    actions: statement.actions ?? { notActions: statement.notActions ?? [] },
    resources: statement.resources ?? null,
    condition: conditionEvidence(grant.assessment),
  };
}

function qualifierArgument(qualifier: string | undefined): string {
  return qualifier === undefined ? '' : ` --qualifier ${qualifier}`;
}

function issue(rule: ExposureRule, parts: { title: string; fix: string; qualifier: string | undefined; evidence: Record<string, unknown> }): ExposureIssue {
  const base = { ruleId: rule.id, severity: rule.severity, title: parts.title, why: rule.why, fix: parts.fix, evidence: parts.evidence };
  return parts.qualifier === undefined ? base : { ...base, qualifier: parts.qualifier };
}

function removeCommand(input: ExposureInput, qualifier: string | undefined, statement: Statement): string {
  const sid = statement.sid ?? `<statement ${statement.index}>`;
  return `aws lambda remove-permission --function-name ${functionNameOfArn(input.functionArn)}${qualifierArgument(qualifier)} --statement-id ${sid}`;
}

function readPolicies(input: ExposureInput, owner: OwnerContext): QualifiedGrants[] {
  return input.policies.map((entry) => {
    const qualifier = normalizeQualifier(entry.qualifier);
    if (entry.policy === undefined || entry.policy.trim() === '') return { qualifier, grants: [] };
    const document = decodeResourcePolicy(entry.policy, qualifier);
    const allows = document.statements.filter((s) => s.effect === 'Allow');
    return { qualifier, grants: allows.map((s) => readStatement(s, owner)).filter((g) => g.audience !== 'nobody') };
  });
}

/** Public grants count only without a public-access block. */
function isPublic(grant: StatementGrant, input: ExposureInput): boolean {
  return grant.audience === 'anyone' && input.publicAccessBlock !== true;
}

function publicInvokeIssues(input: ExposureInput, policy: QualifiedGrants): ExposureIssue[] {
  return policy.grants
    .filter((grant) => isPublic(grant, input) && grant.invokesDirectly)
    .map((grant) =>
      issue(exposureRules.publicInvoke, {
        title: `Anyone can invoke ${displayName(input.functionArn, policy.qualifier)}`,
        fix: `Remove the statement (${removeCommand(input, policy.qualifier, grant.statement)}) or restrict it with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID.`,
        qualifier: policy.qualifier,
        evidence: { ...statementEvidence(grant), action: INVOKE },
      }),
    );
}

function crossAccountIssues(input: ExposureInput, policy: QualifiedGrants): ExposureIssue[] {
  return policy.grants
    .filter((grant) => grant.foreignAccounts.length > 0 || (grant.publicPrincipal && grant.audience === 'foreign'))
    .map((grant) =>
      issue(exposureRules.crossAccount, {
        title: `${displayName(input.functionArn, policy.qualifier)} grants access to another AWS account`,
        fix: `Remove the statement (${removeCommand(input, policy.qualifier, grant.statement)}) or, if the account is yours, add it to the trusted accounts.`,
        qualifier: policy.qualifier,
        evidence: { ...statementEvidence(grant), accounts: grant.foreignAccounts.length > 0 ? grant.foreignAccounts : 'named in the condition' },
      }),
    );
}

function sourceScoped(grant: StatementGrant): boolean {
  return grant.assessment.strength === 'restricting' && grant.assessment.restrictingKeys.some((key) => SOURCE_KEYS.has(key.toLowerCase()));
}

function confusedDeputyIssues(input: ExposureInput, policy: QualifiedGrants): ExposureIssue[] {
  return policy.grants
    .filter((grant) => grant.services.length > 0 && !sourceScoped(grant))
    .map((grant) =>
      issue(exposureRules.confusedDeputy, {
        title: `${grant.services.join(', ')} can invoke ${displayName(input.functionArn, policy.qualifier)} for any source`,
        fix: `Re-add the permission with --source-arn and --source-account (aws lambda add-permission … --principal ${grant.services[0] ?? '<service>'} --source-arn <arn> --source-account ${input.accountId}) and remove the unscoped statement.`,
        qualifier: policy.qualifier,
        evidence: { ...statementEvidence(grant), services: grant.services },
      }),
    );
}

/** How a NONE URL is opened to anyone, in the permission model(s) that apply. */
interface UrlGrants {
  readonly url: readonly StatementGrant[];
  readonly invoke: readonly StatementGrant[];
}

function publicUrlGrants(input: ExposureInput, grants: readonly StatementGrant[], authType: string): UrlGrants {
  const open = grants.filter((g) => isPublic(g, input) && appliesToAuthType(g.statement, authType));
  return { url: open.filter((g) => g.invokesUrl), invoke: open.filter((g) => g.invokesDirectly || g.invokesViaUrl) };
}

function refs(grants: readonly StatementGrant[]): Record<string, unknown>[] {
  return grants.map((g) => ({ statementIndex: g.statement.index, sid: g.statement.sid ?? null, condition: conditionEvidence(g.assessment) }));
}

/**
 * Which permission model makes the URL public: URLs created before October 2025 need only
 * `lambda:InvokeFunctionUrl`; newer ones also need `lambda:InvokeFunction` (with
 * `lambda:InvokedViaFunctionUrl`). With only the former granted, the URL is public if it is old.
 */
function permissionModel(grants: UrlGrants): string {
  return grants.invoke.length > 0 ? 'both-permissions' : 'invoke-function-url-only';
}

function urlFix(input: ExposureInput, qualifier: string | undefined): string {
  const name = functionNameOfArn(input.functionArn);
  return `Set the URL's auth type to AWS_IAM (aws lambda update-function-url-config --function-name ${name}${qualifierArgument(qualifier)} --auth-type AWS_IAM); the URL keeps its address. Keep NONE only for an endpoint meant to be public that authenticates in code.`;
}

function noneUrlIssue(input: ExposureInput, url: FunctionUrlState, qualifier: string | undefined, grants: UrlGrants): ExposureIssue {
  const name = displayName(input.functionArn, qualifier);
  const base = { authType: url.authType, functionUrl: url.functionUrl };
  if (grants.url.length > 0) {
    const model = permissionModel(grants);
    const note = model === 'both-permissions' ? 'public under both URL permission models' : 'public for URLs created before October 2025 (newer URLs also need lambda:InvokeFunction with lambda:InvokedViaFunctionUrl)';
    return issue(exposureRules.publicUrl, {
      title: `The function URL of ${name} is open to anyone`,
      fix: urlFix(input, qualifier),
      qualifier,
      evidence: { ...base, permissionModel: model, note, invokeFunctionUrlStatements: refs(grants.url), invokeFunctionStatements: refs(grants.invoke) },
    });
  }
  return issue(exposureRules.latentPublicUrl, {
    title: `The function URL of ${name} needs no authentication`,
    fix: urlFix(input, qualifier),
    qualifier,
    evidence: { ...base, publicAccessBlock: input.publicAccessBlock === true, invokeFunctionStatements: refs(grants.invoke), missing: INVOKE_URL },
  });
}

function iamUrlIssue(input: ExposureInput, url: FunctionUrlState, qualifier: string | undefined, grants: UrlGrants): ExposureIssue | undefined {
  if (grants.url.length === 0) return undefined;
  return issue(exposureRules.anyAccountUrl, {
    title: `Any AWS account may call the function URL of ${displayName(input.functionArn, qualifier)}`,
    fix: `Remove the "*" grant of ${INVOKE_URL} and name the principals that may call, or restrict it with aws:PrincipalOrgID.`,
    qualifier,
    evidence: { authType: url.authType, functionUrl: url.functionUrl, invokeFunctionUrlStatements: refs(grants.url) },
  });
}

function urlIssues(input: ExposureInput, policies: readonly QualifiedGrants[]): ExposureIssue[] {
  return input.urlConfigs.flatMap((url) => {
    const qualifier = qualifierOfArn(url.functionArn);
    const grants = policies.filter((p) => p.qualifier === qualifier).flatMap((p) => p.grants);
    const open = publicUrlGrants(input, grants, url.authType);
    const found = url.authType === 'NONE' ? noneUrlIssue(input, url, qualifier, open) : iamUrlIssue(input, url, qualifier, open);
    return found ? [found] : [];
  });
}

function compareIssues(a: ExposureIssue, b: ExposureIssue): number {
  const index = (i: ExposureIssue): number => (typeof i.evidence.statementIndex === 'number' ? i.evidence.statementIndex : -1);
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.qualifier ?? '').localeCompare(b.qualifier ?? '') ||
    index(a) - index(b)
  );
}

/**
 * Every exposure of one function: public invoke, public / latent / any-account URLs, grants to
 * foreign accounts and unscoped service principals, per qualifier. Pure.
 * @throws InvalidResourcePolicyError when a policy is not a readable policy document (fail closed).
 */
export function analyzeExposure(input: ExposureInput): readonly ExposureIssue[] {
  const owner: OwnerContext = { accountId: input.accountId, orgId: input.orgId, trustedAccounts: input.trustedAccounts };
  const policies = readPolicies(input, owner);
  const perPolicy = policies.flatMap((policy) => [
    ...publicInvokeIssues(input, policy),
    ...crossAccountIssues(input, policy),
    ...confusedDeputyIssues(input, policy),
  ]);
  return [...perPolicy, ...urlIssues(input, policies)].sort(compareIssues);
}
