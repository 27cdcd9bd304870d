import type { Change } from '../../events';
import type { FindingSubject } from '../../findings';
import { decodePolicy, InvalidPolicyError, type PolicyDocument, type PrincipalPolicies, type PrincipalPolicy } from '../../policy';
import type { AttachedPolicyRef, GroupState, InlinePolicy, ManagedPolicyState, StateReaders } from '../../ports';
import type { Loaded } from '../detector';
import { partitionOf, stringParam } from '../finding-factory';

/** Which principal an IAM change touched. */
export interface PrincipalTarget {
  readonly kind: 'role' | 'user' | 'group';
  readonly name: string;
}

/** A principal ready for analysis, with how it was judged. */
export interface LoadedPrincipal {
  readonly principal: PrincipalPolicies;
  readonly subject: FindingSubject;
  readonly tags: Readonly<Record<string, string>>;
  /** `state` when re-read from IAM or a snapshot; `event` when only the event was available. */
  readonly judgedFrom: 'state' | 'event';
}

/** The role, user or group named by the change's request parameters. */
export function targetOf(change: Change): PrincipalTarget | undefined {
  const role = stringParam(change, 'roleName');
  if (role !== undefined) return { kind: 'role', name: role };
  const user = stringParam(change, 'userName');
  if (user !== undefined) return { kind: 'user', name: user };
  const group = stringParam(change, 'groupName');
  return group === undefined ? undefined : { kind: 'group', name: group };
}

/** True for ARNs of AWS-managed policies (account `aws`), in any partition. */
export function isAwsManagedArn(arn: string): boolean {
  return /^arn:aws(?:-cn|-us-gov)?:iam::aws:policy\//.test(arn);
}

/** A managed policy from IAM (or the snapshot), falling back to the bundled AWS-managed documents. */
export async function resolveManagedPolicy(arn: string, readers: StateReaders): Promise<ManagedPolicyState | undefined> {
  const fromIam = readers.iam ? await readers.iam.getManagedPolicy(arn) : undefined;
  if (fromIam !== undefined || !isAwsManagedArn(arn)) return fromIam;
  return readers.awsManaged?.getAwsManagedPolicy(arn);
}

/** Signals that a document or attached policy could not be read: the change is `unresolved`. */
class UnreadablePolicy extends Error {}

/** Re-reads the principal a change touched, with all its policies, boundary and trust policy. */
export async function loadPrincipalState(target: PrincipalTarget, change: Change, readers: StateReaders): Promise<Loaded<LoadedPrincipal>> {
  if (readers.iam === undefined) return { status: 'unresolved', reason: 'needs IAM state (use --snapshot or --live)' };
  try {
    const loaded = await loadFromIam(target, change, readers);
    return loaded === undefined ? { status: 'gone', reason: `${target.kind} ${target.name} no longer exists` } : { status: 'resolved', state: loaded };
  } catch (error) {
    if (error instanceof UnreadablePolicy || error instanceof InvalidPolicyError) return { status: 'unresolved', reason: error.message };
    throw error;
  }
}

async function loadFromIam(target: PrincipalTarget, change: Change, readers: StateReaders): Promise<LoadedPrincipal | undefined> {
  const iam = readers.iam;
  if (iam === undefined) return undefined;
  if (target.kind === 'group') {
    const group = await iam.getGroup(target.name);
    if (group === undefined) return undefined;
    return principalOf('group', group.arn, group.name, change, await groupPolicies(group, readers, 'inline', 'managed'), {});
  }
  if (target.kind === 'user') {
    const user = await iam.getUser(target.name);
    if (user === undefined) return undefined;
    const own = await ownPolicies(user.inlinePolicies, user.attachedPolicies, readers, 'inline', 'managed');
    const groups = await Promise.all(user.groups.map((name) => iam.getGroup(name)));
    const inherited = await Promise.all(groups.filter((g): g is GroupState => g !== undefined).map((g) => groupPolicies(g, readers, 'group-inline', 'group-managed')));
    const loaded = principalOf('user', user.arn, user.name, change, [...own, ...inherited.flat()], user.tags);
    return withBoundary(loaded, user.permissionsBoundaryArn, readers);
  }
  const role = await iam.getRole(target.name);
  if (role === undefined) return undefined;
  const policies = await ownPolicies(role.inlinePolicies, role.attachedPolicies, readers, 'inline', 'managed');
  const loaded = principalOf('role', role.arn, role.name, change, policies, role.tags, decodeNamed(role.trustPolicyParsed ?? role.trustPolicy, `trust policy of ${role.name}`));
  return withBoundary(loaded, role.permissionsBoundaryArn, readers);
}

/** A group's policies; inherited ones are named `<group>/<policy>` so a baseline can drop one group. */
async function groupPolicies(group: GroupState, readers: StateReaders, inline: 'inline' | 'group-inline', managed: 'managed' | 'group-managed'): Promise<PrincipalPolicy[]> {
  const policies = await ownPolicies(group.inlinePolicies, group.attachedPolicies, readers, inline, managed);
  return inline === 'group-inline' ? policies.map((policy) => ({ ...policy, name: `${group.name}/${policy.name}` })) : policies;
}

async function ownPolicies(
  inline: readonly InlinePolicy[],
  attached: readonly AttachedPolicyRef[],
  readers: StateReaders,
  inlineSource: PrincipalPolicy['source'],
  managedSource: PrincipalPolicy['source'],
): Promise<PrincipalPolicy[]> {
  const managed = await Promise.all(attached.map((ref) => managedPolicy(ref.arn, readers, managedSource)));
  return [...inline.map((policy) => ({ name: policy.name, source: inlineSource, document: decodeNamed(policy.parsed ?? policy.document, `inline policy ${policy.name}`) })), ...managed];
}

async function managedPolicy(arn: string, readers: StateReaders, source: PrincipalPolicy['source']): Promise<PrincipalPolicy> {
  const policy = await resolveManagedPolicy(arn, readers);
  if (policy === undefined) throw new UnreadablePolicy(`attached policy ${arn} could not be read`);
  return { name: policy.name, arn, source, document: decodeShared(policy.document, `policy ${arn}`) };
}

/**
 * Managed policies are shared by many principals: an audit of 5,000 roles decodes the same few
 * hundred documents thousands of times, and the engine's per-statement caches (keyed by object)
 * only hit when the same decoded document comes back. Documents are deeply readonly, so one
 * decoded copy per distinct text is safe to share; the memo is bounded and simply restarts.
 */
const sharedDocuments = new Map<string, PolicyDocument>();
const SHARED_DOCUMENTS_MAX = 2_000;

function decodeShared(raw: string, what: string): PolicyDocument {
  const known = sharedDocuments.get(raw);
  if (known !== undefined) return known;
  const document = decodeNamed(raw, what);
  if (sharedDocuments.size >= SHARED_DOCUMENTS_MAX) sharedDocuments.clear();
  sharedDocuments.set(raw, document);
  return document;
}

async function withBoundary(loaded: LoadedPrincipal, boundaryArn: string | undefined, readers: StateReaders): Promise<LoadedPrincipal> {
  if (boundaryArn === undefined) return loaded;
  const boundary = await resolveManagedPolicy(boundaryArn, readers);
  if (boundary === undefined) throw new UnreadablePolicy(`permissions boundary ${boundaryArn} could not be read`);
  return { ...loaded, principal: { ...loaded.principal, boundary: decodeShared(boundary.document, `boundary ${boundaryArn}`) } };
}

/** Decodes a document's text, or the parsed value a source already holds (see InlinePolicy.parsed). */
function decodeNamed(raw: unknown, what: string): PolicyDocument {
  try {
    return decodePolicy(raw);
  } catch (error) {
    throw new UnreadablePolicy(`${what} is not a valid policy: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
}

/** Builds the analyzable principal. */
export function principalOf(
  kind: PrincipalTarget['kind'],
  arn: string,
  name: string,
  change: Change,
  policies: readonly PrincipalPolicy[],
  tags: Readonly<Record<string, string>>,
  trustPolicy?: PolicyDocument,
  judgedFrom: LoadedPrincipal['judgedFrom'] = 'state',
): LoadedPrincipal {
  return {
    principal: { kind, arn, accountId: change.accountId, policies, ...(trustPolicy === undefined ? {} : { trustPolicy }) },
    subject: { kind, name, arn },
    tags,
    judgedFrom,
  };
}

/** The ARN of a principal when only its name is known (the event does not carry the path). */
export function principalArn(change: Change, target: PrincipalTarget): string {
  return `arn:${partitionOf(change)}:iam::${change.accountId}:${target.kind}/${target.name}`;
}

/** Decodes a document from the event; an invalid one is reported as unresolved with the reason. */
export function decodeFromEvent(raw: unknown, what: string): { readonly ok: true; readonly document: PolicyDocument } | { readonly ok: false; readonly reason: string } {
  try {
    return { ok: true, document: decodePolicy(raw) };
  } catch (error) {
    return { ok: false, reason: `${what} in the event is not a valid policy: ${error instanceof Error ? error.message : 'unknown error'}` };
  }
}
