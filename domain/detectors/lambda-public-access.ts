import type { Change } from '../events';
import { analyzeExposure, decodeResourcePolicy, InvalidResourcePolicyError, normalizeQualifier, type ExposureInput, type QualifiedPolicy } from '../exposure';
import type { Finding } from '../findings';
import type { FunctionUrlState, LambdaReader, StateReaders } from '../ports';
import type { Detector, Loaded } from './detector';
import { stringParam, toFinding, triggerOf } from './finding-factory';
import { functionSubject, functionTargetOf, inBatches, lambdaTriggerKeys, publishedVersions, readLatest, type FunctionTarget } from './lambda/function-target';

/** What the detector evaluates: the exposure input, and whether it was read or taken from the event. */
export interface PublicAccessState {
  readonly target: FunctionTarget;
  readonly input: ExposureInput;
  readonly judgedFrom: 'state' | 'event';
  /** Event only: what had to be assumed, said in the evidence. */
  readonly assumption?: string;
}

const urlEvents = new Set(['CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig']);

/**
 * Public and over-shared Lambda functions (DESIGN.md §3.3): re-reads the URL configurations and the
 * resource policies of `$LATEST`, every alias and every published version, and reports the six
 * exposure classes. Without a Lambda reader it judges the statement, policy or URL the event carries.
 */
export const lambdaPublicAccess: Detector<PublicAccessState> = {
  metadata: {
    id: 'lambda-public-access',
    title: 'Lambda function open to the public or other accounts',
    category: 'exposure',
    severity: 'critical',
    risk: 'A function anyone can invoke, or whose URL needs no authentication, runs its code (and spends its role’s permissions) for whoever calls it.',
    fix: 'Remove the public statements, restrict the others with aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID, and set function URLs to AuthType AWS_IAM.',
  },
  runsIn: 'detectLambda',
  trigger: {
    source: 'aws.lambda',
    eventNames: ['CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig', 'AddPermission', 'PutResourcePolicy', 'PutPublicAccessBlockConfig', 'CreateAlias', 'UpdateAlias'],
  },
  permissions: ['lambda:GetFunctionConfiguration', 'lambda:ListVersionsByFunction', 'lambda:ListAliases', 'lambda:GetPolicy', 'lambda:ListFunctionUrlConfigs'],

  async load(change: Change, readers: StateReaders): Promise<Loaded<PublicAccessState>> {
    const target = functionTargetOf(change);
    if (target === undefined) return { status: 'unresolved', reason: `${change.eventName} names no function` };
    const loaded = readers.lambda ? await fromState(target, readers.lambda) : fromEvent(target, change);
    if (loaded.status !== 'resolved') return loaded;
    const invalid = invalidPolicy(loaded.state.input);
    return invalid === undefined ? loaded : { status: 'unresolved', reason: invalid };
  },

  evaluate(change: Change, state: PublicAccessState): readonly Finding[] {
    const trigger = triggerOf(change, lambdaTriggerKeys);
    const evidence = { judgedFrom: state.judgedFrom, ...(state.assumption === undefined ? {} : { assumption: state.assumption }) };
    return analyzeExposure(state.input).map((issue) => {
      const statement = typeof issue.evidence.statementIndex === 'number' ? `statement-${issue.evidence.statementIndex}` : 'url';
      return toFinding({ ...issue, category: 'exposure', evidence: { ...issue.evidence, qualifier: issue.qualifier ?? '$LATEST' } }, change, {
        subject: functionSubject(state.target, issue.qualifier),
        trigger,
        evidence,
        key: statement,
      });
    });
  },
};

/** Reads the function, its aliases, versions, policies and URLs; `gone` when it was deleted. */
async function fromState(target: FunctionTarget, lambda: LambdaReader): Promise<Loaded<PublicAccessState>> {
  const latest = await readLatest(lambda, target);
  if (latest === undefined) return { status: 'gone', reason: `function ${target.name} no longer exists in ${target.region}` };
  const [aliases, versions, urlConfigs] = await Promise.all([
    lambda.listAliases(target.region, target.name),
    lambda.listVersions(target.region, target.name),
    lambda.listUrlConfigs(target.region, target.name),
  ]);
  const qualifiers = [undefined, ...aliases.map((alias) => alias.name), ...publishedVersions(versions).map((version) => version.version)];
  const policies = await inBatches(qualifiers, async (qualifier): Promise<QualifiedPolicy> => ({
    policy: await lambda.getPolicy(target.region, target.name, qualifier),
    ...(qualifier === undefined ? {} : { qualifier }),
  }));
  return { status: 'resolved', state: { target, judgedFrom: 'state', input: { functionArn: target.arn, accountId: target.accountId, urlConfigs, policies } } };
}

/** Fail closed: a policy that cannot be read leaves the function unjudged, never clean. */
function invalidPolicy(input: ExposureInput): string | undefined {
  for (const entry of input.policies) {
    if (entry.policy === undefined || entry.policy.trim() === '') continue;
    try {
      decodeResourcePolicy(entry.policy, normalizeQualifier(entry.qualifier));
    } catch (error) {
      if (error instanceof InvalidResourcePolicyError) return error.message;
      throw error;
    }
  }
  return undefined;
}

// ---- Judging the event alone (offline replay without a snapshot, DESIGN.md §7) ----

function fromEvent(target: FunctionTarget, change: Change): Loaded<PublicAccessState> {
  const resolved = (input: Omit<ExposureInput, 'functionArn' | 'accountId'>, assumption?: string): Loaded<PublicAccessState> => ({
    status: 'resolved',
    state: { target, judgedFrom: 'event', input: { functionArn: target.arn, accountId: target.accountId, ...input }, ...(assumption === undefined ? {} : { assumption }) },
  });
  if (change.eventName === 'AddPermission') return addPermissionFromEvent(target, change, resolved);
  if (change.eventName === 'PutResourcePolicy') {
    const policy = stringParam(change, 'policy');
    if (policy === undefined) return { status: 'unresolved', reason: 'PutResourcePolicy carries no policy' };
    return resolved({ urlConfigs: [], policies: [{ policy, ...qualifierOf(target) }] }, 'URL configurations not read');
  }
  if (urlEvents.has(change.eventName)) {
    const url = urlFromEvent(target, change);
    if (url === undefined) return { status: 'unresolved', reason: `${change.eventName} carries no auth type` };
    return resolved({ urlConfigs: [url], policies: [] }, 'resource policy not read: whether anyone may call the URL needs the function state');
  }
  return { status: 'unresolved', reason: `${change.eventName} needs the function's state (use --snapshot or --live)` };
}

function qualifierOf(target: FunctionTarget): { qualifier?: string } {
  return target.qualifier === undefined ? {} : { qualifier: target.qualifier };
}

/** The URL the event created or updated, from the response (or the request's auth type). */
function urlFromEvent(target: FunctionTarget, change: Change): FunctionUrlState | undefined {
  const response = change.responseElements ?? {};
  const authType = typeof response.authType === 'string' ? response.authType : stringParam(change, 'authType');
  if (authType === undefined) return undefined;
  const functionArn = typeof response.functionArn === 'string' ? response.functionArn : `${target.arn}${target.qualifier === undefined ? '' : `:${target.qualifier}`}`;
  return { functionUrl: typeof response.functionUrl === 'string' ? response.functionUrl : '', functionArn, authType: authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE' };
}

type Resolve = (input: Omit<ExposureInput, 'functionArn' | 'accountId'>, assumption?: string) => Loaded<PublicAccessState>;

/**
 * The statement Lambda added: the response carries it exactly; without a response it is rebuilt
 * from the request the way Lambda builds it. A grant limited to a URL auth type can only matter
 * with a URL of that type, which the event does not show: it is assumed, and the assumption named.
 */
function addPermissionFromEvent(target: FunctionTarget, change: Change, resolved: Resolve): Loaded<PublicAccessState> {
  const statement = statementOf(target, change);
  if (statement === undefined) return { status: 'unresolved', reason: 'AddPermission carries no statement nor principal and action' };
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const authType = stringParam(change, 'functionUrlAuthType');
  const viaUrl = change.requestParameters.invokedViaFunctionUrl === true || change.requestParameters.invokedViaFunctionUrl === 'true';
  const policies = [{ policy, ...qualifierOf(target) }];
  if (authType !== undefined) {
    const functionArn = `${target.arn}${target.qualifier === undefined ? '' : `:${target.qualifier}`}`;
    const url: FunctionUrlState = { functionUrl: '', functionArn, authType: authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE' };
    return resolved({ urlConfigs: [url], policies }, `a function URL with AuthType ${url.authType} (the statement applies only to one; URL configurations not read)`);
  }
  if (viaUrl) return { status: 'unresolved', reason: 'a grant for calls through the function URL: whether it opens anything needs the URL configuration (use --snapshot or --live)' };
  return resolved({ urlConfigs: [], policies }, 'only the statement this call added was judged');
}

function statementOf(target: FunctionTarget, change: Change): Record<string, unknown> | undefined {
  const added = change.responseElements?.statement;
  if (typeof added === 'string') {
    try {
      const parsed: unknown = JSON.parse(added);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall back to the request below
    }
  }
  const principal = stringParam(change, 'principal');
  const action = stringParam(change, 'action');
  if (principal === undefined || action === undefined) return undefined;
  return {
    Sid: stringParam(change, 'statementId') ?? 'event',
    Effect: 'Allow',
    Principal: principalOf(principal),
    Action: action,
    Resource: `${target.arn}${target.qualifier === undefined ? '' : `:${target.qualifier}`}`,
    ...conditionOf(change),
  };
}

function principalOf(principal: string): unknown {
  if (principal === '*') return '*';
  if (principal.endsWith('.amazonaws.com') || principal.endsWith('.amazonaws.com.cn')) return { Service: principal };
  return { AWS: principal };
}

/** The Condition block Lambda writes for AddPermission's scoping parameters. */
function conditionOf(change: Change): { Condition?: Record<string, Record<string, string>> } {
  const equals: Record<string, string> = {};
  const arnLike: Record<string, string> = {};
  const bool: Record<string, string> = {};
  const sourceArn = stringParam(change, 'sourceArn');
  if (sourceArn !== undefined) arnLike['AWS:SourceArn'] = sourceArn;
  const pairs: [string, string][] = [['sourceAccount', 'AWS:SourceAccount'], ['principalOrgID', 'aws:PrincipalOrgID'], ['functionUrlAuthType', 'lambda:FunctionUrlAuthType'], ['eventSourceToken', 'lambda:EventSourceToken']];
  for (const [param, key] of pairs) {
    const value = stringParam(change, param);
    if (value !== undefined) equals[key] = value;
  }
  const via = change.requestParameters.invokedViaFunctionUrl;
  if (via === true || via === 'true') bool['lambda:InvokedViaFunctionUrl'] = 'true';
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  if (Object.keys(arnLike).length > 0) condition.ArnLike = arnLike;
  if (Object.keys(bool).length > 0) condition.Bool = bool;
  return Object.keys(condition).length > 0 ? { Condition: condition } : {};
}
