import type { Change } from '../../events';
import type { FindingSubject } from '../../findings';
import type { FunctionConfigurationState, LambdaReader } from '../../ports';
import { partitionOf, stringParam } from '../finding-factory';

/** The function a Lambda event is about. */
export interface FunctionTarget {
  readonly region: string;
  readonly accountId: string;
  readonly name: string;
  /** The unqualified function ARN. */
  readonly arn: string;
  /** The alias or version the call named (`qualifier` or a qualified ARN); absent for `$LATEST`. */
  readonly qualifier?: string;
}

/** `name`, `name:qualifier`, `account:function:name[:qualifier]` or a full ARN, as the Lambda API accepts. */
const FUNCTION_REF = /^(?:arn:([\w-]+):lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([A-Za-z0-9_-]{1,140})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/**
 * The function an event names: `functionName` (most calls), `resourceArn` (PutResourcePolicy,
 * PutPublicAccessBlockConfig) or the response's `functionArn`. A region or account in an ARN wins
 * over the event's own (a call may name a function of another region). Undefined when the event
 * names no function (it cannot be re-read).
 */
export function functionTargetOf(change: Change): FunctionTarget | undefined {
  const responseArn = change.responseElements?.functionArn;
  const ref = stringParam(change, 'functionName') ?? stringParam(change, 'resourceArn') ?? (typeof responseArn === 'string' ? responseArn : undefined);
  const match = ref === undefined ? null : FUNCTION_REF.exec(ref);
  const name = match?.[5];
  if (match === null || name === undefined) return undefined;
  const region = match[2] ?? change.region;
  const accountId = match[3] ?? match[4] ?? change.accountId;
  const partition = match[1] ?? partitionOf(change);
  const qualifier = stringParam(change, 'qualifier') ?? match[6];
  const base = { region, accountId, name, arn: `arn:${partition}:lambda:${region}:${accountId}:function:${name}` };
  return qualifier === undefined || qualifier === '$LATEST' ? base : { ...base, qualifier };
}

/** The subject of a function finding (the qualifier when the issue is on an alias or version). */
export function functionSubject(target: FunctionTarget, qualifier?: string): FindingSubject {
  const base = { kind: 'function' as const, name: target.name, arn: target.arn, region: target.region };
  return qualifier === undefined ? base : { ...base, qualifier };
}

/** Published versions only: ListVersionsByFunction also lists `$LATEST`. */
export function publishedVersions(versions: readonly FunctionConfigurationState[]): FunctionConfigurationState[] {
  return versions.filter((version) => version.version !== '$LATEST');
}

/**
 * Runs `read` over `items` a few at a time: a function may have hundreds of versions, and one
 * call per version all at once would only be throttled.
 */
export async function inBatches<T, R>(items: readonly T[], read: (item: T) => Promise<R>, size = 8): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(read))));
  }
  return results;
}

/** The function's `$LATEST`, or undefined when it was deleted meanwhile. */
export function readLatest(lambda: LambdaReader, target: FunctionTarget): Promise<FunctionConfigurationState | undefined> {
  return lambda.getFunction(target.region, target.name);
}

/** Identifier-only request parameters a Lambda finding carries (never environment or policy text). */
export const lambdaTriggerKeys = ['functionName', 'resourceArn', 'qualifier', 'statementId', 'name', 'functionVersion', 'authType', 'principal', 'action'] as const;
