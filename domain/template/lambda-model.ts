import { intrinsicOf, isIntrinsic, NO_VALUE, physicalName, resolveString, resourceArn, type RawResource } from './intrinsics';
import { tagsOf } from './tags';
import type { ParsedTemplate } from './template';
import type { TemplateLocation, TemplatePath } from './types';

/**
 * The Lambda side of a template: functions with their environment variables, function URLs
 * (AWS::Lambda::Url, SAM `FunctionUrlConfig`) and the permissions AWS::Lambda::Permission (and SAM,
 * for a public URL) add to their resource policies, rebuilt as the statements Lambda writes.
 */

/** One environment variable as written. */
export interface VariableModel {
  readonly name: string;
  readonly value: unknown;
  readonly location: TemplateLocation;
}

/** A URL configuration of a function or one of its aliases. */
export interface UrlModel {
  readonly authType: 'NONE' | 'AWS_IAM';
  readonly qualifier?: string;
  readonly location: TemplateLocation;
}

/** One statement of a function's resource policy and the template resource that adds it. */
export interface GrantModel {
  readonly statement: Readonly<Record<string, unknown>>;
  readonly qualifier?: string;
  readonly location: TemplateLocation;
}

/** A function of the template, or one outside it that the template grants access to. */
export interface FunctionModel {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly name: string;
  readonly arn: string;
  readonly location: TemplateLocation;
  readonly variables: VariableModel[];
  readonly urls: UrlModel[];
  readonly grants: GrantModel[];
  readonly tags: Readonly<Record<string, string>>;
}

const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

function at(resource: RawResource, ...path: TemplatePath): TemplateLocation {
  return { logicalId: resource.logicalId, resourceType: resource.type, path: ['Resources', resource.logicalId, ...path] };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isIntrinsic(value) ? (value as Record<string, unknown>) : undefined;
}

function variablesOf(resource: RawResource, template: ParsedTemplate): VariableModel[] {
  const own = record(record(resource.properties.Environment)?.Variables) ?? {};
  const inherited = resource.type === 'AWS::Serverless::Function' ? (record(record(template.functionGlobals.Environment)?.Variables) ?? {}) : {};
  const globalsPath = ['Globals', 'Function', 'Environment', 'Variables'];
  const fromGlobals = Object.entries(inherited)
    .filter(([name]) => !(name in own))
    .map(([name, value]) => ({ name, value, location: { logicalId: resource.logicalId, resourceType: resource.type, path: [...globalsPath, name] } }));
  const fromFunction = Object.entries(own).map(([name, value]) => ({ name, value, location: at(resource, 'Properties', 'Environment', 'Variables', name) }));
  return [...fromGlobals, ...fromFunction];
}

function literal(value: unknown, template: ParsedTemplate): string | undefined {
  if (value === undefined) return undefined;
  const text = resolveString(value, template.ctx);
  return text === NO_VALUE ? undefined : text;
}

/** The auth type a URL may deploy with: NONE unless every branch says AWS_IAM (a placeholder may be NONE). */
function authTypeOf(value: unknown, template: ParsedTemplate): 'NONE' | 'AWS_IAM' {
  if (isIntrinsic(value) && intrinsicOf(value).fn === 'Fn::If') {
    const arg = intrinsicOf(value).arg;
    if (Array.isArray(arg) && arg.length === 3) return [arg[1], arg[2]].every((b) => authTypeOf(b, template) === 'AWS_IAM') ? 'AWS_IAM' : 'NONE';
  }
  return literal(value, template) === 'AWS_IAM' ? 'AWS_IAM' : 'NONE';
}

/** SAM: `FunctionUrlConfig` gives a URL and, with AuthType NONE, the public permission SAM adds for it. */
function samUrl(resource: RawResource, template: ParsedTemplate, fn: FunctionModel): void {
  const fromFunction = record(resource.properties.FunctionUrlConfig);
  const config = fromFunction ?? record(template.functionGlobals.FunctionUrlConfig);
  if (config === undefined) return;
  const location = fromFunction ? at(resource, 'Properties', 'FunctionUrlConfig') : { logicalId: resource.logicalId, resourceType: resource.type, path: ['Globals', 'Function', 'FunctionUrlConfig'] };
  const alias = literal(resource.properties.AutoPublishAlias ?? template.functionGlobals.AutoPublishAlias, template);
  const authType = authTypeOf(config.AuthType, template);
  fn.urls.push({ authType, location, ...(alias ? { qualifier: alias } : {}) });
  if (authType === 'NONE') {
    const statement = { Sid: `${resource.logicalId}UrlPublicPermissions`, Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: alias ? `${fn.arn}:${alias}` : fn.arn, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } };
    fn.grants.push({ statement, location, ...(alias ? { qualifier: alias } : {}) });
  }
}

function functionOf(resource: RawResource, template: ParsedTemplate): FunctionModel {
  const fn: FunctionModel = {
    logicalId: resource.logicalId,
    resourceType: resource.type,
    name: physicalName(resource, template.ctx),
    arn: resourceArn(resource, template.ctx),
    location: at(resource),
    variables: variablesOf(resource, template),
    urls: [],
    grants: [],
    tags: tagsOf(resource, template.ctx),
  };
  if (resource.type === 'AWS::Serverless::Function') samUrl(resource, template, fn);
  return fn;
}

/** The function a `FunctionName`/`TargetFunctionArn` names, and the qualifier; an outside function is added. */
function targetOf(value: unknown, resource: RawResource, template: ParsedTemplate, functions: FunctionModel[]): { fn: FunctionModel; qualifier?: string } {
  if (isIntrinsic(value)) {
    const { fn, arg } = intrinsicOf(value);
    // Only a string names a resource: any other argument (an object, even one without a prototype,
    // which String() cannot convert) names none.
    const id: unknown = fn === 'Ref' ? arg : fn === 'Fn::GetAtt' ? (Array.isArray(arg) ? (arg as unknown[])[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined) : undefined;
    const found = functions.find((f) => f.logicalId === id);
    if (found) return { fn: found };
  }
  const text = literal(value, template) ?? `{${resource.logicalId}.FunctionName}`;
  for (const f of functions) {
    if (text === f.arn || text === f.name) return { fn: f };
    if (text.startsWith(`${f.arn}:`)) return { fn: f, qualifier: text.slice(f.arn.length + 1) };
  }
  const { partition, region, accountId } = template.ctx;
  const [name, qualifier] = text.startsWith('arn:') ? [text.split(':')[6] ?? text, text.split(':')[7]] : text.split(':');
  const arn = text.startsWith('arn:') ? text.split(':').slice(0, 7).join(':') : `arn:${partition}:lambda:${region}:${accountId}:function:${name ?? text}`;
  const outside: FunctionModel = { logicalId: resource.logicalId, resourceType: resource.type, name: name ?? text, arn, location: at(resource), variables: [], urls: [], grants: [], tags: {} };
  functions.push(outside);
  return qualifier ? { fn: outside, qualifier } : { fn: outside };
}

function principalOf(value: string, accountId: string, partition: string): unknown {
  if (value === '*') return '*';
  if (/\.amazonaws\.com(\.cn)?$/.test(value)) return { Service: value };
  if (value === accountId) return { AWS: `arn:${partition}:iam::${accountId}:root` };
  return { AWS: value };
}

/** The Condition block Lambda writes for AddPermission's scoping parameters. */
function conditionOf(props: Readonly<Record<string, unknown>>, template: ParsedTemplate): Record<string, Record<string, string>> | undefined {
  const equals: Record<string, string> = {};
  const pairs: [string, string][] = [['SourceAccount', 'AWS:SourceAccount'], ['PrincipalOrgID', 'aws:PrincipalOrgID'], ['FunctionUrlAuthType', 'lambda:FunctionUrlAuthType'], ['EventSourceToken', 'lambda:EventSourceToken']];
  for (const [property, key] of pairs) {
    const value = literal(props[property], template);
    if (value !== undefined) equals[key] = value;
  }
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  const sourceArn = literal(props.SourceArn, template);
  if (sourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
  const via = literal(props.InvokedViaFunctionUrl, template);
  if (via === 'true') condition.Bool = { 'lambda:InvokedViaFunctionUrl': 'true' };
  return Object.keys(condition).length > 0 ? condition : undefined;
}

function addPermission(resource: RawResource, template: ParsedTemplate, functions: FunctionModel[]): void {
  const props = resource.properties;
  const { fn, qualifier } = targetOf(props.FunctionName, resource, template, functions);
  const { accountId, partition } = template.ctx;
  const condition = conditionOf(props, template);
  const statement = {
    Sid: resource.logicalId,
    Effect: 'Allow',
    Principal: principalOf(literal(props.Principal, template) ?? '{Principal}', accountId, partition),
    Action: literal(props.Action, template) ?? 'lambda:InvokeFunction',
    Resource: qualifier ? `${fn.arn}:${qualifier}` : fn.arn,
    ...(condition ? { Condition: condition } : {}),
  };
  fn.grants.push({ statement, location: at(resource), ...(qualifier ? { qualifier } : {}) });
}

function addUrl(resource: RawResource, template: ParsedTemplate, functions: FunctionModel[]): void {
  const { fn, qualifier: fromArn } = targetOf(resource.properties.TargetFunctionArn, resource, template, functions);
  const qualifier = literal(resource.properties.Qualifier, template) ?? fromArn;
  const authType = authTypeOf(resource.properties.AuthType, template);
  fn.urls.push({ authType, location: at(resource, 'Properties', 'AuthType'), ...(qualifier ? { qualifier } : {}) });
}

/** Collects functions, URLs and permissions. */
export function lambdaModel(template: ParsedTemplate): FunctionModel[] {
  const functions = template.resources.filter((r) => FUNCTION_TYPES.has(r.type)).map((r) => functionOf(r, template));
  for (const resource of template.resources) {
    if (resource.type === 'AWS::Lambda::Permission') addPermission(resource, template, functions);
    if (resource.type === 'AWS::Lambda::Url') addUrl(resource, template, functions);
  }
  return functions;
}
