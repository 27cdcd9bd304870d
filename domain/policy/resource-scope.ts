import { matchesWildcard } from '../wildcard';
import { catalogue, type CatalogueTables } from './catalogue';
import { globCovers, globsIntersect, hasWildcard, isMatchAll } from './glob';
import type { PolicyVersion } from './types';

/**
 * How much of an action's resources a `Resource` / `NotResource` reaches. Classes are ordered:
 * - `all`: `*` — every resource (and the only way to grant an action without resource types);
 * - `service-wide`: every resource of the action's type in every account, e.g.
 *   `arn:aws:iam::*:role/*`, `arn:aws:s3:::*`, or an Allow with `NotResource`;
 * - `account-wide`: every resource of the type in one account, `arn:aws:iam::111122223333:role/*`;
 * - `pattern`: a wildcard inside the resource name, `arn:aws:iam::111122223333:role/app-*`;
 * - `specific`: one named resource (policy variables such as `${aws:username}` count as one);
 * - `none`: the pattern cannot match any ARN of the action's resource types.
 * ARNs compare case-sensitively.
 */
export const SCOPE_CLASSES = ['none', 'specific', 'pattern', 'account-wide', 'service-wide', 'all'] as const;
export type ScopeClass = (typeof SCOPE_CLASSES)[number];

/** Numeric ranks of {@link SCOPE_CLASSES}, for comparisons. */
export const Scope = { none: 0, specific: 1, pattern: 2, account: 3, service: 4, all: 5 } as const;

/** The resources a statement names, as the engine reasons about them. */
export type ResourceSpec =
  /** No `Resource` element (trust policies) or `*`: everything. */
  | { readonly kind: 'any'; readonly raw: string }
  /** One `Resource` pattern; `pattern` has policy variables as an opaque literal, `selfPattern` as `*`. */
  | { readonly kind: 'pattern'; readonly raw: string; readonly pattern: string; readonly selfPattern: string }
  /** `NotResource`: everything except these patterns. */
  | { readonly kind: 'not'; readonly patterns: readonly string[] };

/** Stands for a policy variable's value: a literal no ARN contains. */
const VARIABLE = '\u0001';

/**
 * The resource specs of a statement, one per `Resource` pattern. Policy variables (`${aws:username}`)
 * are substituted only in version 2012-10-17; older or missing versions compare `${…}` literally.
 */
export function resourceSpecs(statement: { readonly resources?: readonly string[]; readonly notResources?: readonly string[] }, version: PolicyVersion): ResourceSpec[] {
  if (statement.notResources) return [{ kind: 'not', patterns: statement.notResources }];
  if (!statement.resources) return [{ kind: 'any', raw: '*' }];
  return statement.resources.map((raw): ResourceSpec => {
    if (isMatchAll(raw)) return { kind: 'any', raw };
    if (version !== '2012-10-17' || !raw.includes('${')) return { kind: 'pattern', raw, pattern: raw, selfPattern: raw };
    return { kind: 'pattern', raw, pattern: substituteVariables(raw, VARIABLE), selfPattern: substituteVariables(raw, '*') };
  });
}

/** Replaces `${key}` variables; `${*}`, `${?}` and `${$}` are IAM's escapes for those characters. */
function substituteVariables(raw: string, replacement: string): string {
  return raw.replace(/\$\{([^}]*)\}/g, (_whole, key: string) => (key === '*' || key === '?' || key === '$' ? VARIABLE : replacement));
}

interface ArnParts {
  /** `[arn, partition, service, region, account, resource]` when the pattern has all six parts. */
  readonly segments?: readonly string[];
  readonly service?: string;
  readonly account?: string;
  /** Wildcards inside the resource part (after the account). */
  readonly wildResource: boolean;
}

/** Splits an ARN (or pattern) into its six parts; the resource part may itself hold `:`. */
function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function literal(segment: string | undefined): string | undefined {
  return segment !== undefined && !hasWildcard(segment) ? segment : undefined;
}

function arnParts(pattern: string): ArnParts {
  const segments = splitArn(pattern);
  if (!segments) return { wildResource: hasWildcard(pattern) };
  return { segments, service: literal(segments[2]), account: literal(segments[4]), wildResource: hasWildcard(segments[5] ?? '') };
}

const PARTITION = 1;
const REGION = 3;
const ACCOUNT = 4;

/**
 * Does pattern segment `k` cover the type's segment? A variable segment (`*`) of the type is
 * narrowed to a literal partition/region (and account, for account-wide) of the pattern.
 */
function segmentCovers(p: readonly string[], g: readonly string[], k: number, narrowAccount: boolean): boolean {
  const ps = p[k] ?? '';
  const gs = g[k] ?? '';
  if (globCovers(ps, gs)) return true;
  const narrowable = k === PARTITION || k === REGION || (k === ACCOUNT && narrowAccount);
  return narrowable && gs === '*' && !hasWildcard(ps);
}

function coversType(p: readonly string[], g: readonly string[], narrowAccount: boolean): boolean {
  return [1, 2, 3, 4, 5].every((k) => segmentCovers(p, g, k, narrowAccount));
}

/** The type glob with its partition narrowed to the pattern's literal one (`arn:aws:iam::*`). */
function withPartitionOf(pattern: string, glob: string): string {
  const partition = literal(pattern.split(':')[1]);
  return partition !== undefined && glob.startsWith('arn:*:') ? `arn:${partition}:${glob.slice('arn:*:'.length)}` : glob;
}

/**
 * ARNs are compared part by part: a type's variables (`${Account}`, `${RoleNameWithPath}`) never
 * span a `:`, so `arn:aws:iam::1:role/*` cannot reach `arn:*:iam::*:user/*` although the two
 * strings intersect as plain globs. Patterns with fewer than six parts fall back to whole strings.
 */
function classifyType(pattern: string, parts: ArnParts, glob: string, g: readonly string[] | undefined): number {
  if (parts.service !== undefined && g && g[2] !== parts.service) return Scope.none;
  const p = parts.segments;
  if (!p || !g) {
    if (!globsIntersect(pattern, glob)) return Scope.none;
    if (globCovers(pattern, withPartitionOf(pattern, glob))) return Scope.service;
    return parts.wildResource ? Scope.pattern : Scope.specific;
  }
  if (!p.every((ps, k) => globsIntersect(ps, g[k] ?? ''))) return Scope.none;
  if (coversType(p, g, false)) return Scope.service;
  if (parts.account !== undefined && coversType(p, g, true)) return Scope.account;
  return parts.wildResource ? Scope.pattern : Scope.specific;
}

function classifyNotType(patterns: readonly NotPattern[], glob: string, g: readonly string[] | undefined): number {
  const excluded = patterns.some(({ pattern, parts }) => (parts.segments && g ? coversType(parts.segments, g, false) : globCovers(pattern, glob)));
  if (excluded) return Scope.none;
  return patterns.some(({ pattern, parts }) => classifyType(pattern, parts, glob, g) !== Scope.none) ? Scope.service : Scope.all;
}

/** A `NotResource` pattern with its parts, split once per info rather than once per type. */
interface NotPattern {
  readonly pattern: string;
  readonly parts: ArnParts;
}

/** Type globs split into ARN parts, by global type number (the catalogue's globs never change). */
let typeParts: (readonly string[] | undefined)[] | undefined;

function typeGlobParts(type: number, glob: string): readonly string[] | undefined {
  typeParts ??= catalogue().typeGlobs.map(splitArn);
  return type < typeParts.length ? typeParts[type] : splitArn(glob);
}

interface PatternInfo {
  /** Class per global resource type; -1 until computed. */
  readonly typeClass: Int8Array;
  /** Class for actions without resource types (their resource is `*`). */
  readonly wildcardOnlyClass: number;
  readonly classify: (glob: string, parts: readonly string[] | undefined) => number;
}

const infoMemo = new Map<string, PatternInfo>();
const MEMO_LIMIT = 5_000;

function buildInfo(spec: Exclude<ResourceSpec, { kind: 'any' }>): PatternInfo {
  const typeClass = new Int8Array(catalogue().typeGlobs.length).fill(-1);
  if (spec.kind === 'not') {
    const matchesStar = spec.patterns.some((p) => matchesWildcard(p, '*'));
    const patterns = spec.patterns.map((pattern) => ({ pattern, parts: arnParts(pattern) }));
    return { typeClass, wildcardOnlyClass: matchesStar ? Scope.none : Scope.all, classify: (glob, g) => classifyNotType(patterns, glob, g) };
  }
  const parts = arnParts(spec.pattern);
  const wildcardOnlyClass = matchesWildcard(spec.pattern, '*') ? Scope.all : Scope.none;
  return { typeClass, wildcardOnlyClass, classify: (glob, g) => classifyType(spec.pattern, parts, glob, g) };
}

/** Patterns that compare equal share one info across documents (decoded afresh per event). */
function sharedInfo(spec: Exclude<ResourceSpec, { kind: 'any' }>): PatternInfo {
  const key = spec.kind === 'not' ? `not\u0000${spec.patterns.join('\u0000')}` : `is\u0000${spec.pattern}`;
  let info = infoMemo.get(key);
  if (!info) {
    if (infoMemo.size >= MEMO_LIMIT) infoMemo.clear();
    info = buildInfo(spec);
    infoMemo.set(key, info);
  }
  return info;
}

/**
 * Per spec object, so the string key above is built once per spec, not once per action; kept on
 * the spec as a hidden property rather than in a WeakMap, whose entries for young specs survived
 * scavenges (see `compiled` in effective.ts).
 */
const INFO = Symbol('pattern info');

function infoOf(spec: Exclude<ResourceSpec, { kind: 'any' }>): PatternInfo {
  const holder = spec as typeof spec & { [INFO]?: PatternInfo };
  const found = holder[INFO];
  if (found !== undefined) return found;
  const info = sharedInfo(spec);
  if (Object.isExtensible(spec)) Object.defineProperty(spec, INFO, { value: info, enumerable: false, writable: false });
  return info;
}

/** The broadest class any resource type of the action gets (types are classified once per info). */
function classOf(info: PatternInfo, actionIndex: number, t: CatalogueTables): number {
  const start = t.typeStart[actionIndex] ?? 0;
  const end = t.typeStart[actionIndex + 1] ?? start;
  if (start === end) return info.wildcardOnlyClass;
  let best: number = Scope.none;
  for (let k = start; k < end; k++) {
    const type = t.typeIndex[k] ?? 0;
    let cls = info.typeClass[type] ?? -1;
    if (cls < 0) {
      const glob = t.typeGlobs[type] ?? '';
      cls = info.classify(glob, typeGlobParts(type, glob));
      info.typeClass[type] = cls;
    }
    if (cls > best) best = cls;
  }
  return best;
}

/** The scope class (a {@link Scope} rank) a resource spec gives the action at `actionIndex`. */
export function scopeOf(spec: ResourceSpec, actionIndex: number): number {
  if (spec.kind === 'any') return Scope.all;
  return classOf(infoOf(spec), actionIndex, catalogue());
}

/**
 * Scope planes: `planes[c - 1]` is the bitset of the catalogue actions a spec (or a principal's
 * grants) reaches at class `c` or broader, for `c` from {@link Scope.specific} to {@link Scope.all}.
 * The broadest class per action is the number of planes that hold its bit, so "broadest over
 * grants" is an OR of planes: whole words at a time instead of one byte per action.
 */
export type ScopePlanes = readonly Uint32Array[];

/** Number of scope planes: one per class above {@link Scope.none}. */
export const PLANE_COUNT: number = Scope.all;

/** Scope planes of an info, for grants of most of the catalogue (`*`, `NotAction`). */
const planeTables = new Map<PatternInfo, ScopePlanes>();
/** 14 KB each: enough for the patterns a run keeps meeting, bounded whatever the input. */
const TABLE_LIMIT = 256;
/** From this many actions, one pass over the whole catalogue beats per-action lookups. */
export const TABLE_THRESHOLD = 4_096;

function planeTable(info: PatternInfo, t: CatalogueTables): ScopePlanes {
  let planes = planeTables.get(info);
  if (!planes) {
    const words = Math.ceil(t.names.length / 32);
    const built = Array.from({ length: PLANE_COUNT }, () => new Uint32Array(words));
    for (let i = 0; i < t.names.length; i++) {
      const cls = classOf(info, i, t);
      for (let c = 0; c < cls; c++) {
        const plane = built[c] as Uint32Array;
        plane[i >>> 5] = (plane[i >>> 5] ?? 0) | (1 << (i & 31));
      }
    }
    if (planeTables.size >= TABLE_LIMIT) planeTables.clear();
    planes = built;
    planeTables.set(info, planes);
  }
  return planes;
}

/**
 * {@link scopeOf} for one spec over `actionCount` actions, in the cheapest form for a hot loop:
 * a constant for `*`, scope planes when the actions are most of the catalogue, else a function
 * with the spec's precomputed data already looked up.
 */
export function scopeLookup(spec: ResourceSpec, actionCount: number): number | ScopePlanes | ((actionIndex: number) => number) {
  if (spec.kind === 'any') return Scope.all;
  const info = infoOf(spec);
  const t = catalogue();
  if (actionCount >= TABLE_THRESHOLD) return planeTable(info, t);
  return (actionIndex) => classOf(info, actionIndex, t);
}

/**
 * The class of a resource spec for an action the catalogue does not know (no resource types to
 * compare with): judged by the pattern alone, and `none` when it names another service's ARNs.
 */
export function genericScopeOf(spec: ResourceSpec, lowerAction: string): number {
  if (spec.kind === 'any') return Scope.all;
  if (spec.kind === 'not') return Scope.service;
  const parts = arnParts(spec.pattern);
  const prefix = lowerAction.slice(0, lowerAction.indexOf(':'));
  if (parts.service !== undefined && parts.service !== prefix) return Scope.none;
  if (parts.account === undefined && parts.wildResource) return Scope.service;
  if (parts.wildResource) return Scope.pattern;
  return Scope.specific;
}

/** True when the spec reaches the concrete ARN (policy variables stand for any value). */
export function specMatchesArn(spec: ResourceSpec, arn: string): boolean {
  if (spec.kind === 'any') return true;
  if (spec.kind === 'not') return !spec.patterns.some((p) => matchesWildcard(p, arn));
  return matchesWildcard(spec.selfPattern, arn);
}

/** True when every resource `inner` names is also named by `outer` (for Deny subtraction). */
export function specCovers(outer: ResourceSpec, inner: ResourceSpec): boolean {
  if (outer.kind === 'any') return true;
  if (inner.kind === 'any' || inner.kind === 'not') return outer.kind === 'pattern' && isMatchAll(outer.pattern);
  if (outer.kind === 'not') return !outer.patterns.some((p) => globsIntersect(p, inner.pattern));
  return globCovers(outer.pattern, inner.pattern);
}

/** True when the two specs may name a common resource. */
export function specsIntersect(a: ResourceSpec, b: ResourceSpec): boolean {
  if (a.kind !== 'pattern' || b.kind !== 'pattern') return true;
  return globsIntersect(a.pattern, b.pattern);
}

/** The text of a spec for evidence. */
export function specText(spec: ResourceSpec): string {
  if (spec.kind === 'not') return `NotResource ${spec.patterns.join(', ')}`;
  return spec.raw;
}
