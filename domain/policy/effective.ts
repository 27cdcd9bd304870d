import { expandActionPattern, statementActionSet } from './action-patterns';
import { futureIncludes, intersect, isEmptySet, subtract, type ActionSet } from './action-set';
import { catalogue } from './catalogue';
import { assessGrantCondition, isAlwaysTrue, type ConditionAssessment } from './conditions';
import { genericScopeOf, resourceSpecs, Scope, scopeOf, specCovers, specsIntersect, type ResourceSpec } from './resource-scope';
import type { PolicyDocument, Statement } from './types';

/**
 * Effective permissions of a principal (DESIGN.md §3.1): every Allow statement of every policy,
 * one grant per resource pattern, minus the unconditional Denies whose resources cover it,
 * intersected with the permissions boundary when there is one. Per action, the broadest
 * {@link Scope} any grant reaches is kept in a byte array over the catalogue.
 */

/** Where a policy comes from. */
export type PolicySourceKind = 'inline' | 'managed' | 'group-inline' | 'group-managed';

/** A policy document with its provenance. */
export interface SourcedPolicy {
  readonly name: string;
  readonly arn?: string;
  readonly source: PolicySourceKind;
  readonly document: PolicyDocument;
}

/** A statement of a policy, for evidence. */
export interface StatementRef {
  readonly policy: string;
  readonly policyArn?: string;
  readonly source: PolicySourceKind | 'boundary' | 'trust';
  readonly index: number;
  readonly sid?: string;
}

/** What one Allow statement grants on one resource pattern, after Denies and boundary. */
export interface Grant {
  readonly ref: StatementRef;
  readonly actions: ActionSet;
  readonly resource: ResourceSpec;
  readonly condition: ConditionAssessment;
  /** Written with `NotAction`. */
  readonly notAction: boolean;
}

/** The effective permissions of a set of policies. */
export interface EffectiveAccess {
  readonly grants: readonly Grant[];
  /** Broadest scope per action index. */
  readonly scope: Uint8Array;
  /** Broadest scope per action over grants without a restricting condition. */
  readonly strongScope: Uint8Array;
  /** Index into `grants` of the grant that gives `scope`, -1 when none. */
  readonly grantOf: Int32Array;
}

/** Deny statements that apply to every request: no condition, or one that always holds. */
interface DenyRule {
  readonly actions: ActionSet;
  readonly resources: readonly ResourceSpec[];
}

/** A reference to a statement of a policy. */
export function refOf(policy: Pick<SourcedPolicy, 'name' | 'arn'> & { readonly source: StatementRef['source'] }, statement: Statement): StatementRef {
  const ref: StatementRef = { policy: policy.name, source: policy.source, index: statement.index };
  return { ...ref, ...(policy.arn ? { policyArn: policy.arn } : {}), ...(statement.sid ? { sid: statement.sid } : {}) };
}

/** Per decoded statement: its action set and condition verdict (documents are immutable values). */
const statementMemo = new WeakMap<Statement, { readonly actions: ActionSet; readonly condition: ConditionAssessment }>();

function compiled(statement: Statement): { readonly actions: ActionSet; readonly condition: ConditionAssessment } {
  let found = statementMemo.get(statement);
  if (!found) {
    found = { actions: statementActionSet(statement), condition: assessGrantCondition(statement.conditions) };
    statementMemo.set(statement, found);
  }
  return found;
}

function allowGrants(policy: Pick<SourcedPolicy, 'name' | 'arn' | 'document'> & { readonly source: StatementRef['source'] }): Grant[] {
  const grants: Grant[] = [];
  for (const statement of policy.document.statements) {
    if (statement.effect !== 'Allow') continue;
    const { actions, condition } = compiled(statement);
    // A condition that can never hold grants nothing; grammar rules report it.
    if (condition.strength === 'unsatisfiable') continue;
    const ref = refOf(policy, statement);
    for (const resource of resourceSpecs(statement, policy.document.version)) {
      grants.push({ ref, actions, resource, condition, notAction: statement.notActions !== undefined });
    }
  }
  return grants;
}

function denyRules(documents: readonly PolicyDocument[]): DenyRule[] {
  return documents.flatMap((document) =>
    document.statements
      // Conditional Denies may not apply to a given request: subtracting them would hide grants.
      .filter((s) => s.effect === 'Deny' && isAlwaysTrue(s.conditions))
      .map((s) => ({ actions: compiled(s).actions, resources: resourceSpecs(s, document.version) })),
  );
}

function applyDenies(grant: Grant, denies: readonly DenyRule[]): Grant {
  let actions = grant.actions;
  for (const deny of denies) {
    if (deny.resources.some((r) => specCovers(r, grant.resource))) actions = subtract(actions, deny.actions);
  }
  return actions === grant.actions ? grant : { ...grant, actions };
}

/** The narrower of two intersecting specs (the boundary's, when the identity grant covers it). */
function narrower(identity: ResourceSpec, boundary: ResourceSpec): ResourceSpec {
  return specCovers(identity, boundary) && !specCovers(boundary, identity) ? boundary : identity;
}

function applyBoundary(grants: readonly Grant[], boundary: readonly Grant[]): Grant[] {
  const out: Grant[] = [];
  for (const grant of grants) {
    for (const limit of boundary) {
      if (!specsIntersect(grant.resource, limit.resource)) continue;
      const actions = intersect(grant.actions, limit.actions);
      if (!isEmptySet(actions)) out.push({ ...grant, actions, resource: narrower(grant.resource, limit.resource) });
    }
  }
  return out;
}

function record(access: EffectiveAccess, grant: Grant, grantIndex: number): void {
  const strong = grant.condition.strength !== 'restricting';
  const all = grant.resource.kind === 'any';
  const bits = grant.actions.bits;
  for (let w = 0; w < bits.length; w++) {
    let rest = bits[w] ?? 0;
    while (rest !== 0) {
      const low = rest & -rest;
      rest ^= low;
      const i = w * 32 + 31 - Math.clz32(low);
      const cls = all ? Scope.all : scopeOf(grant.resource, i);
      if (cls > (access.scope[i] ?? 0)) {
        access.scope[i] = cls;
        access.grantOf[i] = grantIndex;
      }
      if (strong && cls > (access.strongScope[i] ?? 0)) access.strongScope[i] = cls;
    }
  }
}

/** Effective grants of identity policies, honouring Denies and an optional boundary. */
export function effectiveAccess(policies: readonly SourcedPolicy[], boundary?: PolicyDocument): EffectiveAccess {
  const denies = denyRules(policies.map((p) => p.document));
  let grants = policies.flatMap((p) => allowGrants(p)).map((g) => applyDenies(g, denies));
  if (boundary) {
    const boundaryDenies = denyRules([boundary]);
    const limits = allowGrants({ name: 'permissions boundary', source: 'boundary', document: boundary }).map((g) => applyDenies(g, boundaryDenies));
    grants = applyBoundary(grants, limits);
  }
  grants = grants.filter((g) => !isEmptySet(g.actions));
  const n = catalogue().names.length;
  const access: EffectiveAccess = { grants, scope: new Uint8Array(n), strongScope: new Uint8Array(n), grantOf: new Int32Array(n).fill(-1) };
  grants.forEach((grant, i) => record(access, grant, i));
  return access;
}

/** Grants that may reach the action, known or not, with their scope, broadest first. */
export interface ActionReach {
  readonly scope: number;
  readonly strongScope: number;
  readonly grant?: Grant;
}

/**
 * The reach of one lowercase action name. Known actions read the per-action arrays; actions the
 * catalogue does not list are matched against the grants' future-action specs.
 */
export function reachOf(access: EffectiveAccess, action: string): ActionReach {
  const index = catalogue().byLower.get(action);
  if (index !== undefined) {
    const grantIndex = access.grantOf[index] ?? -1;
    return { scope: access.scope[index] ?? 0, strongScope: access.strongScope[index] ?? 0, grant: access.grants[grantIndex] };
  }
  let best: ActionReach = { scope: Scope.none, strongScope: Scope.none };
  for (const grant of access.grants) {
    if (!futureIncludes(grant.actions.future, action)) continue;
    const cls = genericScopeOf(grant.resource, action);
    const strong = grant.condition.strength === 'restricting' ? Scope.none : cls;
    if (cls > best.scope) best = { scope: cls, strongScope: Math.max(strong, best.strongScope), grant };
  }
  return best;
}

/**
 * The reach of an action or pattern (`iam:put*`): for a pattern, the weakest reach over the
 * catalogue actions it matches (all of them must be granted).
 */
export function reachOfPattern(access: EffectiveAccess, pattern: string): ActionReach {
  if (!pattern.includes('*') && !pattern.includes('?')) return reachOf(access, pattern);
  const bits = expandActionPattern(pattern).bits;
  let scope = Number.POSITIVE_INFINITY;
  let strongScope = Number.POSITIVE_INFINITY;
  let weakest = -1;
  for (let w = 0; w < bits.length; w++) {
    let rest = bits[w] ?? 0;
    while (rest !== 0) {
      const low = rest & -rest;
      rest ^= low;
      const i = w * 32 + 31 - Math.clz32(low);
      const s = access.scope[i] ?? 0;
      if (s < scope) {
        scope = s;
        weakest = i;
      }
      strongScope = Math.min(strongScope, access.strongScope[i] ?? 0);
    }
  }
  if (weakest < 0) return { scope: Scope.none, strongScope: Scope.none };
  return { scope, strongScope, grant: access.grants[access.grantOf[weakest] ?? -1] };
}
