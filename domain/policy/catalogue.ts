import { ACCESS_LEVELS, decodeServiceActions, type AccessLevel } from './catalogue-codec';
import { catalogueData, IAM_DATA_UPDATED_AT, IAM_DATA_VERSION, SINGLE_CODES } from './catalogue.generated';

export type { AccessLevel } from './catalogue-codec';
export { IAM_DATA_UPDATED_AT, IAM_DATA_VERSION } from './catalogue.generated';

/**
 * The IAM action catalogue: every action of every service, with its access level and the ARN
 * globs of the resource types it acts on. Actions have a dense index (services ordered by prefix,
 * actions by lowercase name) so the engine can hold action sets as bitsets over it. Decoded once,
 * lazily, from the generated module.
 */
export interface CatalogueTables {
  /** `service:Action` as AWS spells it, by index. */
  readonly names: readonly string[];
  /** Lowercase `service:action`, by index. */
  readonly lower: readonly string[];
  /** Lowercase action part (after `service:`), by index. */
  readonly actionParts: readonly string[];
  readonly byLower: ReadonlyMap<string, number>;
  /** Access level code (index into the access level list), by action index. */
  readonly levels: Uint8Array;
  /** Service number, by action index. */
  readonly serviceOf: Uint16Array;
  /** Lowercase service prefixes, ordered. */
  readonly prefixes: readonly string[];
  /** `[start, end)` action index range of each service. */
  readonly serviceStart: Uint32Array;
  readonly serviceByPrefix: ReadonlyMap<string, number>;
  /** Resource types of action `i`: `typeIndex[typeStart[i] .. typeStart[i+1])`, global type numbers. */
  readonly typeStart: Uint32Array;
  readonly typeIndex: Uint16Array;
  /** ARN glob of each global resource type, e.g. `arn:*:iam::*:role/*`. */
  readonly typeGlobs: readonly string[];
  /** Data package version and date. */
  readonly version: string;
  readonly updatedAt: string;
}

let tables: CatalogueTables | undefined;

interface Builder {
  names: string[];
  lower: string[];
  levels: number[];
  serviceOf: number[];
  serviceStart: number[];
  typeStart: number[];
  typeIndex: number[];
  typeGlobs: string[];
}

function addService(builder: Builder, entry: readonly [string, string, string, string], serviceNumber: number, words: readonly string[]): void {
  const [prefix, globText, names, indexes] = entry;
  const globs = globText.length === 0 ? [] : globText.split(' ');
  const typeBase = builder.typeGlobs.length;
  builder.typeGlobs.push(...globs.map((g) => `arn:*:${g}`));
  builder.serviceStart.push(builder.names.length);
  for (const action of decodeServiceActions(names, indexes, globs.length, words, SINGLE_CODES)) {
    builder.names.push(`${prefix}:${action.name}`);
    builder.lower.push(`${prefix}:${action.name.toLowerCase()}`);
    builder.levels.push(action.level);
    builder.serviceOf.push(serviceNumber);
    builder.typeStart.push(builder.typeIndex.length);
    for (const t of action.resourceTypes) builder.typeIndex.push(typeBase + t);
  }
}

function build(): CatalogueTables {
  const data = catalogueData();
  const words = data.words.split(',');
  const builder: Builder = { names: [], lower: [], levels: [], serviceOf: [], serviceStart: [], typeStart: [], typeIndex: [], typeGlobs: [] };
  data.services.forEach((entry, i) => addService(builder, entry, i, words));
  builder.serviceStart.push(builder.names.length);
  builder.typeStart.push(builder.typeIndex.length);
  const prefixes = data.services.map(([prefix]) => prefix);
  return {
    names: builder.names,
    lower: builder.lower,
    actionParts: builder.lower.map((name) => name.slice(name.indexOf(':') + 1)),
    byLower: new Map(builder.lower.map((name, i) => [name, i])),
    levels: Uint8Array.from(builder.levels),
    serviceOf: Uint16Array.from(builder.serviceOf),
    prefixes,
    serviceStart: Uint32Array.from(builder.serviceStart),
    serviceByPrefix: new Map(prefixes.map((p, i) => [p, i])),
    typeStart: Uint32Array.from(builder.typeStart),
    typeIndex: Uint16Array.from(builder.typeIndex),
    typeGlobs: builder.typeGlobs,
    version: IAM_DATA_VERSION,
    updatedAt: IAM_DATA_UPDATED_AT,
  };
}

/** The decoded catalogue (decoded on first use, then shared). */
export function catalogue(): CatalogueTables {
  tables ??= build();
  return tables;
}

/** Index of an action (case-insensitive `service:Action`), or `undefined` when unknown. */
export function actionIndex(action: string): number | undefined {
  return catalogue().byLower.get(action.toLowerCase());
}

/** Every known action, `service:Action` as AWS spells it, in catalogue order. */
export function allActions(): readonly string[] {
  return catalogue().names;
}

/** Lowercase service prefixes the catalogue knows, ordered. */
export function services(): readonly string[] {
  return catalogue().prefixes;
}

/** The actions of one service (prefix case-insensitive); empty for an unknown prefix. */
export function actionsOfService(prefix: string): readonly string[] {
  const t = catalogue();
  const service = t.serviceByPrefix.get(prefix.toLowerCase());
  if (service === undefined) return [];
  return t.names.slice(t.serviceStart[service], t.serviceStart[service + 1]);
}

/** True when the action (case-insensitive, no wildcards) is in the catalogue. */
export function isKnownAction(action: string): boolean {
  return actionIndex(action) !== undefined;
}

/** Access level of an action, or `undefined` when unknown. */
export function accessLevel(action: string): AccessLevel | undefined {
  const index = actionIndex(action);
  return index === undefined ? undefined : ACCESS_LEVELS[catalogue().levels[index] ?? 0];
}

/** Access level of the action at `index`. */
export function accessLevelAt(index: number): AccessLevel {
  return ACCESS_LEVELS[catalogue().levels[index] ?? 0] ?? 'Write';
}

/** Resource-type ARN globs of the action at `index` (empty: the action only supports `*`). */
export function resourceGlobsAt(index: number): readonly string[] {
  const t = catalogue();
  const out: string[] = [];
  for (let k = t.typeStart[index] ?? 0; k < (t.typeStart[index + 1] ?? 0); k++) out.push(t.typeGlobs[t.typeIndex[k] ?? 0] ?? '');
  return out;
}

/**
 * True when the action supports no resource-level permissions (its resource must be `*`);
 * `undefined` when the action is unknown.
 */
export function isWildcardOnly(action: string): boolean | undefined {
  const index = actionIndex(action);
  if (index === undefined) return undefined;
  const t = catalogue();
  return t.typeStart[index] === t.typeStart[index + 1];
}
