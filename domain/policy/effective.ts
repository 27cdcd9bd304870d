import { expandActionPattern, statementActionSet } from './action-patterns';
import { countBits, futureIncludes, intersect, isEmptySet, subtract, type ActionSet } from './action-set';
import { catalogue } from './catalogue';
import { assessGrantCondition, isAlwaysTrue, type ConditionAssessment } from './conditions';
import { genericScopeOf, resourceSpecs, Scope, scopeLookup, specCovers, specsIntersect, type ResourceSpec } from './resource-scope';
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
  /** First and past-the-last non-zero word of `actions.bits`: Denies name few actions. */
  readonly words: readonly [number, number];
}

function wordSpan(bits: Uint32Array): readonly [number, number] {
  let lo = 0;
  let hi = bits.length;
  while (lo < hi && bits[lo] === 0) lo++;
  while (hi > lo && bits[hi - 1] === 0) hi--;
  return [lo, hi];
}

/** A reference to a statement of a policy. */
export function refOf(policy: Pick<SourcedPolicy, 'name' | 'arn'> & { readonly source: StatementRef['source'] }, statement: Statement): StatementRef {
  const ref: StatementRef = { policy: policy.name, source: policy.source, index: statement.index };
  return { ...ref, ...(policy.arn ? { policyArn: policy.arn } : {}), ...(statement.sid ? { sid: statement.sid } : {}) };
}

/** What the engine derives from one decoded statement, computed once (documents are immutable values). */
interface CompiledStatement {
  readonly actions: ActionSet;
  readonly condition: ConditionAssessment;
  /** Resource specs, for the document version they were made for. */
  specs?: { readonly version: PolicyDocument['version']; readonly list: readonly ResourceSpec[] };
}

const statementMemo = new WeakMap<Statement, CompiledStatement>();

function compiled(statement: Statement): CompiledStatement {
  let found = statementMemo.get(statement);
  if (!found) {
    found = { actions: statementActionSet(statement), condition: assessGrantCondition(statement.conditions) };
    statementMemo.set(statement, found);
  }
  return found;
}

/** The statement's resource specs, shared across analyses so their per-spec data is reused too. */
function specsOf(statement: Statement, version: PolicyDocument['version']): readonly ResourceSpec[] {
  const entry = compiled(statement);
  if (entry.specs && entry.specs.version === version) return entry.specs.list;
  const list = resourceSpecs(statement, version);
  entry.specs = { version, list };
  return list;
}

function allowGrants(policy: Pick<SourcedPolicy, 'name' | 'arn' | 'document'> & { readonly source: StatementRef['source'] }): Grant[] {
  const grants: Grant[] = [];
  for (const statement of policy.document.statements) {
    if (statement.effect !== 'Allow') continue;
    const { actions, condition } = compiled(statement);
    // A condition that can never hold grants nothing; grammar rules report it.
    if (condition.strength === 'unsatisfiable') continue;
    const ref = refOf(policy, statement);
    for (const resource of specsOf(statement, policy.document.version)) {
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
      .map((s) => {
        const actions = compiled(s).actions;
        return { actions, resources: specsOf(s, document.version), words: wordSpan(actions.bits) };
      }),
  );
}

/**
 * False when subtracting `deny` cannot change `actions`: no common known action and no future
 * part on both sides (sets are kept normalised, so `subtract` would return an equal set).
 */
function mayRemove(actions: ActionSet, deny: DenyRule): boolean {
  if (actions.future.kind !== 'none' && deny.actions.future.kind !== 'none') return true;
  const a = actions.bits;
  const d = deny.actions.bits;
  const [lo, hi] = deny.words;
  for (let w = lo; w < hi; w++) if (((a[w] ?? 0) & (d[w] ?? 0)) !== 0) return true;
  return false;
}

function applyDenies(grant: Grant, denies: readonly DenyRule[]): Grant {
  let actions = grant.actions;
  for (const deny of denies) {
    if (mayRemove(actions, deny) && deny.resources.some((r) => specCovers(r, grant.resource))) actions = subtract(actions, deny.actions);
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

/** Action counts per bitset: the grants of one statement (one per resource) share theirs. */
const counts = new WeakMap<Uint32Array, number>();

function countOf(bits: Uint32Array): number {
  let count = counts.get(bits);
  if (count === undefined) {
    count = countBits(bits);
    counts.set(bits, count);
  }
  return count;
}

/** Raises action `i` to class `cls` when that is broader than what it has (first grant wins ties). */
function raise(access: EffectiveAccess, i: number, cls: number, grantIndex: number, strong: boolean): void {
  if (cls > (access.scope[i] ?? 0)) {
    access.scope[i] = cls;
    access.grantOf[i] = grantIndex;
  }
  if (strong && cls > (access.strongScope[i] ?? 0)) access.strongScope[i] = cls;
}

/**
 * Folds one grant into the per-action arrays. Grants of `*` or `NotAction` hold most of the
 * catalogue, so the loop is kept monomorphic per lookup form and reads bit words as int32.
 */
function record(access: EffectiveAccess, grant: Grant, grantIndex: number): void {
  const strong = grant.condition.strength !== 'restricting';
  const bits = grant.actions.bits;
  const lookup = scopeLookup(grant.resource, grant.resource.kind === 'any' ? 0 : countOf(bits));
  for (let w = 0; w < bits.length; w++) {
    let rest = (bits[w] ?? 0) | 0;
    const base = w << 5;
    if (typeof lookup === 'number') {
      for (; rest !== 0; rest &= rest - 1) raise(access, base + 31 - Math.clz32(rest & -rest), lookup, grantIndex, strong);
    } else if (typeof lookup === 'function') {
      for (; rest !== 0; rest &= rest - 1) {
        const i = base + 31 - Math.clz32(rest & -rest);
        raise(access, i, lookup(i), grantIndex, strong);
      }
    } else {
      for (; rest !== 0; rest &= rest - 1) {
        const i = base + 31 - Math.clz32(rest & -rest);
        raise(access, i, lookup[i] ?? 0, grantIndex, strong);
      }
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
