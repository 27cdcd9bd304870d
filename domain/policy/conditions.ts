import { matchesWildcard } from '../wildcard';
import { decodeCondition, isPlainObject } from './decode-condition';
import { PolicyError } from './errors';
import type { ConditionClause } from './types';

/**
 * Condition strength (DESIGN.md §3.1 item 6): does a statement's `Condition` really narrow what
 * it grants?
 * - `none`: no condition at all;
 * - `weak`: conditions that do not narrow WHO (or WHAT) in a way that matters: negated operators,
 *   `...IfExists`, `Null`, `ForAllValues`, wildcard-only values, keys a caller controls or that
 *   only limit how/when (`aws:SecureTransport`, `aws:CurrentTime`, `sts:ExternalId`);
 * - `restricting`: at least one clause with a positive operator, no `IfExists`, no wildcard-only
 *   value, on a key that identifies the caller/source (or, for grants, the resource or service);
 * - `unsatisfiable`: the conditions can never all hold, so the statement grants nothing.
 *
 * Decisions documented here (the tests pin them):
 * - `aws:PrincipalServiceName` restricts: the caller must be that AWS service principal.
 * - `aws:SourceIp` with `IpAddress` restricts when every range is narrower than /8 (IPv4) or /32
 *   (IPv6), as IAM Access Analyzer treats an IP condition as non-public; `0.0.0.0/0`, `::/0` and
 *   very wide ranges are weak.
 * - OIDC: `<provider>:sub` restricts; `<provider>:aud` restricts except for GitHub Actions, whose
 *   audience (`sts.amazonaws.com`) is the same for every workflow on GitHub. For GitHub and
 *   GitLab a `sub` value whose owner part (before the first `/`) holds a wildcard is weak
 *   (`repo:*`, `repo:my-org*` match repositories of anyone).
 * - `ArnEquals` supports wildcards like `ArnLike`; `StringEquals` compares `*` literally, so a
 *   `*` there is reported as dangerous grammar and, fail closed, never counted as restricting.
 */
export type ConditionStrength = 'none' | 'weak' | 'restricting' | 'unsatisfiable';

/** Why one clause does not restrict. */
export interface ConditionWeakness {
  key: string;
  operator: string;
  why: string;
}

/** The verdict on one `Condition` block. */
export interface ConditionAssessment {
  readonly strength: ConditionStrength;
  /** Keys of the clauses that restrict (as written). */
  readonly restrictingKeys: readonly string[];
  /** Clauses that were present but do not restrict, with the reason. */
  readonly weaknesses: readonly { key: string; operator: string; why: string }[];
  /** Set when `strength` is `unsatisfiable`: which clauses contradict each other. */
  readonly unsatisfiableReason?: string;
  /**
   * Set (principal restriction, with a context account) when every restricting clause names only
   * accounts or organizations other than the owner's and trusted ones: the grant is then not
   * public but cross-account, e.g. `Principal: *` with `aws:PrincipalAccount` of a stranger.
   */
  readonly crossAccount?: boolean;
}

/** Account and organization of the resource's owner, for context in the verdict. */
export interface PrincipalRestrictionContext {
  readonly accountId?: string;
  readonly orgId?: string;
  /** Other accounts the owner trusts (treated like its own). */
  readonly trustedAccounts?: readonly string[];
}

/** Operators whose match means "the request value is one of these". */
const POSITIVE_OPERATORS = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
  'numericequals',
  'dateequals',
  'bool',
  'binaryequals',
]);

/** Positive operators whose values are literal (no wildcard semantics). */
const LITERAL_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'numericequals', 'bool', 'binaryequals']);

/** Keys whose value identifies the calling principal, its account/org or the calling resource. */
const PRINCIPAL_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:userid',
  'aws:username',
  'aws:principalservicename',
  'aws:federatedprovider',
  'saml:sub',
  'saml:namequalifier',
]);

/** Why well-known keys do not restrict who may call. */
const WEAK_KEY_REASONS: ReadonlyMap<string, string> = new Map(Object.entries({
  'sts:externalid': 'sts:ExternalId is a value shared with a third party, not a check of who the caller is',
  'lambda:functionurlauthtype': 'lambda:FunctionUrlAuthType names how the URL authenticates, not who may call',
  'aws:securetransport': 'aws:SecureTransport only requires TLS',
  'aws:currenttime': 'aws:CurrentTime only limits when, not who',
  'aws:epochtime': 'aws:EpochTime only limits when, not who',
  'aws:multifactorauthpresent': 'MFA presence does not limit which principal (an MFA-holding stranger passes)',
  'aws:multifactorauthage': 'MFA age does not limit which principal',
  'aws:useragent': 'aws:UserAgent is chosen by the caller',
  'aws:referer': 'aws:Referer is chosen by the caller',
  'aws:principalisawsservice': 'any AWS service, acting for any account, passes',
  'aws:principaltype': 'a principal type is shared by every account',
  'aws:sourceidentity': 'a source identity is set by the caller',
}));

/** Keys that narrow an identity-policy grant to a service, resource, region or network. */
const GRANT_KEYS = new Set([
  'iam:passedtoservice',
  'iam:associatedresourcearn',
  'iam:policyarn',
  'iam:permissionsboundary',
  'iam:organizationspolicyid',
  'aws:requestedregion',
  'aws:resourceaccount',
  'aws:resourceorgid',
  'aws:resourceorgpaths',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:calledvia',
  'aws:calledviafirst',
  'aws:calledvialast',
  'aws:tagkeys',
]);

/** Key prefixes (lowercase) that narrow a grant: tag-based access control. */
const GRANT_KEY_PREFIXES = ['aws:resourcetag/', 'aws:requesttag/'];

/** Keys that never narrow a grant meaningfully, beyond {@link WEAK_KEY_REASONS}. */
const GRANT_WEAK_KEYS = new Set(['aws:principaltag', 'aws:tokenissuetime', 'aws:viaawsservice']);

/** OIDC providers shared by every customer, where `sub` must pin an owner. */
const OWNER_SCOPED_PROVIDERS = ['token.actions.githubusercontent.com', 'gitlab.com'];

const OIDC_KEY = /^([a-z0-9.-]+\.[a-z]{2,}(?:\/[^:]*)?):([a-z_]+)$/;

type ClauseVerdict = { readonly restricting: true } | { readonly restricting: false; readonly why: string };

const RESTRICTS: ClauseVerdict = { restricting: true };

/** True when a value consists only of wildcards (`*`, `?`): it matches anything. */
export function isWildcardOnlyValue(value: string): boolean {
  return /^[*?]+$/.test(value) || value.length === 0;
}

function decodeRaw(condition: unknown): ConditionClause[] {
  if (Array.isArray(condition)) return condition as ConditionClause[];
  if (typeof condition === 'string') {
    const text = condition.trim().startsWith('{') ? condition : decodeURIComponent(condition);
    return decodeCondition(JSON.parse(text) as unknown);
  }
  return decodeCondition(condition);
}

function safeDecode(condition: unknown): ConditionClause[] | ConditionAssessment {
  if (Array.isArray(condition) && condition.every((c) => isPlainObject(c) && typeof c.key === 'string')) {
    return condition as ConditionClause[];
  }
  try {
    return decodeRaw(condition);
  } catch (error) {
    // Fail closed: a block Warden cannot read restricts nothing in its eyes.
    const why = error instanceof PolicyError ? error.message : 'the Condition block is not valid JSON';
    return { strength: 'weak', restrictingKeys: [], weaknesses: [{ key: '', operator: '', why }] };
  }
}

/** The common reasons any clause fails to restrict, regardless of key. */
function genericWeakness(clause: ConditionClause): string | undefined {
  const operator = clause.operator.toLowerCase();
  if (operator === 'null') return 'Null only checks whether the key is present';
  if (!POSITIVE_OPERATORS.has(operator)) return 'a negated or comparison operator lets requests without the listed values pass';
  if (clause.ifExists) return 'IfExists lets requests without the key pass';
  if (clause.setQualifier === 'ForAllValues') return 'ForAllValues is satisfied by an empty or missing set';
  if (clause.values.some(isWildcardOnlyValue)) return 'a wildcard-only value matches anyone';
  if (LITERAL_OPERATORS.has(operator) && clause.values.some((v) => /[*?]/.test(v))) {
    return `${clause.operator} compares wildcards literally, so the value is probably a mistake`;
  }
  return undefined;
}

function ipv4PrefixLength(cidr: string): number | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!match) return undefined;
  return match[2] === undefined ? 32 : Number(match[2]);
}

function ipv6PrefixLength(cidr: string): number | undefined {
  const match = /^([0-9a-fA-F:]+)(?:\/(\d{1,3}))?$/.exec(cidr.trim());
  if (!match?.[1]?.includes(':')) return undefined;
  return match[2] === undefined ? 128 : Number(match[2]);
}

function sourceIpVerdict(clause: ConditionClause): ClauseVerdict {
  if (clause.operator.toLowerCase() !== 'ipaddress') return { restricting: false, why: 'aws:SourceIp needs IpAddress' };
  const narrow = clause.values.every((cidr) => {
    const v4 = ipv4PrefixLength(cidr);
    if (v4 !== undefined) return v4 >= 8;
    const v6 = ipv6PrefixLength(cidr);
    return v6 !== undefined && v6 >= 32;
  });
  return narrow ? RESTRICTS : { restricting: false, why: 'an IP range this wide (e.g. 0.0.0.0/0) admits anyone' };
}

function ownerPinned(value: string): boolean {
  const wildcard = value.search(/[*?]/);
  if (wildcard < 0) return true;
  const slash = value.indexOf('/');
  return slash >= 0 && slash < wildcard;
}

function oidcVerdict(clause: ConditionClause, provider: string, claim: string): ClauseVerdict | undefined {
  const ownerScoped = OWNER_SCOPED_PROVIDERS.some((p) => provider === p || provider.startsWith(`${p}/`));
  if (claim === 'sub') {
    if (ownerScoped && !clause.values.every(ownerPinned)) {
      return { restricting: false, why: `a ${provider} subject with a wildcard in its owner part matches other owners' repositories` };
    }
    return RESTRICTS;
  }
  if (claim === 'aud' || claim === 'app_id' || claim === 'user_id' || claim === 'id') {
    if (ownerScoped && claim === 'aud') return { restricting: false, why: `every ${provider} token carries the same audience` };
    return RESTRICTS;
  }
  return undefined;
}

/** ARN values must pin an account (or, for account-less ARNs such as S3 buckets, a name). */
function arnPinned(value: string): boolean {
  const parts = value.split(':');
  if (parts.length < 6) return !/[*?]/.test(value);
  const account = parts[4] ?? '';
  if (/[*?]/.test(account)) return false;
  return account.length > 0 || !/^[*?]*$/.test(parts.slice(5).join(':'));
}

const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);

function principalKeyVerdict(clause: ConditionClause): ClauseVerdict {
  const key = clause.key.toLowerCase();
  if (ARN_KEYS.has(key) && !clause.values.every(arnPinned)) {
    return { restricting: false, why: `an ${clause.key} pattern with a wildcard account matches principals of any account` };
  }
  if (PRINCIPAL_KEYS.has(key)) return RESTRICTS;
  if (key === 'aws:sourceip') return sourceIpVerdict(clause);
  const known = WEAK_KEY_REASONS.get(key);
  if (known) return { restricting: false, why: known };
  const oidc = OIDC_KEY.exec(key);
  const verdict = oidc?.[1] && oidc[2] ? oidcVerdict(clause, oidc[1], oidc[2]) : undefined;
  return verdict ?? { restricting: false, why: `${clause.key} does not identify the caller` };
}

function grantKeyVerdict(clause: ConditionClause): ClauseVerdict {
  const key = clause.key.toLowerCase();
  if (key === 'aws:sourceip') return sourceIpVerdict(clause);
  if (GRANT_KEYS.has(key) || GRANT_KEY_PREFIXES.some((p) => key.startsWith(p))) return RESTRICTS;
  const known = WEAK_KEY_REASONS.get(key);
  if (known) return { restricting: false, why: known };
  const base = key.split('/')[0] ?? key;
  if (GRANT_WEAK_KEYS.has(base) || base.startsWith('aws:')) {
    return { restricting: false, why: `${clause.key} does not narrow which resources or services the grant reaches` };
  }
  // A service-specific key (s3:prefix, ec2:ResourceTag/…, kms:ViaService) narrows the grant.
  return RESTRICTS;
}

function sameKey(a: ConditionClause, b: ConditionClause): boolean {
  return a.key.toLowerCase() === b.key.toLowerCase();
}

/** Clauses that apply to every request (no set qualifier, no IfExists). */
function strict(clause: ConditionClause): boolean {
  return clause.setQualifier === undefined && !clause.ifExists;
}

/** Does a request value `value` satisfy the positive clause? `undefined` when unknowable. */
function valueSatisfies(clause: ConditionClause, value: string): boolean | undefined {
  switch (clause.operator.toLowerCase()) {
    case 'stringequals':
      return clause.values.includes(value);
    case 'stringequalsignorecase':
    case 'bool':
      return clause.values.some((v) => v.toLowerCase() === value.toLowerCase());
    case 'stringlike':
    case 'arnlike':
    case 'arnequals':
      return clause.values.some((v) => matchesWildcard(v, value));
    case 'stringnotequals':
      return !clause.values.includes(value);
    case 'stringnotequalsignorecase':
      return !clause.values.some((v) => v.toLowerCase() === value.toLowerCase());
    case 'stringnotlike':
    case 'arnnotlike':
    case 'arnnotequals':
      return !clause.values.some((v) => matchesWildcard(v, value));
    default:
      return undefined;
  }
}

/** The candidate request values a literal equality clause allows. */
function literalCandidates(clause: ConditionClause): readonly string[] | undefined {
  const operator = clause.operator.toLowerCase();
  if (operator === 'stringequals' || operator === 'stringequalsignorecase' || operator === 'bool') return clause.values;
  return undefined;
}

function contradicts(a: ConditionClause, b: ConditionClause): boolean {
  const candidates = literalCandidates(a);
  if (!candidates || !sameKey(a, b) || a === b) return false;
  if (b.operator.toLowerCase() === 'null') return b.values.every((v) => v.toLowerCase() === 'true');
  return candidates.every((value) => valueSatisfies(b, value) === false);
}

function selfContradiction(clause: ConditionClause): string | undefined {
  const operator = clause.operator.toLowerCase();
  if (clause.ifExists) return undefined;
  if (POSITIVE_OPERATORS.has(operator) && clause.values.length === 0) return `${clause.operator} ${clause.key} lists no value`;
  if ((operator === 'bool' || operator === 'null') && clause.values.every((v) => !/^(true|false)$/i.test(v))) {
    return `${clause.operator} ${clause.key} compares with a value that is neither true nor false`;
  }
  return undefined;
}

/**
 * Detects the common cases of conditions that can never all hold: a `Bool`/`Null` value that is
 * neither true nor false, an empty value list, and two clauses on the same single-valued key
 * (`StringEquals` vs. another equality, a `...Like`, a negation, or `Null: true`) with no value in
 * common. Returns the reason, or `undefined` when the block may be satisfiable.
 */
export function findContradiction(clauses: readonly ConditionClause[]): string | undefined {
  for (const clause of clauses) {
    const own = selfContradiction(clause);
    if (own) return own;
  }
  const strictClauses = clauses.filter(strict);
  for (const a of strictClauses) {
    const b = strictClauses.find((other) => contradicts(a, other));
    if (b) return `${a.operator} ${a.key} and ${b.operator} ${b.key} cannot both hold`;
  }
  return undefined;
}

function assess(clauses: readonly ConditionClause[], keyVerdict: (clause: ConditionClause) => ClauseVerdict): ConditionAssessment {
  if (clauses.length === 0) return { strength: 'none', restrictingKeys: [], weaknesses: [] };
  const contradiction = findContradiction(clauses);
  if (contradiction) {
    return { strength: 'unsatisfiable', restrictingKeys: [], weaknesses: [], unsatisfiableReason: contradiction };
  }
  const restrictingKeys: string[] = [];
  const weaknesses: ConditionWeakness[] = [];
  for (const clause of clauses) {
    const verdict = genericVerdict(clause) ?? keyVerdict(clause);
    if (verdict.restricting) restrictingKeys.push(clause.key);
    else weaknesses.push({ key: clause.key, operator: operatorText(clause), why: verdict.why });
  }
  // Clauses are ANDed: one restricting clause narrows the whole statement.
  return { strength: restrictingKeys.length > 0 ? 'restricting' : 'weak', restrictingKeys, weaknesses };
}

function genericVerdict(clause: ConditionClause): ClauseVerdict | undefined {
  const why = genericWeakness(clause);
  return why === undefined ? undefined : { restricting: false, why };
}

/** The operator as it was written, e.g. `ForAnyValue:StringLikeIfExists`. */
export function operatorText(clause: ConditionClause): string {
  const qualifier = clause.setQualifier ? `${clause.setQualifier}:` : '';
  return `${qualifier}${clause.operator}${clause.ifExists ? 'IfExists' : ''}`;
}

/** Keys present in every authenticated request, so a clause that accepts any value of them always holds. */
const ALWAYS_PRESENT_KEYS = new Set([
  'aws:currenttime',
  'aws:epochtime',
  'aws:securetransport',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:userid',
  'aws:viaawsservice',
  'aws:principalisawsservice',
]);

function clauseAlwaysTrue(clause: ConditionClause): boolean {
  const operator = clause.operator.toLowerCase();
  const present = clause.ifExists || ALWAYS_PRESENT_KEYS.has(clause.key.toLowerCase());
  if (!present || clause.setQualifier !== undefined) return false;
  if (operator === 'stringlike' || operator === 'arnlike' || operator === 'arnequals') return clause.values.some((v) => /^\*+$/.test(v));
  if (operator === 'bool') return ['true', 'false'].every((b) => clause.values.some((v) => v.toLowerCase() === b));
  if (operator === 'null') return !clause.ifExists && clause.values.every((v) => v.toLowerCase() === 'false');
  return false;
}

/**
 * True when a condition block holds for every request: every clause accepts any value of a key
 * that is always present (or `IfExists` with a match-all value). A Deny with such a condition
 * subtracts like an unconditional one. Detects the common forms only; `false` means "not known".
 */
export function isAlwaysTrue(clauses: readonly ConditionClause[]): boolean {
  return clauses.length === 0 || clauses.every(clauseAlwaysTrue);
}

/**
 * Does this Condition block restrict WHO can use a grant made to a broad principal (trust
 * policy, Lambda resource policy)? Accepts the raw `Condition` object (or its JSON text, or
 * decoded clauses); a block that cannot be read is `weak` (fail closed), never an exception.
 * `context` is reserved for telling own-account/organization restrictions from foreign ones.
 */
export function assessPrincipalRestriction(condition: unknown, context: PrincipalRestrictionContext): ConditionAssessment {
  const decoded = safeDecode(condition);
  if (!Array.isArray(decoded)) return decoded;
  const assessment = assess(decoded, principalKeyVerdict);
  if (assessment.strength !== 'restricting' || context.accountId === undefined) return assessment;
  return { ...assessment, crossAccount: onlyForeign(decoded, assessment, context) };
}

const ACCOUNT_KEYS = new Set(['aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner']);
const ORGANIZATION_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid']);

/** Whether a restricting clause names only foreign accounts/orgs; undefined when it names neither. */
function clauseForeign(clause: ConditionClause, own: ReadonlySet<string>, orgId: string | undefined): boolean | undefined {
  const key = clause.key.toLowerCase();
  if (ACCOUNT_KEYS.has(key)) return clause.values.every((v) => !own.has(v));
  if (ORGANIZATION_KEYS.has(key)) return orgId === undefined ? undefined : clause.values.every((v) => v !== orgId);
  if (ARN_KEYS.has(key)) {
    const accounts = clause.values.map((v) => v.split(':')[4] ?? '');
    return accounts.every((a) => a.length > 0) ? accounts.every((a) => !own.has(a)) : undefined;
  }
  return undefined;
}

function onlyForeign(clauses: readonly ConditionClause[], assessment: ConditionAssessment, context: PrincipalRestrictionContext): boolean {
  const own = new Set([context.accountId ?? '', ...(context.trustedAccounts ?? [])]);
  const restricting = new Set(assessment.restrictingKeys);
  const verdicts = clauses.filter((c) => restricting.has(c.key)).map((c) => clauseForeign(c, own, context.orgId));
  // Any restricting clause that pins the owner (or that is not about accounts) keeps the grant private.
  return verdicts.length > 0 && verdicts.every((v) => v === true);
}

/**
 * Does this Condition block meaningfully narrow an identity-policy Allow? Restricting keys name
 * the service a role is passed to, the region, resource/request tags, the resource's account or
 * network origin, or a service-specific key; MFA, TLS and time conditions are weak.
 */
export function assessGrantCondition(condition: unknown): ConditionAssessment {
  const decoded = safeDecode(condition);
  return Array.isArray(decoded) ? assess(decoded, grantKeyVerdict) : decoded;
}
