import {
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListPolicyVersions,
  paginateListRolePolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import type { AttachedPolicy, IAMClient, PolicyVersion, Tag } from '@aws-sdk/client-iam';
import type {
  AttachedPolicyRef,
  GroupState,
  IamReader,
  InlinePolicy,
  ManagedPolicyState,
  PolicyVersionState,
  RoleState,
  UserState,
} from '../../domain/ports';
import { isNotFound, translateSdkError } from './sdk-errors';

/**
 * Every IAM action {@link IamGateway} calls; the detector roles must allow exactly these (a
 * contract test compares this list with the packaged template). Tags come from GetRole/GetUser,
 * which return all of them (50 at most), so ListRoleTags/ListUserTags are not needed.
 */
export const iamGatewayActions = [
  'iam:GetRole',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetUser',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
  'iam:GetGroup',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:ListAttachedGroupPolicies',
  'iam:GetPolicy',
  'iam:ListPolicyVersions',
  'iam:GetPolicyVersion',
] as const;

/** Inline policy documents fetched at once: IAM's read limits are low and shared account-wide. */
const INLINE_FETCH_CONCURRENCY = 4;

/** Runs `task` over `items` with at most `limit` in flight, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Drains a paginator into one array; failures are translated and name `context`. */
async function collect<P, T>(
  context: string,
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const items: T[] = [];
  try {
    for await (const page of pages) items.push(...(pick(page) ?? []));
  } catch (error) {
    throw translateSdkError(error, context);
  }
  return items;
}

function toTags(tags: readonly Tag[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
  return result;
}

function boundary(arn: string | undefined): { permissionsBoundaryArn?: string } {
  return arn === undefined || arn === '' ? {} : { permissionsBoundaryArn: arn };
}

function toAttached(policies: readonly AttachedPolicy[]): AttachedPolicyRef[] {
  return policies.map((policy) => ({ arn: policy.PolicyArn ?? '', name: policy.PolicyName ?? '' }));
}

/**
 * Runs `call`, translating failures (`context` names calls not translated yet); NoSuchEntity
 * becomes `undefined` because, by the port's convention, a principal deleted between the event
 * and the read is "gone", not an error. A principal deleted between two of its reads is gone too.
 */
async function orUndefined<T>(context: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateSdkError(error, context);
  }
}

/** The principal kinds, spelled as in the IAM action names (`iam:ListRolePolicies`, …). */
type PrincipalKind = 'Role' | 'User' | 'Group';

/** The live IAM reader (DESIGN.md §2: never trust the event, re-read the resource). */
export class IamGateway implements IamReader {
  /** @param client - the IAM client; by default one from {@link createAwsClients} (standard SDK configuration). */
  constructor(private readonly client: IAMClient) {}

  /** The role with its trust policy, inline and attached policies, boundary and tags. */
  async getRole(roleName: string): Promise<RoleState | undefined> {
    return orUndefined('iam:GetRole', async () => {
      const { Role: role } = await this.client.send(new GetRoleCommand({ RoleName: roleName }));
      if (role === undefined) return undefined;
      const [inlinePolicies, attachedPolicies] = await Promise.all([
        this.inlinePolicies('Role', roleName),
        this.attachedPolicies('Role', roleName),
      ]);
      return {
        kind: 'role',
        arn: role.Arn ?? '',
        name: role.RoleName ?? roleName,
        path: role.Path ?? '/',
        trustPolicy: role.AssumeRolePolicyDocument ?? '',
        inlinePolicies,
        attachedPolicies,
        tags: toTags(role.Tags),
        ...boundary(role.PermissionsBoundary?.PermissionsBoundaryArn),
      } satisfies RoleState;
    });
  }

  /** The user with inline and attached policies, group names, boundary and tags. */
  async getUser(userName: string): Promise<UserState | undefined> {
    return orUndefined('iam:GetUser', async () => {
      const { User: user } = await this.client.send(new GetUserCommand({ UserName: userName }));
      if (user === undefined) return undefined;
      const [inlinePolicies, attachedPolicies, groups] = await Promise.all([
        this.inlinePolicies('User', userName),
        this.attachedPolicies('User', userName),
        collect('iam:ListGroupsForUser', paginateListGroupsForUser(this.paging(), { UserName: userName }), (p) => p.Groups),
      ]);
      return {
        kind: 'user',
        arn: user.Arn ?? '',
        name: user.UserName ?? userName,
        path: user.Path ?? '/',
        inlinePolicies,
        attachedPolicies,
        groups: groups.flatMap((group) => (group.GroupName === undefined ? [] : [group.GroupName])),
        tags: toTags(user.Tags),
        ...boundary(user.PermissionsBoundary?.PermissionsBoundaryArn),
      } satisfies UserState;
    });
  }

  /** The group with its inline and attached policies (members are not needed). */
  async getGroup(groupName: string): Promise<GroupState | undefined> {
    return orUndefined('iam:GetGroup', async () => {
      // MaxItems 1: GetGroup pages through members, which Warden does not need.
      const { Group: group } = await this.client.send(new GetGroupCommand({ GroupName: groupName, MaxItems: 1 }));
      if (group === undefined) return undefined;
      const [inlinePolicies, attachedPolicies] = await Promise.all([
        this.inlinePolicies('Group', groupName),
        this.attachedPolicies('Group', groupName),
      ]);
      return {
        kind: 'group',
        arn: group.Arn ?? '',
        name: group.GroupName ?? groupName,
        path: group.Path ?? '/',
        inlinePolicies,
        attachedPolicies,
      } satisfies GroupState;
    });
  }

  /** The managed policy, its default document and its version list (documents as listed). */
  async getManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined> {
    return orUndefined('iam:GetPolicy', async () => {
      const { Policy: policy } = await this.client.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      const defaultVersionId = policy?.DefaultVersionId;
      if (policy === undefined || defaultVersionId === undefined) return undefined;
      const pages = paginateListPolicyVersions(this.paging(), { PolicyArn: policyArn });
      const [versions, document] = await Promise.all([
        collect('iam:ListPolicyVersions', pages, (page) => page.Versions),
        this.getPolicyVersion(policyArn, defaultVersionId),
      ]);
      if (document === undefined) return undefined;
      return {
        arn: policy.Arn ?? policyArn,
        name: policy.PolicyName ?? '',
        path: policy.Path ?? '/',
        defaultVersionId,
        document,
        versions: versions.map((version) => toVersionState(version, defaultVersionId, document)),
        ...(policy.AttachmentCount === undefined ? {} : { attachmentCount: policy.AttachmentCount }),
      } satisfies ManagedPolicyState;
    });
  }

  /** One version's raw (URL-encoded) document; undefined when the policy or version is gone. */
  async getPolicyVersion(policyArn: string, versionId: string): Promise<string | undefined> {
    return orUndefined('iam:GetPolicyVersion', async () => {
      const input = { PolicyArn: policyArn, VersionId: versionId };
      return (await this.client.send(new GetPolicyVersionCommand(input))).PolicyVersion?.Document;
    });
  }

  private paging(): { client: IAMClient } {
    return { client: this.client };
  }

  /** Every managed policy attached to the principal, across pages. */
  private async attachedPolicies(kind: PrincipalKind, name: string): Promise<AttachedPolicyRef[]> {
    const pages: AsyncIterable<{ AttachedPolicies?: AttachedPolicy[] }> =
      kind === 'Role'
        ? paginateListAttachedRolePolicies(this.paging(), { RoleName: name })
        : kind === 'User'
          ? paginateListAttachedUserPolicies(this.paging(), { UserName: name })
          : paginateListAttachedGroupPolicies(this.paging(), { GroupName: name });
    return toAttached(await collect(`iam:ListAttached${kind}Policies`, pages, (page) => page.AttachedPolicies));
  }

  /** Lists inline policy names, then fetches each document; ones deleted meanwhile are skipped. */
  private async inlinePolicies(kind: PrincipalKind, name: string): Promise<InlinePolicy[]> {
    const pages: AsyncIterable<{ PolicyNames?: string[] }> =
      kind === 'Role'
        ? paginateListRolePolicies(this.paging(), { RoleName: name })
        : kind === 'User'
          ? paginateListUserPolicies(this.paging(), { UserName: name })
          : paginateListGroupPolicies(this.paging(), { GroupName: name });
    const names = await collect(`iam:List${kind}Policies`, pages, (page) => page.PolicyNames);
    const documents = await mapLimited(names, INLINE_FETCH_CONCURRENCY, (policyName) =>
      orUndefined(`iam:Get${kind}Policy`, () => this.inlineDocument(kind, name, policyName)),
    );
    return names.flatMap((policyName, index) => {
      const document = documents[index];
      return document === undefined ? [] : [{ name: policyName, document }];
    });
  }

  private async inlineDocument(kind: PrincipalKind, name: string, policyName: string): Promise<string | undefined> {
    switch (kind) {
      case 'Role':
        return (await this.client.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))).PolicyDocument;
      case 'User':
        return (await this.client.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }))).PolicyDocument;
      case 'Group':
        return (await this.client.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName }))).PolicyDocument;
    }
  }
}

/** ListPolicyVersions carries no documents on AWS; the default one is filled from GetPolicyVersion. */
function toVersionState(version: PolicyVersion, defaultVersionId: string, defaultDocument: string): PolicyVersionState {
  const versionId = version.VersionId ?? '';
  const isDefault = version.IsDefaultVersion ?? versionId === defaultVersionId;
  const document = isDefault ? defaultDocument : version.Document;
  return { versionId, isDefault, ...(document === undefined ? {} : { document }) };
}
