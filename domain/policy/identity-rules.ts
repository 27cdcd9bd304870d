import {
  BOUNDARY_LIFT_ACTIONS,
  CREDENTIAL_ACTIONS,
  DATA_READ_ACTIONS,
  DEFENSE_EVASION_ACTIONS,
  POLICY_VERSION_ACTIONS,
  SECRET_READ_ACTIONS,
  SELF_ESCALATION_ACTIONS,
} from './action-lists';
import { containsBits, fullBits, hasBit, hasRange, setBit } from './action-set';
import { catalogue } from './catalogue';
import { ACCESS_LEVELS } from './catalogue-codec';
import { grantsGiving, reachOf, reachOfPattern, scopeAt, type EffectiveAccess, type Grant, type StatementRef } from './effective';
import { actionEvidence, displayAction, EVIDENCE_CAP, issue, lower, POLICY_RULES, statementEvidence, type PolicyIssue, type PolicyRule } from './issues';
import { PRIVESC_COMBINATIONS, type PrivescCombination } from './privesc';
import { Scope, scopeOf, specMatchesArn, specText, type ScopePlanes } from './resource-scope';

/**
 * Over-breadth rules on effective identity permissions (DESIGN.md §3.1 categories 1–5). When a
 * principal is administrator-equivalent by holding every action on every resource, categories
 * 2–5 are implied and not reported separately (one critical finding instead of dozens).
 */

/** Who the permissions belong to. */
export interface IdentityContext {
  readonly kind: 'role' | 'user' | 'group' | 'policy';
  readonly arn: string;
  /** Customer-managed policies attached to the principal (their documents can be rewritten). */
  readonly attachedPolicyArns: readonly string[];
  readonly hasBoundary: boolean;
}

let wildcardOnlyMask: Uint32Array | undefined;

/** The actions without resource types (they need `*`), as a bitset. */
function wildcardOnly(): Uint32Array {
  if (!wildcardOnlyMask) {
    const t = catalogue();
    const mask = new Uint32Array(Math.ceil(t.names.length / 32));
    for (let i = 0; i < t.names.length; i++) if (t.typeStart[i] === t.typeStart[i + 1]) setBit(mask, i);
    wildcardOnlyMask = mask;
  }
  return wildcardOnlyMask;
}

let everyAction: Uint32Array | undefined;

/**
 * True when the planes reach every resource of every action: every action at `service` scope
 * or broader, and those without resource types (which only `*` grants) at `all`.
 */
function coversEverything(planes: ScopePlanes): boolean {
  everyAction ??= fullBits();
  return containsBits(planes[Scope.service - 1] as Uint32Array, everyAction) && containsBits(planes[Scope.all - 1] as Uint32Array, wildcardOnly());
}

function grantRefs(grants: readonly (Grant | undefined)[]): StatementRef[] {
  return statementEvidence(grants.map((g) => g?.ref));
}

/** The conditions of the grants involved, so a reader sees which one failed (or managed) to restrict. */
function conditionEvidence(grants: readonly (Grant | undefined)[]): Record<string, unknown> {
  const seen = new Set<string>();
  const conditions: Record<string, unknown>[] = [];
  for (const g of grants) {
    if (conditions.length >= 5) break;
    if (!g || g.condition.strength === 'none') continue;
    const key = `${g.ref.source}\u0000${g.ref.policy}\u0000${g.ref.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    conditions.push({ statement: g.ref, strength: g.condition.strength, restrictingKeys: g.condition.restrictingKeys, weaknesses: g.condition.weaknesses });
  }
  return conditions.length > 0 ? { conditions } : {};
}

function adminAll(access: EffectiveAccess): PolicyIssue | undefined {
  if (!coversEverything(access.reach)) return undefined;
  const strong = coversEverything(access.strongReach);
  const star = access.grants.filter((g) => g.resource.kind === 'any');
  return issue(POLICY_RULES.adminEquivalent, {
    severity: strong ? 'critical' : 'high',
    why: 'The principal may perform every action on every resource, so it can do anything an administrator can.',
    fix: 'Replace the grant of all actions with the specific actions and resources the workload uses (IAM Access Analyzer can generate a policy from CloudTrail activity).',
    evidence: {
      via: 'all-actions-all-resources',
      statements: statementEvidence(star.map((g) => g.ref)),
      actionCount: catalogue().names.length,
      grantsFutureActions: access.grants.some((g) => g.actions.future.kind !== 'none'),
      ...conditionEvidence(star),
    },
  });
}

/** Self-escalation primitives for this principal, lowercase. */
function selfPrimitives(context: IdentityContext): readonly string[] {
  // Lifting a boundary only matters to a principal that has one, which a lone policy cannot tell.
  if (context.kind === 'policy') return [...Object.values(SELF_ESCALATION_ACTIONS).flat(), ...POLICY_VERSION_ACTIONS];
  if (context.hasBoundary) return context.kind === 'group' ? [] : BOUNDARY_LIFT_ACTIONS[context.kind];
  return [...SELF_ESCALATION_ACTIONS[context.kind], ...(context.attachedPolicyArns.length > 0 ? POLICY_VERSION_ACTIONS : [])];
}

/** Targets a primitive must reach to act on the principal itself. */
function selfTargets(context: IdentityContext, action: string): readonly string[] {
  return POLICY_VERSION_ACTIONS.includes(action) ? context.attachedPolicyArns : [context.arn];
}

function reachesSelf(grant: Grant, index: number, action: string, context: IdentityContext): boolean {
  if (context.kind === 'policy') {
    // A standalone policy escalates whichever principal it is attached to: any broad scope will do,
    // and a policy that may rewrite its own document escalates everyone it is attached to.
    if (POLICY_VERSION_ACTIONS.includes(action) && specMatchesArn(grant.resource, context.arn)) return true;
    return scopeOf(grant.resource, index) >= Scope.account;
  }
  return selfTargets(context, action).some((arn) => specMatchesArn(grant.resource, arn));
}

/** `iam:PolicyARN` / `iam:PermissionsBoundary` conditions limit which policy can be attached or set. */
function limitsWhatIsAttached(grant: Grant): boolean {
  return grant.condition.restrictingKeys.some((k) => ['iam:policyarn', 'iam:permissionsboundary'].includes(k.toLowerCase()));
}

function selfEscalation(access: EffectiveAccess, context: IdentityContext): PolicyIssue | undefined {
  const t = catalogue();
  const hits: { action: string; grant: Grant }[] = [];
  for (const action of selfPrimitives(context)) {
    const index = t.byLower.get(action);
    if (index === undefined) continue;
    const grant = access.grants.find((g) => hasBit(g.actions.bits, index) && !limitsWhatIsAttached(g) && reachesSelf(g, index, action, context));
    if (grant) hits.push({ action, grant });
  }
  if (hits.length === 0) return undefined;
  const strong = hits.some((h) => h.grant.condition.strength !== 'restricting');
  return issue(POLICY_RULES.adminEquivalent, {
    severity: strong ? 'critical' : 'high',
    why: 'The principal may change its own permissions (a self-escalation primitive on itself), so it can grant itself anything.',
    fix: `Remove ${hits.map((h) => displayAction(h.action)).join(', ')} or limit its Resource to principals and policies other than this one.`,
    evidence: {
      via: 'self-escalation',
      target: context.kind === 'policy' ? 'any principal the policy is attached to' : context.arn,
      actions: hits.map((h) => displayAction(h.action)),
      statements: statementEvidence(hits.map((h) => h.grant.ref)),
      resources: [...new Set(hits.map((h) => specText(h.grant.resource)))],
      ...conditionEvidence(hits.map((h) => h.grant)),
    },
  });
}

/** Scope each action of a combination needs before it can reach a target. */
function thresholdFor(combination: PrivescCombination, action: string): number {
  if (!combination.passRole) return Scope.pattern;
  return action === 'iam:passrole' ? Scope.pattern : Scope.specific;
}

interface MatchedPath {
  readonly combination: PrivescCombination;
  readonly grants: readonly (Grant | undefined)[];
  readonly strong: boolean;
}

/** Catalogue index and threshold of each literal action of a combination, looked up once. */
const literalSteps = new Map<PrivescCombination, readonly (readonly [number, number])[]>();

function literalStepsOf(combination: PrivescCombination): readonly (readonly [number, number])[] {
  let steps = literalSteps.get(combination);
  if (!steps) {
    const byLower = catalogue().byLower;
    steps = combination.actions.flatMap((a) => {
      const index = byLower.get(a);
      return index === undefined ? [] : [[index, thresholdFor(combination, a)] as const];
    });
    literalSteps.set(combination, steps);
  }
  return steps;
}

function matchPath(access: EffectiveAccess, combination: PrivescCombination): MatchedPath | undefined {
  // Most principals miss most paths on a catalogue action: a bit test each, before the patterns
  // and uncatalogued actions (which scan the grants) and before any evidence is gathered.
  for (const [index, needed] of literalStepsOf(combination)) if (!hasBit(access.reach[needed - 1] as Uint32Array, index)) return undefined;
  const grants: (Grant | undefined)[] = [];
  let strong = true;
  for (const action of combination.actions) {
    const reach = reachOfPattern(access, action);
    const needed = thresholdFor(combination, action);
    if (reach.scope < needed) return undefined;
    if (reach.strongScope < needed) strong = false;
    grants.push(reach.grant);
  }
  return { combination, grants, strong };
}

function pathSeverity(path: MatchedPath, access: EffectiveAccess): PolicyIssue['severity'] {
  const passRoleBroad = reachOf(access, 'iam:passrole').scope >= Scope.account;
  const base = path.combination.prerequisite === 'existing-privileged-resource' ? 'high' : path.combination.passRole && !passRoleBroad ? 'high' : 'critical';
  return path.strong ? base : lower(base);
}

function privilegeEscalation(access: EffectiveAccess): PolicyIssue | undefined {
  const paths = PRIVESC_COMBINATIONS.map((c) => matchPath(access, c)).filter((p): p is MatchedPath => p !== undefined);
  if (paths.length === 0) return undefined;
  const severities = paths.map((p) => pathSeverity(p, access));
  const severity = severities.includes('critical') ? 'critical' : severities.includes('high') ? 'high' : 'medium';
  // Longest paths first: they are the most specific explanation of what a principal can do.
  const ordered = [...paths].sort((a, b) => b.combination.actions.length - a.combination.actions.length);
  return issue(POLICY_RULES.privilegeEscalation, {
    severity,
    why: `The principal holds every action of ${paths.length === 1 ? 'a known privilege-escalation path' : `${paths.length} known privilege-escalation paths`}, so it can gain permissions it was not given.`,
    fix: 'Remove one action of each path, or limit its Resource to the specific roles, principals or resources the workload needs (for iam:PassRole also add an iam:PassedToService condition).',
    evidence: {
      paths: ordered.slice(0, EVIDENCE_CAP).map((p) => ({
        id: p.combination.id,
        name: p.combination.name,
        actions: p.combination.actions.map(displayAction),
        prerequisite: p.combination.prerequisite,
        statements: statementEvidence(p.grants.map((g) => g?.ref)),
        ...conditionEvidence(p.grants),
      })),
      pathCount: paths.length,
    },
  });
}

function passedToServiceRestricted(grant: Grant): boolean {
  return grant.condition.restrictingKeys.some((k) => k.toLowerCase() === 'iam:passedtoservice');
}

function passRole(access: EffectiveAccess): PolicyIssue[] {
  const index = catalogue().byLower.get('iam:passrole');
  if (index === undefined) return [];
  const offending = access.grants.filter(
    (g) => hasBit(g.actions.bits, index) && scopeOf(g.resource, index) >= Scope.pattern && !passedToServiceRestricted(g),
  );
  const byStatement = new Map<string, Grant[]>();
  for (const g of offending) {
    const key = `${g.ref.source}\u0000${g.ref.policy}\u0000${g.ref.index}`;
    byStatement.set(key, [...(byStatement.get(key) ?? []), g]);
  }
  return [...byStatement.values()].map((grants) => {
    const first = grants[0] as Grant;
    return issue(POLICY_RULES.passRoleUnrestricted, {
      why: 'iam:PassRole on any (or a wildcard of) roles lets the principal hand a more privileged role to a service it controls.',
      fix: 'List the exact role ARNs in Resource and add a StringEquals condition on iam:PassedToService naming the one service that needs the role.',
      evidence: {
        statements: statementEvidence(grants.map((g) => g.ref)),
        resources: grants.map((g) => specText(g.resource)),
        condition: { strength: first.condition.strength, weaknesses: first.condition.weaknesses },
      },
    });
  });
}

/** Indexes of catalogue actions whose reach is at least `threshold`, with whether any is strong. */
function broadIndexes(access: EffectiveAccess, indexes: Iterable<number>, threshold: number): { hits: number[]; strong: boolean } {
  const hits: number[] = [];
  let strong = false;
  for (const i of indexes) {
    if (scopeAt(access.reach, i) < threshold) continue;
    hits.push(i);
    if (scopeAt(access.strongReach, i) >= threshold) strong = true;
  }
  return { hits, strong };
}

const indexMemo = new Map<readonly string[], number[]>();

/** Catalogue indexes of a fixed action list (memoised per list). */
function indexesOf(actions: readonly string[]): number[] {
  let found = indexMemo.get(actions);
  if (!found) {
    const byLower = catalogue().byLower;
    found = actions.map((a) => byLower.get(a)).filter((i): i is number => i !== undefined);
    indexMemo.set(actions, found);
  }
  return found;
}

function listRule(access: EffectiveAccess, r: PolicyRule, indexes: readonly number[], text: { why: string; fix: string }, severity = r.severity): PolicyIssue | undefined {
  const { hits, strong } = broadIndexes(access, indexes, Scope.account);
  if (hits.length === 0) return undefined;
  const grants = grantsGiving(access, hits);
  return issue(r, {
    severity: strong ? severity : lower(severity),
    ...text,
    evidence: { ...actionEvidence(hits), statements: grantRefs(grants), ...conditionEvidence(grants) },
  });
}

let permissionsManagement: number[] | undefined;

/** Indexes of the actions whose access level is Permissions management (memoised). */
function permissionsManagementIndexes(): number[] {
  if (!permissionsManagement) {
    const out: number[] = [];
    catalogue().levels.forEach((level, i) => {
      if (ACCESS_LEVELS[level] === 'Permissions management') out.push(i);
    });
    permissionsManagement = out;
  }
  return permissionsManagement;
}

function resourceExposure(access: EffectiveAccess): PolicyIssue | undefined {
  return listRule(access, POLICY_RULES.resourceExposure, permissionsManagementIndexes(), {
    why: 'Permissions-management actions on all resources let the principal rewrite resource policies and grants, exposing resources to anyone.',
    fix: 'Limit these actions to the specific resources the workload manages, or remove them.',
  });
}

function credentialsExposure(access: EffectiveAccess): PolicyIssue | undefined {
  return listRule(access, POLICY_RULES.credentialsExposure, indexesOf(CREDENTIAL_ACTIONS), {
    why: 'These actions return or create credentials (access keys, passwords, role sessions) for resources across the account.',
    fix: 'Limit them to the specific users, roles or resources that need them, or remove them.',
  });
}

function dataExfiltration(access: EffectiveAccess): PolicyIssue | undefined {
  const secrets = broadIndexes(access, indexesOf(SECRET_READ_ACTIONS), Scope.account).hits.length > 0;
  return listRule(
    access,
    POLICY_RULES.dataExfiltration,
    [...indexesOf(SECRET_READ_ACTIONS), ...indexesOf(DATA_READ_ACTIONS)],
    {
      why: 'The principal may read secrets or data from every resource of the service, not only its own.',
      fix: 'Limit Resource to the specific secrets, parameters, keys, buckets or tables the workload reads.',
    },
    secrets ? 'high' : 'medium',
  );
}

function defenseEvasion(access: EffectiveAccess): PolicyIssue | undefined {
  return listRule(access, POLICY_RULES.defenseEvasion, indexesOf(DEFENSE_EVASION_ACTIONS), {
    why: 'The principal may stop or weaken CloudTrail, GuardDuty, Config, Security Hub or log retention, hiding what it does next.',
    fix: 'Remove these actions; grant them only to a break-glass or security-tooling role.',
  });
}

function serviceWildcards(access: EffectiveAccess): PolicyIssue | undefined {
  const t = catalogue();
  const full: string[] = [];
  let strongAny = false;
  const firsts: number[] = [];
  const accountReach = access.reach[Scope.account - 1] as Uint32Array;
  const strongAccountReach = access.strongReach[Scope.account - 1] as Uint32Array;
  t.prefixes.forEach((prefix, s) => {
    const start = t.serviceStart[s] ?? 0;
    const end = t.serviceStart[s + 1] ?? start;
    if (end === start || !hasRange(accountReach, start, end)) return;
    full.push(prefix);
    if (hasRange(strongAccountReach, start, end)) strongAny = true;
    firsts.push(start);
  });
  if (full.length === 0) return undefined;
  return issue(POLICY_RULES.serviceWildcard, {
    severity: strongAny ? 'medium' : 'low',
    why: 'Every action of these services (including actions AWS adds later, when written as a wildcard) is allowed on all their resources.',
    fix: 'List the actions the workload calls instead of the service wildcard, and name its resources.',
    // The grant behind each service's first action, found for all services in one pass.
    evidence: { services: full.slice(0, EVIDENCE_CAP), serviceCount: full.length, statements: grantRefs(grantsGiving(access, firsts)) },
  });
}

/** Categories 1–5 for one principal's effective permissions. */
export function identityIssues(access: EffectiveAccess, context: IdentityContext): PolicyIssue[] {
  const admin = adminAll(access);
  if (admin) return [admin];
  const found = [
    selfEscalation(access, context),
    privilegeEscalation(access),
    ...passRole(access),
    resourceExposure(access),
    credentialsExposure(access),
    dataExfiltration(access),
    defenseEvasion(access),
    serviceWildcards(access),
  ];
  return found.filter((i): i is PolicyIssue => i !== undefined);
}
