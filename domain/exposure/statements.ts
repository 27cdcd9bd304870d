import { assessPrincipalRestriction, type ConditionAssessment } from '../policy/conditions';
import type { PrincipalSpec, Statement } from '../policy/types';
import { matchesWildcard } from '../wildcard';

/**
 * What one Allow statement of a Lambda resource policy grants, and to whom. Whether a condition
 * restricts the caller is decided only by the shared `assessPrincipalRestriction`; this file reads
 * which actions and which URL auth type a statement covers.
 */

/** Invoking the function (directly, or since October 2025 also needed behind a URL). */
export const INVOKE = 'lambda:InvokeFunction';
/** Calling the function URL. */
export const INVOKE_URL = 'lambda:InvokeFunctionUrl';

/** Who a statement's conditions leave able to call. */
export type Audience = 'anyone' | 'restricted' | 'foreign' | 'nobody';

/** One Allow statement, read. */
export interface StatementGrant {
  readonly statement: Statement;
  readonly assessment: ConditionAssessment;
  /** `Principal: *`, `{"AWS": "*"}`, an account wildcard, or `NotPrincipal` (everyone but some). */
  readonly publicPrincipal: boolean;
  /** For a public principal: does anyone remain after the conditions? */
  readonly audience: Audience;
  /** Accounts named in `Principal.AWS` that are neither the owner's nor trusted. */
  readonly foreignAccounts: readonly string[];
  readonly services: readonly string[];
  /** `lambda:InvokeFunction` for any call (not only through the URL). */
  readonly invokesDirectly: boolean;
  /** `lambda:InvokeFunction` limited by `lambda:InvokedViaFunctionUrl` (the October 2025 URL model). */
  readonly invokesViaUrl: boolean;
  readonly invokesUrl: boolean;
}

/** The owner and who it trusts. */
export interface OwnerContext {
  readonly accountId: string;
  readonly orgId?: string;
  readonly trustedAccounts?: readonly string[];
}

function allows(statement: Statement, action: string): boolean {
  const matches = (pattern: string): boolean => matchesWildcard(pattern, action, { caseInsensitive: true });
  if (statement.actions) return statement.actions.some(matches);
  return !(statement.notActions ?? []).some(matches);
}

function awsValues(spec: PrincipalSpec | '*' | undefined): readonly string[] {
  return spec === undefined || spec === '*' ? [] : (spec.aws ?? []);
}

/** The account an AWS principal value names: `*` for anyone, `undefined` for unique ids. */
export function accountOfPrincipal(value: string): string | undefined {
  if (value === '*') return '*';
  if (/^\d{12}$/.test(value)) return value;
  const parts = value.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  const account = parts[4] ?? '';
  return /[*?]/.test(account) ? '*' : account;
}

function isPublicPrincipal(statement: Statement): boolean {
  if (statement.notPrincipal !== undefined || statement.principal === '*') return true;
  return awsValues(statement.principal).some((value) => accountOfPrincipal(value) === '*');
}

function foreignAccountsOf(statement: Statement, owner: OwnerContext): string[] {
  const own = new Set([owner.accountId, ...(owner.trustedAccounts ?? [])]);
  const accounts = awsValues(statement.principal)
    .map(accountOfPrincipal)
    .filter((account): account is string => account !== undefined && account !== '*' && !own.has(account));
  return [...new Set(accounts)];
}

function servicesOf(statement: Statement): readonly string[] {
  return statement.principal === undefined || statement.principal === '*' ? [] : (statement.principal.service ?? []);
}

/** True when the statement's conditions require the call to come through the function URL. */
function onlyViaUrl(statement: Statement): boolean {
  return statement.conditions.some(
    (c) =>
      c.key.toLowerCase() === 'lambda:invokedviafunctionurl' &&
      !c.ifExists &&
      c.setQualifier === undefined &&
      /^(?:bool|stringequals|stringequalsignorecase)$/i.test(c.operator) &&
      c.values.length > 0 &&
      c.values.every((v) => v.toLowerCase() === 'true'),
  );
}

function audienceOf(publicPrincipal: boolean, assessment: ConditionAssessment): Audience {
  if (assessment.strength === 'unsatisfiable') return 'nobody';
  if (!publicPrincipal) return 'restricted';
  if (assessment.strength !== 'restricting') return 'anyone';
  return assessment.crossAccount ? 'foreign' : 'restricted';
}

/** Reads one Allow statement in the owner's context. */
export function readStatement(statement: Statement, owner: OwnerContext): StatementGrant {
  const assessment = assessPrincipalRestriction(statement.conditions, owner);
  const publicPrincipal = isPublicPrincipal(statement);
  const invokes = allows(statement, INVOKE);
  const viaUrl = invokes && onlyViaUrl(statement);
  return {
    statement,
    assessment,
    publicPrincipal,
    audience: audienceOf(publicPrincipal, assessment),
    foreignAccounts: foreignAccountsOf(statement, owner),
    services: servicesOf(statement),
    invokesDirectly: invokes && !viaUrl,
    invokesViaUrl: viaUrl,
    invokesUrl: allows(statement, INVOKE_URL),
  };
}

/**
 * False when a `lambda:FunctionUrlAuthType` clause pins the statement to another auth type: a
 * grant conditioned on `NONE` does not apply to an `AWS_IAM` URL. (The key never restricts WHO.)
 */
export function appliesToAuthType(statement: Statement, authType: string): boolean {
  return statement.conditions.every((c) => {
    if (c.key.toLowerCase() !== 'lambda:functionurlauthtype' || c.ifExists || c.setQualifier !== undefined) return true;
    const operator = c.operator.toLowerCase();
    if (operator === 'stringequals' || operator === 'stringequalsignorecase') return c.values.some((v) => v.toUpperCase() === authType);
    if (operator === 'stringlike') return c.values.some((v) => matchesWildcard(v, authType));
    return true;
  });
}
