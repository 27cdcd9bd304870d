import type { Change } from '../events';
import type { Finding } from '../findings';
import { analyzePolicyDocument, compareAccess, type PolicyDocument, type PrincipalPolicies } from '../policy';
import type { StateReaders } from '../ports';
import type { Detector, Loaded } from './detector';
import { partitionOf, stringParam, toFinding, triggerOf } from './finding-factory';
import { decodeFromEvent } from './iam/load-principal';

const triggerKeys = ['policyArn', 'policyName', 'versionId', 'setAsDefault'];

/** The managed policy's default document after the change, and the one it replaced when known. */
export type ManagedPolicyChangeState =
  | { readonly kind: 'no-effect'; readonly reason: string }
  | { readonly kind: 'policy'; readonly arn: string; readonly name: string; readonly document: PolicyDocument; readonly previous?: PolicyDocument | 'none'; readonly judgedFrom: 'state' | 'event' };

/**
 * Changes to a customer-managed policy's default document (CreatePolicy, CreatePolicyVersion with
 * setAsDefault, SetDefaultPolicyVersion): the document is analysed on its own, since it reaches
 * every principal it is (or will be) attached to. A non-default version changes nothing.
 */
export const iamManagedPolicyChange: Detector<ManagedPolicyChangeState> = {
  metadata: {
    id: 'iam-managed-policy-change',
    title: 'Managed policy made over-broad',
    category: 'iam',
    severity: 'critical',
    risk: 'A managed policy grants its permissions to every role, user and group it is attached to, now and later.',
    fix: 'Narrow the document to the actions and resources its holders need, then set that version as the default.',
  },
  runsIn: 'detectIam',
  trigger: { source: 'aws.iam', eventNames: ['CreatePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'] },
  permissions: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],

  async load(change: Change, readers: StateReaders): Promise<Loaded<ManagedPolicyChangeState>> {
    if (change.eventName === 'CreatePolicyVersion' && !isTrue(change.requestParameters.setAsDefault)) {
      return { status: 'resolved', state: { kind: 'no-effect', reason: 'a non-default version changes nothing until SetDefaultPolicyVersion' } };
    }
    const arn = policyArnOf(change);
    if (arn === undefined) return { status: 'unresolved', reason: `${change.eventName} names no policy` };
    return readers.iam ? fromState(arn, change, readers) : fromEvent(arn, change);
  },

  evaluate(change: Change, state: ManagedPolicyChangeState): readonly Finding[] {
    if (state.kind === 'no-effect') return [];
    const issues = analyzePolicyDocument(state.document, { name: state.name, arn: state.arn, accountId: change.accountId });
    const before = state.previous === 'none' || state.previous === undefined ? undefined : asPrincipal(state.previous, state, change);
    const widened = state.previous === undefined ? undefined : compareAccess(before, asPrincipal(state.document, state, change)).widened;
    const subject = { kind: 'policy' as const, name: state.name, arn: state.arn };
    const evidence = { judgedFrom: state.judgedFrom, baseline: state.previous === undefined ? 'unknown' : state.previous === 'none' ? 'new-policy' : 'previous-version' };
    return issues.map((issue) => toFinding(issue, change, { subject, trigger: triggerOf(change, triggerKeys), evidence, ...(widened === undefined ? {} : { widened }) }));
  },
};

async function fromState(arn: string, change: Change, readers: StateReaders): Promise<Loaded<ManagedPolicyChangeState>> {
  const iam = readers.iam;
  const policy = iam ? await iam.getManagedPolicy(arn) : undefined;
  if (iam === undefined || policy === undefined) return { status: 'gone', reason: `policy ${arn} no longer exists` };
  const current = decodeFromEvent(policy.document, `default version of ${arn}`);
  if (!current.ok) return { status: 'unresolved', reason: current.reason };
  const previous = change.eventName === 'CreatePolicy' ? 'none' : await previousDocument(arn, policy.defaultVersionId, policy.versions.map((v) => v.versionId), readers);
  return { status: 'resolved', state: { kind: 'policy', arn, name: policy.name, document: current.document, judgedFrom: 'state', ...(previous === undefined ? {} : { previous }) } };
}

/** The version just before the new default (v4 before v5): the best baseline IAM keeps. */
async function previousDocument(arn: string, defaultVersionId: string, versionIds: readonly string[], readers: StateReaders): Promise<PolicyDocument | undefined> {
  const number = (id: string): number => Number(id.replace(/^v/, ''));
  const earlier = versionIds.filter((id) => number(id) < number(defaultVersionId)).sort((a, b) => number(b) - number(a))[0];
  if (earlier === undefined || readers.iam === undefined) return undefined;
  const raw = await readers.iam.getPolicyVersion(arn, earlier);
  if (raw === undefined) return undefined;
  const decoded = decodeFromEvent(raw, `version ${earlier} of ${arn}`);
  return decoded.ok ? decoded.document : undefined;
}

function fromEvent(arn: string, change: Change): Loaded<ManagedPolicyChangeState> {
  if (change.eventName === 'SetDefaultPolicyVersion') return { status: 'unresolved', reason: `needs the document of ${arn} version ${stringParam(change, 'versionId') ?? '?'} (use --snapshot or --live)` };
  const decoded = decodeFromEvent(change.requestParameters.policyDocument, 'policyDocument');
  if (!decoded.ok) return { status: 'unresolved', reason: decoded.reason };
  const name = stringParam(change, 'policyName') ?? arn.split('/').pop() ?? arn;
  return { status: 'resolved', state: { kind: 'policy', arn, name, document: decoded.document, judgedFrom: 'event', ...(change.eventName === 'CreatePolicy' ? { previous: 'none' as const } : {}) } };
}

/** CreatePolicy returns the ARN in its response; the others name it in the request. */
function policyArnOf(change: Change): string | undefined {
  const fromRequest = stringParam(change, 'policyArn');
  if (fromRequest !== undefined) return fromRequest;
  const policy = change.responseElements?.policy;
  if (typeof policy === 'object' && policy !== null && 'arn' in policy && typeof policy.arn === 'string') return policy.arn;
  const name = stringParam(change, 'policyName');
  if (name === undefined) return undefined;
  const path = stringParam(change, 'path') ?? '/';
  return `arn:${partitionOf(change)}:iam::${change.accountId}:policy${path}${name}`;
}

function asPrincipal(document: PolicyDocument, state: { readonly arn: string; readonly name: string }, change: Change): PrincipalPolicies {
  return { kind: 'policy', arn: state.arn, accountId: change.accountId, policies: [{ name: state.name, arn: state.arn, source: 'managed', document }] };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
