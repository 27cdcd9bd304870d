import { expandList, isIntrinsic, intrinsicOf, NO_VALUE, physicalName, resolveString, resourceArn, type RawResource } from './intrinsics';
import { tagsOf } from './tags';
import type { ParsedTemplate } from './template';
import type { TemplateLocation, TemplatePath } from './types';

/**
 * The IAM principals a template creates, each with every policy that will apply to it: inline
 * policies, AWS::IAM::Policy / RolePolicy / ManagedPolicy resources attached to it, managed
 * policy ARNs, groups, permissions boundary and trust policy. SAM functions without a `Role` get
 * the execution role SAM would generate (`<Function>Role`).
 */

/** A policy document as written in the template, with where it is. */
export interface DocumentRef {
  readonly name: string;
  readonly raw: unknown;
  readonly location: TemplateLocation;
  readonly source: 'inline' | 'managed';
  readonly arn?: string;
  /** The location is an enclosing element (an `Fn::If`), not the document: statements cannot be pointed at. */
  readonly approximate?: boolean;
}

/** A reference to a managed policy (an ARN, `!Ref`, a SAM policy name) still to be resolved. */
export interface PolicyReference {
  readonly value: unknown;
  readonly location: TemplateLocation;
  /** SAM accepts bare AWS-managed policy names. */
  readonly bareNames: boolean;
}

/** One principal of the template. */
export interface PrincipalModel {
  readonly logicalId: string;
  readonly kind: 'role' | 'user' | 'group';
  readonly name: string;
  readonly arn: string;
  readonly location: TemplateLocation;
  readonly inline: DocumentRef[];
  readonly managed: (PolicyReference | DocumentRef)[];
  readonly groups: PolicyReference[];
  readonly boundary?: PolicyReference;
  readonly trust?: { readonly raw: unknown; readonly location: TemplateLocation };
  /** What could not be judged (SAM policy templates, …). */
  readonly notes: string[];
  /** `Tags` of the resource (SAM propagates a function's tags to its generated role). */
  readonly tags: Readonly<Record<string, string>>;
}

/** A policy resource evaluated on its own: a managed policy, or a policy attached outside the template. */
export interface StandalonePolicy {
  readonly document: DocumentRef;
  readonly location: TemplateLocation;
  readonly reason: string;
}

/** The IAM side of a template. */
export interface IamModel {
  readonly principals: PrincipalModel[];
  readonly standalone: StandalonePolicy[];
}

const PRINCIPAL_TYPES: Readonly<Record<string, 'role' | 'user' | 'group'>> = { 'AWS::IAM::Role': 'role', 'AWS::IAM::User': 'user', 'AWS::IAM::Group': 'group' };

const ATTACHMENT_PROPERTIES: readonly [string, 'role' | 'user' | 'group'][] = [
  ['Roles', 'role'],
  ['Users', 'user'],
  ['Groups', 'group'],
  ['RoleName', 'role'],
  ['UserName', 'user'],
  ['GroupName', 'group'],
];

function at(resource: RawResource, ...path: TemplatePath): TemplateLocation {
  return { logicalId: resource.logicalId, resourceType: resource.type, path: ['Resources', resource.logicalId, ...path] };
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? expandList(value) : [value];
}

function text(value: unknown, template: ParsedTemplate, fallback: string): string {
  const resolved = resolveString(value, template.ctx);
  return resolved === NO_VALUE ? fallback : resolved;
}

function inlinePolicies(resource: RawResource, template: ParsedTemplate): DocumentRef[] {
  const raw = resource.properties.Policies;
  if (!Array.isArray(raw)) return [];
  // An entry under Fn::If counts with both branches (either may deploy); the location stays the entry's.
  return raw.flatMap((entry: unknown, index) =>
    expandList([entry]).flatMap((item) => {
      if (typeof item !== 'object' || item === null || isIntrinsic(item)) return [];
      const policy = item as Record<string, unknown>;
      const path = isIntrinsic(entry) ? ['Properties', 'Policies', index] : ['Properties', 'Policies', index, 'PolicyDocument'];
      return [{ name: text(policy.PolicyName, template, `policy-${index}`), raw: policy.PolicyDocument, location: at(resource, ...path), source: 'inline' as const, ...(isIntrinsic(entry) ? { approximate: true } : {}) }];
    }),
  );
}

function references(resource: RawResource, property: string): PolicyReference[] {
  const raw = resource.properties[property];
  if (raw === undefined) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  return items.flatMap((value, index) => {
    const location = Array.isArray(raw) ? at(resource, 'Properties', property, index) : at(resource, 'Properties', property);
    return expandList([value]).map((v) => ({ value: v, location, bareNames: false }));
  });
}

function principalOf(resource: RawResource, kind: 'role' | 'user' | 'group', template: ParsedTemplate): PrincipalModel {
  const trust = resource.properties.AssumeRolePolicyDocument;
  const boundary = references(resource, 'PermissionsBoundary')[0];
  return {
    logicalId: resource.logicalId,
    kind,
    name: physicalName(resource, template.ctx),
    arn: resourceArn(resource, template.ctx),
    location: at(resource),
    inline: inlinePolicies(resource, template),
    managed: references(resource, 'ManagedPolicyArns'),
    groups: kind === 'user' ? references(resource, 'Groups') : [],
    ...(boundary === undefined ? {} : { boundary }),
    ...(kind === 'role' && trust !== undefined ? { trust: { raw: trust, location: at(resource, 'Properties', 'AssumeRolePolicyDocument') } } : {}),
    notes: [],
    tags: tagsOf(resource, template.ctx),
  };
}

const LAMBDA_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

/** The execution role SAM generates for a function without `Role`. */
function samRole(resource: RawResource, template: ParsedTemplate): PrincipalModel | undefined {
  if (resource.properties.Role !== undefined) return undefined;
  const logicalId = `${resource.logicalId}Role`;
  const { partition, accountId } = template.ctx;
  const location = at(resource);
  const model: PrincipalModel = {
    logicalId,
    kind: 'role',
    name: `{${logicalId}}`,
    arn: `arn:${partition}:iam::${accountId}:role/{${logicalId}}`,
    location,
    inline: [],
    managed: [{ value: `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`, location, bareNames: false }],
    groups: [],
    trust: { raw: LAMBDA_TRUST, location },
    notes: [],
    tags: tagsOf(resource, template.ctx),
  };
  addSamPolicies(resource, model);
  const boundary = resource.properties.PermissionsBoundary ?? template.functionGlobals.PermissionsBoundary;
  return boundary === undefined ? model : { ...model, boundary: { value: boundary, location: at(resource, 'Properties', 'PermissionsBoundary'), bareNames: false } };
}

/** SAM `Policies`: managed names or ARNs, policy documents, or policy templates (not evaluated). */
function addSamPolicies(resource: RawResource, model: PrincipalModel): void {
  const raw = resource.properties.Policies;
  if (raw === undefined) return;
  const items = Array.isArray(raw) ? raw : [raw];
  items.forEach((entry: unknown, index) => {
    const location = at(resource, 'Properties', 'Policies', ...(Array.isArray(raw) ? [index] : []));
    if (typeof entry === 'string' || isIntrinsic(entry)) {
      model.managed.push({ value: entry, location, bareNames: true });
    } else if (typeof entry === 'object' && entry !== null && 'Statement' in entry) {
      // Kept in the list of managed references so that findings cite the policies in template order.
      model.managed.push({ name: `${model.logicalId}Policy${index}`, raw: entry, location, source: 'inline' });
    } else if (typeof entry === 'object' && entry !== null) {
      model.notes.push(`SAM policy template ${Object.keys(entry).join(', ').slice(0, 60)} is not evaluated`);
    }
  });
}

/** Which principal of the template a `Roles`/`Users`/`Groups` entry names, if any. */
function targetOf(value: unknown, kind: 'role' | 'user' | 'group', principals: readonly PrincipalModel[], template: ParsedTemplate): PrincipalModel | undefined {
  const candidates = principals.filter((p) => p.kind === kind);
  if (isIntrinsic(value) && intrinsicOf(value).fn === 'Ref') {
    const found = candidates.find((p) => p.logicalId === intrinsicOf(value).arg);
    if (found) return found;
  }
  const name = resolveString(value, template.ctx);
  return name === NO_VALUE ? undefined : candidates.find((p) => p.name === name || p.arn === name);
}

function attach(resource: RawResource, template: ParsedTemplate, principals: readonly PrincipalModel[]): StandalonePolicy[] {
  const managed = resource.type === 'AWS::IAM::ManagedPolicy';
  const name = managed ? physicalName(resource, template.ctx) : text(resource.properties.PolicyName, template, resource.logicalId);
  const document: DocumentRef = {
    name,
    raw: resource.properties.PolicyDocument,
    location: at(resource, 'Properties', 'PolicyDocument'),
    source: managed ? 'managed' : 'inline',
    ...(managed ? { arn: resourceArn(resource, template.ctx) } : {}),
  };
  const external: string[] = [];
  for (const [property, kind] of ATTACHMENT_PROPERTIES) {
    for (const value of list(resource.properties[property])) {
      const target = targetOf(value, kind, principals, template);
      if (target === undefined) external.push(`${kind} ${text(value, template, '?')}`);
      else if (managed) target.managed.push(document);
      else target.inline.push(document);
    }
  }
  if (managed) return [{ document, location: at(resource), reason: 'managed policy on its own' }];
  if (external.length > 0) return [{ document, location: at(resource), reason: `attached outside the template (${external.join(', ').slice(0, 120)})` }];
  return list(resource.properties.Roles).length + list(resource.properties.Users).length + list(resource.properties.Groups).length === 0 && !['RoleName', 'UserName', 'GroupName'].some((p) => resource.properties[p] !== undefined)
    ? [{ document, location: at(resource), reason: 'attached to no principal' }]
    : [];
}

const POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy']);

/** Collects the template's principals and policies. */
export function iamModel(template: ParsedTemplate): IamModel {
  const principals: PrincipalModel[] = [];
  for (const resource of template.resources) {
    const kind = PRINCIPAL_TYPES[resource.type];
    if (kind !== undefined) principals.push(principalOf(resource, kind, template));
    if (resource.type === 'AWS::Serverless::Function') {
      const role = samRole(resource, template);
      if (role) principals.push(role);
    }
  }
  const standalone = template.resources.filter((r) => POLICY_TYPES.has(r.type)).flatMap((r) => attach(r, template, principals));
  return { principals, standalone };
}
