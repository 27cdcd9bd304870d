import type { AwsManagedPolicyLibrary, GroupState, IamReader, ManagedPolicyState, RoleState, UserState } from '../../../domain/ports';

/** A policy document as a JSON string, the way tests write them. */
export function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export const ACCOUNT = '111122223333';
export const adminDocument = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
export const lambdaTrust = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

/** A managed policy with one version per document given, the last being the default. */
export function managedPolicy(arn: string, ...documents: string[]): ManagedPolicyState {
  const versions = documents.map((document, index) => ({ versionId: `v${index + 1}`, isDefault: index === documents.length - 1, document }));
  const last = versions[versions.length - 1];
  if (last === undefined || last.document === undefined) throw new Error('managedPolicy needs a document');
  return { arn, name: arn.split('/').pop() ?? arn, path: '/', defaultVersionId: last.versionId, document: last.document, versions };
}

/** An in-memory IAM account answering the IamReader port (a fake, not a mock: it holds real state). */
export class InMemoryIam implements IamReader, AwsManagedPolicyLibrary {
  readonly roles = new Map<string, RoleState>();
  readonly users = new Map<string, UserState>();
  readonly groups = new Map<string, GroupState>();
  readonly policies = new Map<string, ManagedPolicyState>();

  role(name: string, init: Partial<Omit<RoleState, 'kind' | 'name'>> = {}): this {
    this.roles.set(name, { kind: 'role', name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, path: '/', inlinePolicies: [], attachedPolicies: [], trustPolicy: lambdaTrust, tags: {}, ...init });
    return this;
  }

  user(name: string, init: Partial<Omit<UserState, 'kind' | 'name'>> = {}): this {
    this.users.set(name, { kind: 'user', name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, path: '/', inlinePolicies: [], attachedPolicies: [], groups: [], tags: {}, ...init });
    return this;
  }

  group(name: string, init: Partial<Omit<GroupState, 'kind' | 'name'>> = {}): this {
    this.groups.set(name, { kind: 'group', name, arn: `arn:aws:iam::${ACCOUNT}:group/${name}`, path: '/', inlinePolicies: [], attachedPolicies: [], ...init });
    return this;
  }

  policy(policy: ManagedPolicyState): this {
    this.policies.set(policy.arn, policy);
    return this;
  }

  getRole(name: string): Promise<RoleState | undefined> {
    return Promise.resolve(this.roles.get(name));
  }
  getUser(name: string): Promise<UserState | undefined> {
    return Promise.resolve(this.users.get(name));
  }
  getGroup(name: string): Promise<GroupState | undefined> {
    return Promise.resolve(this.groups.get(name));
  }
  getManagedPolicy(arn: string): Promise<ManagedPolicyState | undefined> {
    return Promise.resolve(this.policies.get(arn));
  }
  getPolicyVersion(arn: string, versionId: string): Promise<string | undefined> {
    return Promise.resolve(this.policies.get(arn)?.versions.find((version) => version.versionId === versionId)?.document);
  }
  getAwsManagedPolicy(arn: string): Promise<ManagedPolicyState | undefined> {
    return this.getManagedPolicy(arn);
  }
}
