import { statementActionSet } from './action-patterns';
import { hasBit } from './action-set';
import { catalogue } from './catalogue';
import { assessPrincipalRestriction, type ConditionAssessment } from './conditions';
import { refOf, type StatementRef } from './effective';
import { grammarIssues } from './grammar-rules';
import { issue, POLICY_RULES, type PolicyIssue } from './issues';
import type { PolicyDocument, PrincipalSpec, Statement } from './types';

/**
 * Trust policies (DESIGN.md §3.1 category 6): who may assume a role.
 *
 * Decisions:
 * - Service principals that only ever assume a role for resources of the role's own account
 *   (`lambda`, `edgelambda`, `ec2`: the role must be passed with iam:PassRole in that account) are
 *   not confused-deputy risks and are not reported without source scoping.
 * - A cross-account principal is acceptable when its account is trusted (options) or when the
 *   statement requires membership in an organization (`aws:PrincipalOrgID`/`OrgPaths`).
 *   `sts:ExternalId` lowers the severity (the third-party pattern) but does not clear it.
 * - OIDC providers shared by every customer (GitHub, GitLab, Google, Cognito, …) are critical
 *   when unscoped; tenant-specific issuers (EKS clusters) are high.
 */

/** The account a trust policy belongs to and the accounts/organization it may trust. */
export interface TrustContext {
  readonly accountId: string;
  readonly trustedAccounts?: readonly string[];
  readonly orgId?: string;
  /** For statement references; defaults to `trust policy`. */
  readonly policyName?: string;
}

const ASSUME_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity'];

const SAME_ACCOUNT_SERVICES = new Set(['lambda.amazonaws.com', 'edgelambda.amazonaws.com', 'ec2.amazonaws.com']);

const SOURCE_KEYS = new Set(['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourceowner']);

const ORG_KEYS = new Set(['aws:principalorgid', 'aws:principalorgpaths']);

/** OIDC issuers every customer shares: an unscoped trust admits strangers. */
const SHARED_ISSUERS = [
  'token.actions.githubusercontent.com',
  'gitlab.com',
  'accounts.google.com',
  'cognito-identity.amazonaws.com',
  'graph.facebook.com',
  'www.amazon.com',
  'app.terraform.io',
];

/** Issuers where `aud` is the same for everyone, so only `sub` scopes the trust. */
const SUB_REQUIRED_ISSUERS = ['token.actions.githubusercontent.com', 'gitlab.com', 'app.terraform.io'];

function isIssuer(host: string, list: readonly string[]): boolean {
  return list.some((issuer) => host === issuer || host.startsWith(`${issuer}/`));
}

function assumes(statement: Statement): boolean {
  const set = statementActionSet(statement);
  const byLower = catalogue().byLower;
  return ASSUME_ACTIONS.some((a) => {
    const index = byLower.get(a);
    return index !== undefined && hasBit(set.bits, index);
  });
}

/** The account of an AWS principal value; `*` for anyone; undefined when it names no account (unique ids). */
export function principalAccount(value: string): string | undefined {
  if (value === '*') return '*';
  if (/^\d{12}$/.test(value)) return value;
  const parts = value.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const account = parts[4] ?? '';
  return /[*?]/.test(account) ? '*' : account;
}

function list(spec: PrincipalSpec | '*' | undefined, field: keyof PrincipalSpec): readonly string[] {
  if (spec === undefined || spec === '*') return [];
  return spec[field] ?? [];
}

interface StatementContext {
  readonly statement: Statement;
  readonly ref: StatementRef;
  readonly assessment: ConditionAssessment;
}

function conditionEvidence(assessment: ConditionAssessment): Record<string, unknown> {
  return { strength: assessment.strength, restrictingKeys: assessment.restrictingKeys, weaknesses: assessment.weaknesses };
}

function publicIssue(sc: StatementContext): PolicyIssue | undefined {
  const { statement } = sc;
  const open = statement.principal === '*' || list(statement.principal, 'aws').some((v) => principalAccount(v) === '*') || statement.notPrincipal !== undefined;
  if (!open || sc.assessment.strength === 'restricting') return open && sc.assessment.crossAccount ? foreignByCondition(sc) : undefined;
  return issue(POLICY_RULES.trustPublic, {
    why: 'Any AWS principal in any account can assume this role: its conditions do not restrict who the caller is.',
    fix: 'Name the trusted accounts or roles in Principal, or add a StringEquals condition on aws:PrincipalOrgID (or aws:PrincipalAccount) with your own organization.',
    evidence: {
      statement: sc.ref,
      principal: statement.notPrincipal ? { notPrincipal: statement.notPrincipal } : (statement.principal ?? null),
      condition: conditionEvidence(sc.assessment),
    },
  });
}

/** An open principal narrowed by its condition to accounts/organizations that are not trusted. */
function foreignByCondition(sc: StatementContext): PolicyIssue {
  return issue(POLICY_RULES.trustCrossAccount, {
    why: 'The condition limits who may assume this role to accounts or organizations that are not yours or trusted.',
    fix: 'Name your own account or organization in the condition, or add the account to the trusted accounts if it is yours.',
    evidence: { statement: sc.ref, principal: sc.statement.principal ?? null, condition: conditionEvidence(sc.assessment) },
  });
}

function hasExternalId(statement: Statement): boolean {
  return statement.conditions.some((c) => c.key.toLowerCase() === 'sts:externalid' && !c.ifExists && c.operator.toLowerCase().startsWith('string') && !c.operator.toLowerCase().includes('not'));
}

function crossAccountIssue(sc: StatementContext, context: TrustContext): PolicyIssue | undefined {
  const trusted = new Set([context.accountId, ...(context.trustedAccounts ?? [])]);
  const foreign = list(sc.statement.principal, 'aws').filter((v) => {
    const account = principalAccount(v);
    return account !== undefined && account !== '*' && !trusted.has(account);
  });
  if (foreign.length === 0 || sc.assessment.restrictingKeys.some((k) => ORG_KEYS.has(k.toLowerCase()))) return undefined;
  const externalId = hasExternalId(sc.statement);
  return issue(POLICY_RULES.trustCrossAccount, {
    severity: externalId ? 'medium' : 'high',
    why: 'Principals of an account that is not in the trusted list can assume this role.',
    fix: 'Remove the account, add it to the trusted accounts if it is yours, or require your organization with aws:PrincipalOrgID; for a third party, require sts:ExternalId.',
    evidence: {
      statement: sc.ref,
      principals: foreign,
      accounts: [...new Set(foreign.map(principalAccount))],
      externalId,
      condition: conditionEvidence(sc.assessment),
    },
  });
}

function serviceIssue(sc: StatementContext): PolicyIssue | undefined {
  const services = list(sc.statement.principal, 'service').filter((s) => !SAME_ACCOUNT_SERVICES.has(s.toLowerCase()));
  if (services.length === 0 || sc.assessment.restrictingKeys.some((k) => SOURCE_KEYS.has(k.toLowerCase()))) return undefined;
  return issue(POLICY_RULES.trustServiceUnscoped, {
    why: 'The service can assume this role on behalf of any account (confused deputy): nothing ties it to your resources.',
    fix: 'Add a condition on aws:SourceAccount (your account) and, where the service supports it, aws:SourceArn (the resource that uses the role).',
    evidence: { statement: sc.ref, services, condition: conditionEvidence(sc.assessment) },
  });
}

/** The issuer host of a federated principal: OIDC provider ARNs and bare identity-provider names. */
export function oidcIssuer(value: string): string | undefined {
  const marker = ':oidc-provider/';
  const at = value.indexOf(marker);
  if (at >= 0) return value.slice(at + marker.length).toLowerCase();
  if (value.startsWith('arn:')) return undefined; // a SAML provider
  return value.toLowerCase();
}

function scopedFor(sc: StatementContext, host: string, context: TrustContext): { scoped: boolean; assessment: ConditionAssessment } {
  const own = sc.statement.conditions.filter((c) => c.key.toLowerCase().startsWith(`${host}:`));
  const assessment = assessPrincipalRestriction(own, context);
  const claims = isIssuer(host, SUB_REQUIRED_ISSUERS) ? ['sub'] : ['sub', 'aud', 'app_id', 'user_id', 'id'];
  const scoped = assessment.restrictingKeys.some((k) => claims.includes(k.toLowerCase().slice(host.length + 1)));
  return { scoped, assessment };
}

function oidcIssues(sc: StatementContext, context: TrustContext): PolicyIssue[] {
  const hosts = list(sc.statement.principal, 'federated')
    .map(oidcIssuer)
    .filter((h): h is string => h !== undefined);
  return hosts.flatMap((host) => {
    const { scoped, assessment } = scopedFor(sc, host, context);
    if (scoped) return [];
    const shared = isIssuer(host, SHARED_ISSUERS);
    const claim = isIssuer(host, SUB_REQUIRED_ISSUERS) ? `${host}:sub` : `${host}:sub or ${host}:aud`;
    return [
      issue(POLICY_RULES.trustOidcUnscoped, {
        severity: shared ? 'critical' : 'high',
        why: shared
          ? `Tokens from ${host} are issued to everyone who uses it; without a condition on ${claim} that pins your repository/app, anyone can assume this role.`
          : `Without a condition on ${claim}, every identity the provider ${host} issues tokens to can assume this role.`,
        fix: `Add a StringEquals (or StringLike) condition on ${claim} naming your own subjects, e.g. "repo:<org>/<repo>:ref:refs/heads/main" for GitHub Actions; never "*".`,
        evidence: { statement: sc.ref, provider: host, condition: conditionEvidence(assessment) },
      }),
    ];
  });
}

function statementIssues(statement: Statement, context: TrustContext, name: string): PolicyIssue[] {
  if (statement.effect !== 'Allow' || !assumes(statement)) return [];
  const assessment = assessPrincipalRestriction(statement.conditions, context);
  if (assessment.strength === 'unsatisfiable') return [];
  const sc: StatementContext = { statement, assessment, ref: refOf({ name, source: 'trust' }, statement) };
  const found = [publicIssue(sc), crossAccountIssue(sc, context), serviceIssue(sc), ...oidcIssues(sc, context)];
  return found.filter((i): i is PolicyIssue => i !== undefined);
}

/** Category 6 (and the grammar of category 7) for a role's trust policy. */
export function analyzeTrustPolicy(doc: PolicyDocument, context: TrustContext): readonly PolicyIssue[] {
  const name = context.policyName ?? 'trust policy';
  const trustIssues = doc.statements.flatMap((s) => statementIssues(s, context, name));
  return [...trustIssues, ...grammarIssues({ name, source: 'trust', document: doc })];
}
