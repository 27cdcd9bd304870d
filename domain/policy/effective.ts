import { expandActionPattern, statementActionSet } from './action-patterns';
import { containsBits, countBits, futureIncludes, hasBit, intersect, isEmptyBits, isEmptySet, setBit, subtract, wordCount, type ActionSet } from './action-set';
import { catalogue } from './catalogue';
import { assessGrantCondition, isAlwaysTrue, type ConditionAssessment } from './conditions';
import { genericScopeOf, PLANE_COUNT, resourceSpecs, Scope, scopeLookup, scopeOf, specCovers, specsIntersect, TABLE_THRESHOLD, type ResourceSpec, type ScopePlanes } from './resource-scope';
import type { PolicyDocument, Statement } from './types';

/**
 * Effective permissions of a principal (DESIGN.md §3.1): every Allow statement of every policy,
 * one grant per resource pattern, minus the unconditional Denies whose resources cover it,
 * intersected with the permissions boundary when there is one. The broadest {@link Scope} any
 * grant reaches per action is kept as scope planes (see {@link ScopePlanes}): a principal holding
 * `*` costs a few word-wide ORs, not a write per catalogue action, and an analysis allocates one
 * small buffer instead of three arrays the size of the catalogue.
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
  /** Broadest scope per action, as planes over the catalogue (see {@link scopeAt}). */
  readonly reach: ScopePlanes;
  /** The same over grants without a restricting condition. */
  readonly strongReach: ScopePlanes;
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
  // Assigned, not spread: this runs for every statement of every principal.
  const ref: { -readonly [K in keyof StatementRef]: StatementRef[K] } = { policy: policy.name, source: policy.source, index: statement.index };
  if (policy.arn) ref.policyArn = policy.arn;
  if (statement.sid) ref.sid = statement.sid;
  return ref;
}

/** What the engine derives from one decoded statement, computed once (documents are immutable values). */
interface CompiledStatement {
  readonly actions: ActionSet;
  readonly condition: ConditionAssessment;
  /** Resource specs, for the document version they were made for. */
  specs?: { readonly version: PolicyDocument['version']; readonly list: readonly ResourceSpec[] };
}

/**
 * Kept on the statement itself (a hidden property), not in a WeakMap: a WeakMap's table lives in
 * the old generation, so every young statement's entry survived the next scavenge and was copied
 * out of the nursery — most of the engine's collector time, and its worst pauses.
 */
const COMPILED = Symbol('compiled statement');

function compiled(statement: Statement): CompiledStatement {
  const holder = statement as Statement & { [COMPILED]?: CompiledStatement };
  const found = holder[COMPILED];
  if (found !== undefined) return found;
  const made: CompiledStatement = { actions: statementActionSet(statement), condition: assessGrantCondition(statement.conditions) };
  // Not enumerable: invisible to JSON, equality checks and spreads. A frozen statement (none is
  // today) would simply recompute.
  if (Object.isExtensible(statement)) Object.defineProperty(statement, COMPILED, { value: made, enumerable: false, writable: false });
  return made;
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
    if (deny.resources.some((r) => specCovers(r, grant.resource)) && mayRemove(actions, deny)) actions = subtract(actions, deny.actions);
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

/** The broadest class in `planes` of action `index` (the number of planes holding its bit). */
export function scopeAt(planes: ScopePlanes, index: number): number {
  let cls = 0;
  while (cls < planes.length && hasBit(planes[cls] as Uint32Array, index)) cls++;
  return cls;
}

/** `planes[0 .. cls)` |= `bits` over words `[lo, hi)`. */
function raiseWords(planes: ScopePlanes, bits: Uint32Array, cls: number, lo: number, hi: number): void {
  for (let c = 0; c < cls; c++) {
    const plane = planes[c] as Uint32Array;
    for (let w = lo; w < hi; w++) plane[w] = (plane[w] ?? 0) | (bits[w] ?? 0);
  }
}

/** `planes[c]` |= `bits & table[c]` for every class: a spec whose class varies by action. */
function raiseMasked(planes: ScopePlanes, bits: Uint32Array, table: ScopePlanes, lo: number, hi: number): void {
  for (let c = 0; c < planes.length; c++) {
    const plane = planes[c] as Uint32Array;
    const mask = table[c] as Uint32Array;
    for (let w = lo; w < hi; w++) plane[w] = (plane[w] ?? 0) | ((bits[w] ?? 0) & (mask[w] ?? 0));
  }
}

/** Sets action `index` in planes `[0, cls)`. */
function raiseOne(planes: ScopePlanes, index: number, cls: number): void {
  const word = index >>> 5;
  const bit = 1 << (index & 31);
  for (let c = 0; c < cls; c++) {
    const plane = planes[c] as Uint32Array;
    plane[word] = (plane[word] ?? 0) | bit;
  }
}

/** The cheapest form of {@link scopeLookup} for a grant whose actions span words `[lo, hi)`. */
function lookupFor(grant: Grant, bits: Uint32Array, lo: number, hi: number): ReturnType<typeof scopeLookup> {
  // A span of few words holds few actions: no need to count them to pick the per-action form.
  const span = (hi - lo) * 32;
  return scopeLookup(grant.resource, grant.resource.kind === 'any' || span < TABLE_THRESHOLD ? span : countBits(bits, lo, hi));
}

/** Folds one grant into the planes, in the cheapest form its resource spec allows. */
function record(access: EffectiveAccess, grant: Grant): void {
  const strong = grant.condition.strength !== 'restricting';
  const bits = grant.actions.bits;
  const [lo, hi] = wordSpan(bits);
  const lookup = lookupFor(grant, bits, lo, hi);
  if (typeof lookup === 'number') {
    raiseWords(access.reach, bits, lookup, lo, hi);
    if (strong) raiseWords(access.strongReach, bits, lookup, lo, hi);
    return;
  }
  if (typeof lookup !== 'function') {
    raiseMasked(access.reach, bits, lookup, lo, hi);
    if (strong) raiseMasked(access.strongReach, bits, lookup, lo, hi);
    return;
  }
  for (let w = lo; w < hi; w++) {
    for (let rest = (bits[w] ?? 0) | 0; rest !== 0; rest &= rest - 1) {
      const i = (w << 5) + 31 - Math.clz32(rest & -rest);
      const cls = lookup(i);
      raiseOne(access.reach, i, cls);
      if (strong) raiseOne(access.strongReach, i, cls);
    }
  }
}

/** Zeroed planes for an {@link EffectiveAccess}: both sets over one buffer. */
export interface AccessPlanes {
  readonly reach: ScopePlanes;
  readonly strongReach: ScopePlanes;
  /** The buffer under every plane. */
  readonly buffer: Uint32Array;
}

/** Fresh planes: one allocation per analysis. */
function emptyPlanes(): AccessPlanes {
  const words = wordCount();
  const buffer = new Uint32Array(2 * PLANE_COUNT * words);
  const plane = (k: number) => buffer.subarray(k * words, (k + 1) * words);
  return {
    reach: Array.from({ length: PLANE_COUNT }, (_, c) => plane(c)),
    strongReach: Array.from({ length: PLANE_COUNT }, (_, c) => plane(PLANE_COUNT + c)),
    buffer,
  };
}

let scratch: AccessPlanes | undefined;

/**
 * Zeroed planes that are handed out again by the next call: for an analysis that is done with its
 * {@link EffectiveAccess} before it returns (an audit analyses thousands of principals, and 28 KB
 * of garbage each made most of its collector's work).
 */
export function scratchPlanes(): AccessPlanes {
  scratch ??= emptyPlanes();
  scratch.buffer.fill(0);
  return scratch;
}

/**
 * Effective grants of identity policies, honouring Denies and an optional boundary. `planes`
 * must be zeroed (see {@link scratchPlanes}); by default the access gets its own.
 */
export function effectiveAccess(policies: readonly SourcedPolicy[], boundary?: PolicyDocument, planes: AccessPlanes = emptyPlanes()): EffectiveAccess {
  const denies = denyRules(policies.map((p) => p.document));
  let grants = policies.flatMap((p) => allowGrants(p)).map((g) => applyDenies(g, denies));
  if (boundary) {
    const boundaryDenies = denyRules([boundary]);
    const limits = allowGrants({ name: 'permissions boundary', source: 'boundary', document: boundary }).map((g) => applyDenies(g, boundaryDenies));
    grants = applyBoundary(grants, limits);
  }
  grants = grants.filter((g) => !isEmptySet(g.actions));
  const access: EffectiveAccess = { grants, reach: planes.reach, strongReach: planes.strongReach };
  for (const grant of grants) record(access, grant);
  return access;
}

/**
 * The grant that gives action `index` its broadest scope (the first such grant, in policy order),
 * or undefined when nothing grants it. Found on demand: evidence needs it for a few actions only.
 */
export function grantAt(access: EffectiveAccess, index: number): Grant | undefined {
  const scope = scopeAt(access.reach, index);
  if (scope === Scope.none) return undefined;
  for (const grant of access.grants) if (hasBit(grant.actions.bits, index) && scopeOf(grant.resource, index) === scope) return grant;
  return undefined;
}

/**
 * The grants behind the broadest scope of each of `indexes` (see {@link grantAt}), each once, in
 * the order of the first index they give. One pass over the grants with each grant's resource
 * data looked up once: evidence for a rule may cover thousands of actions.
 */
export function grantsGiving(access: EffectiveAccess, indexes: readonly number[]): Grant[] {
  const { pending, owner } = givingScratch();
  try {
    assignOwners(access, indexes, pending, owner);
    const ordered = new Set<Grant>();
    for (const index of indexes) {
      const grant = access.grants[owner[index] ?? -1];
      if (grant !== undefined) ordered.add(grant);
    }
    return [...ordered];
  } finally {
    // Leave the scratch as found, whatever happened: no pending bit, no owner.
    pending.fill(0);
    for (const index of indexes) owner[index] = -1;
  }
}

/** Sets `owner[i]` to the index of the grant behind each of `indexes` (see {@link grantAt}). */
function assignOwners(access: EffectiveAccess, indexes: readonly number[], pending: Uint32Array, owner: Int32Array): void {
  // The actions still without their grant, as bits, and the words that hold any of them: each
  // grant is tested on those words only, a word at a time.
  for (const index of indexes) if (scopeAt(access.reach, index) !== Scope.none) setBit(pending, index);
  let words: number[] = [];
  for (let w = 0; w < pending.length; w++) if (pending[w] !== 0) words.push(w);
  access.grants.forEach((grant, g) => {
    if (words.length === 0) return;
    const bits = grant.actions.bits;
    let lookup: ReturnType<typeof scopeLookup> | undefined;
    for (const w of words) {
      let rest = (pending[w] ?? 0) & (bits[w] ?? 0);
      if (rest === 0) continue;
      lookup ??= lookupFor(grant, bits, ...wordSpan(bits));
      // Constant and table forms compare classes a word at a time; the per-action form bit by bit.
      if (typeof lookup !== 'function') rest &= sameClassWord(access.reach, lookup, w);
      for (rest |= 0; rest !== 0; rest &= rest - 1) {
        const low = rest & -rest;
        const index = (w << 5) + 31 - Math.clz32(low);
        if (typeof lookup === 'function' && lookup(index) !== scopeAt(access.reach, index)) continue;
        owner[index] = g;
        pending[w] = (pending[w] ?? 0) & ~low;
      }
    }
    words = words.filter((w) => pending[w] !== 0);
  });
}

let giving: { readonly pending: Uint32Array; readonly owner: Int32Array } | undefined;

/** Buffers of {@link grantsGiving}, kept clean between calls (it runs several times per principal). */
function givingScratch(): { readonly pending: Uint32Array; readonly owner: Int32Array } {
  giving ??= { pending: new Uint32Array(wordCount()), owner: new Int32Array(wordCount() * 32).fill(-1) };
  return giving;
}

/** The word `w` of the actions whose class under `lookup` equals their class in `reach`. */
function sameClassWord(reach: ScopePlanes, lookup: number | ScopePlanes, w: number): number {
  let same = -1;
  for (let c = 0; c < reach.length; c++) {
    const granted = typeof lookup === 'number' ? (c < lookup ? -1 : 0) : (lookup[c]?.[w] ?? 0);
    same &= ~(granted ^ (reach[c]?.[w] ?? 0));
  }
  return same;
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
  if (index !== undefined) return { scope: scopeAt(access.reach, index), strongScope: scopeAt(access.strongReach, index), grant: grantAt(access, index) };
  let best: ActionReach = { scope: Scope.none, strongScope: Scope.none };
  for (const grant of access.grants) {
    if (!futureIncludes(grant.actions.future, action)) continue;
    const cls = genericScopeOf(grant.resource, action);
    const strong = grant.condition.strength === 'restricting' ? Scope.none : cls;
    if (cls > best.scope) best = { scope: cls, strongScope: Math.max(strong, best.strongScope), grant };
  }
  return best;
}

/** The broadest class every action of `bits` reaches in `planes` (the weakest action's class). */
function commonScope(planes: ScopePlanes, bits: Uint32Array): number {
  let cls = 0;
  while (cls < planes.length && containsBits(planes[cls] as Uint32Array, bits)) cls++;
  return cls;
}

/** The first action of `bits` whose class is exactly `cls` (given that none is below it). */
function firstAt(planes: ScopePlanes, bits: Uint32Array, cls: number): number {
  const above = cls < planes.length ? planes[cls] : undefined;
  for (let w = 0; w < bits.length; w++) {
    const word = (bits[w] ?? 0) & ~(above?.[w] ?? 0);
    if (word !== 0) return (w << 5) + 31 - Math.clz32(word & -word);
  }
  return -1;
}

/**
 * The reach of an action or pattern (`iam:put*`): for a pattern, the weakest reach over the
 * catalogue actions it matches (all of them must be granted), with the grant of the first
 * action that is that weak.
 */
export function reachOfPattern(access: EffectiveAccess, pattern: string): ActionReach {
  if (!pattern.includes('*') && !pattern.includes('?')) return reachOf(access, pattern);
  const bits = expandActionPattern(pattern).bits;
  if (isEmptyBits(bits)) return { scope: Scope.none, strongScope: Scope.none };
  const scope = commonScope(access.reach, bits);
  const strongScope = commonScope(access.strongReach, bits);
  return { scope, strongScope, grant: grantAt(access, firstAt(access.reach, bits, scope)) };
}
