import type { Detector } from '../detectors/detector';
import { iamPrincipalChange } from '../detectors/iam-principal-change';
import { lambdaPublicAccess } from '../detectors/lambda-public-access';
import { lambdaSecretEnvironment } from '../detectors/lambda-secret-environment';
import { describeError } from '../errors';
import type { Change } from '../events';
import type { Finding } from '../findings';
import type { AccountInventory, FunctionConfigurationState, StateReaders } from '../ports';
import type { Outcome } from '../result';

/** The kinds of principal an audit evaluates. */
export type PrincipalKind = 'role' | 'user' | 'group';

/** What an audit concluded about one resource (DESIGN.md §7's result, keyed by resource). */
export interface ResourceResult {
  readonly resourceArn: string;
  readonly resourceType: 'function' | PrincipalKind;
  /** The function's region; absent for IAM principals (IAM is global). */
  readonly region?: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly findings: readonly Finding[];
  readonly actions: readonly [];
}

/** Progress of a whole-account audit: `done` of `total` resources. */
export type AuditProgress = (done: number, total: number) => void;

/** The detectors that judge a resource as it stands (not a change), so they serve an audit. */
export const functionAuditDetectors: readonly Detector[] = [lambdaSecretEnvironment, lambdaPublicAccess];
export const principalAuditDetectors: readonly Detector[] = [iamPrincipalChange];

/** What an audit needs: what the account holds, and the readers the detectors re-read it with. */
export interface AuditSource {
  readonly inventory: AccountInventory;
  readonly readers: StateReaders;
}

/**
 * One of `count` interleaved parts of an audit: the resources at positions `index`, `index +
 * count`, … of the whole audit's order. Parts can run in parallel; taking one result from each in
 * turn gives back the whole audit's order.
 */
export interface AuditShard {
  readonly index: number;
  readonly count: number;
}

/** The whole audit as one shard. */
export const WHOLE_AUDIT: AuditShard = { index: 0, count: 1 };

/**
 * The whole-account audit, used by `warden audit` (snapshot or live) and the `sweep` Lambda: every
 * function of every region, then every role, user and group, through the same detectors as the
 * events. Yields one result per resource as it goes (constant memory on large accounts); a
 * resource that cannot be evaluated is an `error` result, never a thrown error. With `shard`, only
 * that part of the resources (see {@link AuditShard}); `progress` counts the part's resources.
 */
export async function* auditAccount(source: AuditSource, progress: AuditProgress = () => undefined, shard: AuditShard = WHOLE_AUDIT): AsyncGenerator<ResourceResult> {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError('audit shard: index must be an integer in [0, count)');
  }
  const account = await source.inventory.readAccount();
  const functions: FunctionConfigurationState[] = [];
  for (const region of await source.inventory.listLambdaRegions()) functions.push(...(await source.inventory.listFunctions(region)));
  const principals = await principalsOf(source.inventory);
  const mine = (position: number): boolean => position % shard.count === shard.index;
  const ownFunctions = functions.filter((_, position) => mine(position));
  const ownPrincipals = principals.filter((_, position) => mine(functions.length + position));
  const total = ownFunctions.length + ownPrincipals.length;
  let done = 0;
  progress(done, total);
  for (const fn of ownFunctions) {
    yield await auditFunction(fn, account.accountId, source.readers);
    progress((done += 1), total);
  }
  for (const principal of ownPrincipals) {
    yield await auditPrincipal(principal.kind, principal.name, account, source.readers);
    progress((done += 1), total);
  }
}

/** Runs every function detector on one function; never throws (failures become `error`). */
export function auditFunction(fn: FunctionConfigurationState, accountId: string, readers: StateReaders): Promise<ResourceResult> {
  const change = auditChange({ eventSource: 'lambda.amazonaws.com', region: fn.region, accountId, requestParameters: { functionName: fn.functionArn || fn.functionName } });
  return runDetectors(functionAuditDetectors, change, readers, { resourceArn: fn.functionArn, resourceType: 'function', region: fn.region, actions: [] });
}

/** Runs the IAM principal detector on one role, user or group, as it stands. */
export async function auditPrincipal(kind: PrincipalKind, name: string, account: { readonly accountId: string; readonly partition: string }, readers: StateReaders): Promise<ResourceResult> {
  const change = auditChange({ eventSource: 'iam.amazonaws.com', region: 'us-east-1', accountId: account.accountId, requestParameters: { [`${kind}Name`]: name } });
  const base = { resourceArn: `arn:${account.partition}:iam::${account.accountId}:${kind}/${name}`, resourceType: kind, actions: [] as const };
  let arn: string | undefined;
  try {
    arn = await principalArnOf(kind, name, readers);
  } catch (error) {
    return { ...base, outcome: 'error', reason: describeError(error), findings: [] };
  }
  return runDetectors(principalAuditDetectors, change, readers, { ...base, resourceArn: arn ?? base.resourceArn });
}

/** The principal's ARN as IAM holds it (with its path). */
async function principalArnOf(kind: PrincipalKind, name: string, readers: StateReaders): Promise<string | undefined> {
  const iam = readers.iam;
  if (iam === undefined) return undefined;
  const principal = kind === 'role' ? await iam.getRole(name) : kind === 'user' ? await iam.getUser(name) : await iam.getGroup(name);
  return principal?.arn;
}

async function runDetectors(detectors: readonly Detector[], change: Change, readers: StateReaders, base: Omit<ResourceResult, 'outcome' | 'reason' | 'findings'>): Promise<ResourceResult> {
  const findings: Finding[] = [];
  const unresolved: string[] = [];
  try {
    for (const detector of detectors) {
      const loaded = await detector.load(change, readers);
      if (loaded.status === 'resolved') findings.push(...detector.evaluate(change, loaded.state));
      else unresolved.push(`${detector.metadata.id}: ${loaded.reason}`);
    }
  } catch (error) {
    return { ...base, outcome: 'error', reason: describeError(error), findings: [] };
  }
  if (findings.length > 0) {
    const rules = [...new Set(findings.map((finding) => finding.ruleId))];
    const reason = `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${rules.join(', ')}${unresolved.length > 0 ? `; ${unresolved.join('; ')}` : ''}`;
    return { ...base, outcome: 'finding', reason, findings };
  }
  if (unresolved.length > 0) return { ...base, outcome: 'unresolved', reason: unresolved.join('; '), findings };
  return { ...base, outcome: 'clean', reason: 'no finding', findings };
}

/**
 * The change an audit evaluates: no event happened, so the detectors are asked about the resource
 * as it stands. The id is fixed (`audit`), so finding ids are stable from one audit to the next
 * (the sweep compares them to report new and resolved findings).
 */
function auditChange(what: { eventSource: string; region: string; accountId: string; requestParameters: Record<string, string> }): Change {
  return {
    eventId: 'audit',
    correlationId: 'audit',
    eventName: 'Audit',
    rawEventName: 'Audit',
    eventSource: what.eventSource,
    service: what.eventSource.split('.')[0] ?? '',
    eventTime: new Date(0).toISOString(),
    region: what.region,
    accountId: what.accountId,
    actor: { type: 'Warden' },
    requestParameters: what.requestParameters,
    responseElements: null,
  };
}

/** Roles, then users, then groups, each sorted by name. */
async function principalsOf(inventory: AccountInventory): Promise<{ kind: PrincipalKind; name: string }[]> {
  const names = await inventory.listPrincipalNames();
  const sorted = (list: readonly string[]): string[] => [...list].sort();
  return [
    ...sorted(names.roles).map((name) => ({ kind: 'role' as const, name })),
    ...sorted(names.users).map((name) => ({ kind: 'user' as const, name })),
    ...sorted(names.groups).map((name) => ({ kind: 'group' as const, name })),
  ];
}
