import { RESOURCE_TYPES } from './resource-types';

/**
 * CloudFormation intrinsic functions (long form; the loader turns `!Ref` and friends into it),
 * resolved as far as a template allows before deployment. Pseudo parameters take the values the
 * scan was given; what only exists at deploy time (parameters, imports, attributes Warden does not
 * model, generated names) becomes an opaque `{placeholder}`: no `*`, `?`, `:` or `$`, so the
 * policy engine reads it as one specific resource, never as a wildcard, and ARN segments stay put.
 */

/** One resource of the template as written. */
export interface RawResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** What resolution may look up. */
export interface ResolveContext {
  readonly resources: ReadonlyMap<string, RawResource>;
  readonly parameters: ReadonlySet<string>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

/** `Ref: AWS::NoValue`: the property is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** How a part known only at deploy time is written into a string. */
export type Hole = (label: string) => string;

/** Opaque placeholder for ARNs and names: `{Label}` with characters that mean something in ARNs or globs replaced. */
export const placeholder: Hole = (label) => `{${label.replace(/[^A-Za-z0-9._\-/]/g, '_')}}`;

/** For environment values: `${Label}`, the shape the secret scanner reads as a reference. */
export const referenceHole: Hole = (label) => `\${${label.replace(/[^A-Za-z0-9._\-/]/g, '_')}}`;

const MAX_DEPTH = 12;

/** True when `value` is `{ "Ref": … }` or `{ "Fn::…": … }` (one key). */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || (keys[0] ?? '').startsWith('Fn::'));
}

/** The function name and argument of an intrinsic. */
export function intrinsicOf(value: Record<string, unknown>): { readonly fn: string; readonly arg: unknown } {
  const fn = Object.keys(value)[0] ?? '';
  return { fn, arg: value[fn] };
}

interface Resolver {
  readonly ctx: ResolveContext;
  readonly hole: Hole;
  readonly depth: number;
}

function deeper(r: Resolver): Resolver {
  return { ...r, depth: r.depth + 1 };
}

/**
 * A value as a string: literals as they are, intrinsics resolved or replaced by `hole(label)`.
 * `NO_VALUE` for `Ref: AWS::NoValue` (and an `Fn::If` that picks it).
 */
export function resolveString(value: unknown, ctx: ResolveContext, hole: Hole = placeholder): string | typeof NO_VALUE {
  return stringOf(value, { ctx, hole, depth: 0 });
}

function stringOf(value: unknown, r: Resolver): string | typeof NO_VALUE {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (r.depth > MAX_DEPTH || !isIntrinsic(value)) return r.hole('value');
  const { fn, arg } = intrinsicOf(value);
  const next = deeper(r);
  switch (fn) {
    case 'Ref':
      return typeof arg === 'string' ? refOf(arg, next) : r.hole('Ref');
    case 'Fn::GetAtt':
      return getAttOf(arg, next);
    case 'Fn::Sub':
      return subOf(arg, next);
    case 'Fn::Join':
      return joinOf(arg, next);
    case 'Fn::Select':
      return selectOf(arg, next);
    case 'Fn::If':
      return ifOf(arg, next);
    case 'Fn::FindInMap':
      return findInMapOf(arg, next);
    case 'Fn::ImportValue': {
      const name = stringOf(arg, next);
      return r.hole(`ImportValue.${name === NO_VALUE ? 'value' : name}`);
    }
    default:
      return r.hole(fn.replace('Fn::', ''));
  }
}

function pseudo(name: string, r: Resolver): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::Partition':
      return r.ctx.partition;
    case 'AWS::AccountId':
      return r.ctx.accountId;
    case 'AWS::Region':
      return r.ctx.region;
    case 'AWS::URLSuffix':
      return r.ctx.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    default:
      return name.startsWith('AWS::') ? r.hole(name.slice('AWS::'.length)) : undefined;
  }
}

function refOf(name: string, r: Resolver): string | typeof NO_VALUE {
  const p = pseudo(name, r);
  if (p !== undefined) return p;
  const resource = r.ctx.resources.get(name);
  if (resource === undefined || r.ctx.parameters.has(name)) return r.hole(name);
  if (resource.type === 'AWS::Lambda::Alias') return qualifiedFunctionArn(resource, resource.properties.Name, r);
  if (resource.type === 'AWS::Lambda::Version') return qualifiedFunctionArn(resource, undefined, r);
  const info = RESOURCE_TYPES.get(resource.type);
  if (info?.ref === 'arn') return resourceArn(resource, r);
  if (info?.ref === 'name') return physicalName(resource, r);
  return r.hole(name);
}

/** An alias or version ARN: the function's ARN and the qualifier. */
function qualifiedFunctionArn(resource: RawResource, qualifier: unknown, r: Resolver): string {
  const fn = stringOf(resource.properties.FunctionName, r);
  const name = fn === NO_VALUE ? r.hole(resource.logicalId) : fn;
  const arn = name.startsWith('arn:') ? name : `arn:${r.ctx.partition}:lambda:${r.ctx.region}:${r.ctx.accountId}:function:${name}`;
  const q = qualifier === undefined ? NO_VALUE : stringOf(qualifier, r);
  return `${arn}:${q === NO_VALUE ? r.hole(`${resource.logicalId}.Version`) : q}`;
}

/** The physical name of a template resource: its name property, or what CloudFormation generates. */
export function physicalName(resource: RawResource, r: Resolver | ResolveContext): string {
  const resolver = 'ctx' in r ? r : { ctx: r, hole: placeholder, depth: 0 };
  const info = RESOURCE_TYPES.get(resource.type);
  for (const property of info?.nameProperties ?? []) {
    const value = resource.properties[property];
    if (value === undefined) continue;
    const name = stringOf(value, deeper(resolver));
    if (name !== NO_VALUE) return name;
  }
  return resolver.hole(resource.logicalId);
}

/** The ARN of a template resource of a known type; a placeholder otherwise. */
export function resourceArn(resource: RawResource, r: Resolver | ResolveContext): string {
  const resolver = 'ctx' in r ? r : { ctx: r, hole: placeholder, depth: 0 };
  const info = RESOURCE_TYPES.get(resource.type);
  if (info === undefined) return resolver.hole(`${resource.logicalId}.Arn`);
  const rawPath = resource.properties.Path;
  const path = typeof rawPath === 'string' && rawPath.startsWith('/') && rawPath.endsWith('/') ? rawPath : '/';
  const { partition, region, accountId } = resolver.ctx;
  return info.arn({ partition, region, accountId, name: physicalName(resource, resolver), path });
}

function getAttOf(arg: unknown, r: Resolver): string {
  const [id, attribute] = getAttTarget(arg);
  if (id === undefined || attribute === undefined) return r.hole('GetAtt');
  const resource = r.ctx.resources.get(id);
  const info = resource === undefined ? undefined : RESOURCE_TYPES.get(resource.type);
  if (resource !== undefined && info?.arnAttributes.includes(attribute)) return resourceArn(resource, r);
  if (resource !== undefined && info?.nameAttributes?.includes(attribute)) return physicalName(resource, r);
  return r.hole(`${id}.${attribute}`);
}

/** `[LogicalId, Attribute]` of both GetAtt forms (`["A", "Arn"]` and `"A.Arn"`). */
export function getAttTarget(arg: unknown): [string | undefined, string | undefined] {
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    return dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
  }
  if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') return [arg[0], arg[1]];
  return [typeof (arg as unknown[] | undefined)?.[0] === 'string' ? ((arg as unknown[])[0] as string) : undefined, undefined];
}

function subOf(arg: unknown, r: Resolver): string {
  const parts: readonly unknown[] = Array.isArray(arg) ? arg : [arg];
  const template = parts[0];
  const variables = parts[1];
  if (typeof template !== 'string') return r.hole('Sub');
  const vars = typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
  return template.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in vars) return text(stringOf(vars[name], r));
    if (name.includes('.') && !name.startsWith('AWS::')) return getAttOf(name, r);
    return text(refOf(name, r));
  });
}

function text(value: string | typeof NO_VALUE): string {
  return value === NO_VALUE ? '' : value;
}

function joinOf(arg: unknown, r: Resolver): string {
  if (!Array.isArray(arg) || typeof arg[0] !== 'string') return r.hole('Join');
  const items: unknown = arg[1];
  if (!Array.isArray(items)) return r.hole('Join');
  return expandList(items)
    .map((item) => text(stringOf(item, r)))
    .join(arg[0]);
}

function selectOf(arg: unknown, r: Resolver): string | typeof NO_VALUE {
  if (!Array.isArray(arg)) return r.hole('Select');
  const index = Number(typeof arg[0] === 'object' ? stringOf(arg[0], r) : arg[0]);
  const list: unknown = arg[1];
  if (!Array.isArray(list) || !Number.isInteger(index)) return r.hole('Select');
  const expanded = expandList(list);
  return index >= 0 && index < expanded.length ? stringOf(expanded[index], r) : r.hole('Select');
}

function ifOf(arg: unknown, r: Resolver): string | typeof NO_VALUE {
  if (!Array.isArray(arg) || arg.length !== 3) return r.hole('If');
  const first = stringOf(arg[1], r);
  return first === NO_VALUE ? stringOf(arg[2], r) : first;
}

function findInMapOf(arg: unknown, r: Resolver): string | typeof NO_VALUE {
  if (!Array.isArray(arg) || arg.length < 3) return r.hole('FindInMap');
  const keys = arg.slice(0, 3).map((k) => stringOf(k, r));
  let node: unknown = r.ctx.mappings;
  if (keys.some((k) => k === NO_VALUE)) return r.hole('FindInMap');
  for (const key of keys) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key as string] : undefined;
  return node === undefined || typeof node === 'object' ? r.hole(`FindInMap.${keys.map(String).join('.')}`) : stringOf(node, r);
}

/** A list with `Fn::If` elements replaced by both branches (conservative: either may deploy) and `AWS::NoValue` dropped. */
export function expandList(items: readonly unknown[]): unknown[] {
  return items.flatMap((item) => {
    if (isNoValue(item)) return [];
    if (!isIntrinsic(item) || intrinsicOf(item).fn !== 'Fn::If') return [item];
    const arg = intrinsicOf(item).arg;
    if (!Array.isArray(arg) || arg.length !== 3) return [item];
    return [arg[1], arg[2]].flatMap((branch) => (Array.isArray(branch) ? expandList(branch) : expandList([branch])));
  });
}

/** True for `{ "Ref": "AWS::NoValue" }`. */
export function isNoValue(value: unknown): boolean {
  return isIntrinsic(value) && intrinsicOf(value).fn === 'Ref' && intrinsicOf(value).arg === 'AWS::NoValue';
}

/**
 * A policy document (or any JSON-like value) with every intrinsic resolved to a string: lists
 * expand `Fn::If` into both branches, `AWS::NoValue` entries disappear, an `Fn::If` holding
 * objects or lists keeps both branches where a list is allowed and the first one elsewhere.
 */
export function materialize(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return expandList(value).map((item) => materialize(item, ctx));
  if (isIntrinsic(value)) return materializeIntrinsic(value, ctx);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isNoValue(item)) continue;
    const resolved = materialize(item, ctx);
    // defineProperty, not assignment: a key named `__proto__` stays data.
    if (resolved !== NO_VALUE) Object.defineProperty(out, key, { value: resolved, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function materializeIntrinsic(value: Record<string, unknown>, ctx: ResolveContext): unknown {
  const { fn, arg } = intrinsicOf(value);
  if (fn === 'Fn::If' && Array.isArray(arg) && arg.length === 3) {
    const branches = [arg[1], arg[2]].filter((b) => !isNoValue(b)).map((b) => materialize(b, ctx));
    if (branches.every(Array.isArray)) return branches.flat();
    return branches[0] ?? NO_VALUE;
  }
  return resolveString(value, ctx);
}
