/**
 * Pure checks of a CloudFormation template against Warden's contract (DESIGN.md §8). Each returns
 * a list of problems, one line each; an empty list means the contract holds. They take the
 * template and the registries as arguments so that they can be tested with synthetic ones
 * (checks.test.ts) as well as run against the packaged template (packaged.test.ts).
 */
import { eventSourceOf, type DetectorFunction, type Trigger } from '../../domain/detectors/detector';
import { matchesWildcard } from '../../domain/wildcard';

/** JSON as CloudFormation templates hold it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: JsonObject;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources: Readonly<Record<string, CfnResource>>;
}

/** What the contract needs of a detector (a registered `Detector` satisfies it). */
export interface DetectorContract {
  readonly metadata: { readonly id: string };
  readonly runsIn: DetectorFunction;
  readonly trigger: Trigger;
  readonly permissions: readonly string[];
}

/** What the contract needs of a remediation (a registered `Remediation` satisfies it). */
export interface RemediationContract {
  readonly id: string;
  readonly permissions: readonly string[];
}

/** The detail-type of CloudTrail management events on EventBridge. */
export const cloudTrailDetailType = 'AWS API Call via CloudTrail';

/** The role osls creates when a function has no `role:` of its own. */
export const defaultRoleLogicalId = 'IamRoleLambdaExecution';

// ------------------------------------------------------------------ helpers

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function strings(value: Json | undefined): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

/** Every string inside a value, through intrinsic functions (`Fn::If` branches and the like). */
function stringLeaves(value: Json | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (isObject(value)) return Object.values(value).flatMap(stringLeaves);
  return [];
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/**
 * The logical id a reference points at: `{Ref: X}`, `{Fn::GetAtt: [X, Arn]}`, `{Fn::GetAtt: "X.Arn"}`
 * or `{Fn::Sub: "${X.Arn}"}`; undefined for anything else (a literal ARN, an import).
 */
export function referencedLogicalId(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  const ref = value.Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    const match = /^\$\{([A-Za-z0-9]+)(?:\.Arn)?\}$/.exec(sub);
    if (match) return match[1];
  }
  return undefined;
}

/** osls's logical id of a function: `detectIam` → `DetectIamLambdaFunction`. */
export function functionLogicalId(functionName: string): string {
  const normalized = functionName.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

// ------------------------------------------------------------------ roles

/** Function logical id → the logical id of the AWS::IAM::Role of the template it runs as. */
export function functionRoles(template: CfnTemplate): Map<string, string | undefined> {
  const roles = new Map<string, string | undefined>();
  for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const roleId = referencedLogicalId(fn.Properties?.Role);
    roles.set(id, roleId !== undefined && template.Resources[roleId]?.Type === 'AWS::IAM::Role' ? roleId : undefined);
  }
  return roles;
}

/**
 * One role per function, declared in the template, shared by no other function, and no default
 * role (`IamRoleLambdaExecution`) left over.
 */
export function roleProblems(template: CfnTemplate): string[] {
  const problems: string[] = [];
  if (template.Resources[defaultRoleLogicalId]) problems.push(`the default role ${defaultRoleLogicalId} exists`);
  const users = new Map<string, string[]>();
  for (const [fn, role] of functionRoles(template)) {
    if (role === undefined) {
      problems.push(`function ${fn} has no role declared in the template`);
      continue;
    }
    if (role === defaultRoleLogicalId) problems.push(`function ${fn} uses the default role`);
    users.set(role, [...(users.get(role) ?? []), fn]);
  }
  for (const [role, fns] of users) {
    if (fns.length > 1) problems.push(`role ${role} is shared by ${fns.join(', ')}`);
  }
  return problems;
}

// ------------------------------------------------------------------ policy statements

/** A policy statement found in the template, with where it is. */
export interface FoundStatement {
  readonly path: string;
  readonly statement: JsonObject;
}

/**
 * Every policy statement anywhere in the template: an object with `Effect` and an action key,
 * wherever it sits (role inline policies, managed policies, trust policies, queue, topic, bucket
 * and key policies, and whatever resource type comes next).
 */
export function policyStatements(template: CfnTemplate): FoundStatement[] {
  const found: FoundStatement[] = [];
  const visit = (value: Json | undefined, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.Effect === 'string' && ('Action' in value || 'NotAction' in value)) {
      found.push({ path, statement: value });
      return;
    }
    for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
  };
  for (const [id, resource] of Object.entries(template.Resources)) visit(resource.Properties, id);
  return found;
}

/** `*`, or a whole service (`s3:*`); IAM action names are case-insensitive. */
export function isWildcardAction(action: string): boolean {
  const trimmed = action.trim();
  return trimmed === '*' || /^[a-z0-9-]+:\*+$/i.test(trimmed);
}

/**
 * Allow statements that grant `*` or a whole service (`service:*`), or use `NotAction` (which
 * grants everything else, including actions AWS adds later). Also `lambda:*` in a Lambda
 * permission. Denies may be as broad as they like.
 */
export function wildcardAllows(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const { path, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    if ('NotAction' in statement) problems.push(`${path}: Allow with NotAction`);
    const wild = stringLeaves(statement.Action).filter(isWildcardAction);
    if (wild.length > 0) problems.push(`${path}: Allow of ${wild.join(', ')}`);
  }
  for (const [id, permission] of resourcesOfType(template, 'AWS::Lambda::Permission')) {
    const wild = stringLeaves(permission.Properties?.Action).filter(isWildcardAction);
    if (wild.length > 0) problems.push(`${id}: Lambda permission for ${wild.join(', ')}`);
  }
  return problems;
}

/** The Allow and Deny action patterns of one role: its inline policies and the template's policies attached to it. */
export function roleActions(template: CfnTemplate, roleId: string): { allow: string[]; deny: string[] } {
  const allow: string[] = [];
  const deny: string[] = [];
  const documents: Json[] = [];
  const role = template.Resources[roleId];
  for (const policy of asArray(role?.Properties?.Policies)) {
    if (isObject(policy)) documents.push(policy.PolicyDocument ?? null);
  }
  for (const managed of asArray(role?.Properties?.ManagedPolicyArns)) {
    const managedId = referencedLogicalId(managed);
    const resource = managedId === undefined ? undefined : template.Resources[managedId];
    if (resource?.Type === 'AWS::IAM::ManagedPolicy') documents.push(resource.Properties?.PolicyDocument ?? null);
  }
  for (const [, policy] of [
    ...resourcesOfType(template, 'AWS::IAM::Policy'),
    ...resourcesOfType(template, 'AWS::IAM::ManagedPolicy'),
    ...resourcesOfType(template, 'AWS::IAM::RolePolicy'),
  ]) {
    const attachedTo = [...asArray(policy.Properties?.Roles), ...asArray(policy.Properties?.RoleName)];
    if (attachedTo.some((ref) => referencedLogicalId(ref) === roleId)) documents.push(policy.Properties?.PolicyDocument ?? null);
  }
  for (const document of documents) {
    const statements = isObject(document) ? asArray(document.Statement) : [];
    for (const statement of statements) {
      if (!isObject(statement)) continue;
      const actions = strings(statement.Action);
      if (statement.Effect === 'Allow') allow.push(...actions);
      // Only an unconditional Deny on every resource certainly takes the action away; a Deny
      // scoped to some resources (e.g. Warden's own roles) leaves the action for the others.
      else if (statement.Effect === 'Deny' && statement.Condition === undefined && strings(statement.Resource).includes('*')) deny.push(...actions);
    }
  }
  return { allow, deny };
}

/**
 * The actions of `required` that the role does not grant: no Allow pattern matches them, or an
 * unconditional Deny does. Resources are not compared (the registries declare actions only).
 */
export function missingPermissions(template: CfnTemplate, roleId: string, required: readonly string[]): string[] {
  const { allow, deny } = roleActions(template, roleId);
  const matches = (patterns: string[], action: string): boolean =>
    patterns.some((pattern) => matchesWildcard(pattern, action, { caseInsensitive: true }));
  return required.filter((action) => !matches(allow, action) || matches(deny, action));
}

/**
 * The role's Allow patterns that match no action the function's code calls: permissions granted
 * but never used (Saltzer: least privilege is also about what is *not* granted).
 */
export function unusedPermissions(template: CfnTemplate, roleId: string, used: readonly string[]): string[] {
  const { allow } = roleActions(template, roleId);
  const usedBy = (pattern: string): boolean => used.some((action) => matchesWildcard(pattern, action, { caseInsensitive: true }));
  return [...new Set(allow.filter((pattern) => !usedBy(pattern)))];
}

/** Detectors' permissions their function's role lacks, as `detector-id: action` lines. */
export function missingDetectorPermissions(template: CfnTemplate, detectors: readonly DetectorContract[]): string[] {
  const roles = functionRoles(template);
  const problems: string[] = [];
  for (const detector of detectors) {
    const fn = functionLogicalId(detector.runsIn);
    const role = roles.get(fn);
    if (role === undefined) {
      problems.push(`${detector.metadata.id}: function ${fn} has no role in the template`);
      continue;
    }
    for (const action of missingPermissions(template, role, detector.permissions)) {
      problems.push(`${detector.metadata.id}: ${action} not granted to ${role}`);
    }
  }
  return problems;
}

/** Remediations' permissions the remediate role lacks, as `remediation-id: action` lines. */
export function missingRemediationPermissions(template: CfnTemplate, remediations: readonly RemediationContract[]): string[] {
  const fn = functionLogicalId('remediate');
  const role = functionRoles(template).get(fn);
  if (role === undefined) return remediations.length > 0 ? [`function ${fn} has no role in the template`] : [];
  return remediations.flatMap((remediation) =>
    missingPermissions(template, role, remediation.permissions).map((action) => `${remediation.id}: ${action} not granted to ${role}`),
  );
}

// ------------------------------------------------------------------ EventBridge rules

/** An EventBridge rule with its pattern and the logical ids its targets point at. */
export interface RuleView {
  readonly id: string;
  readonly pattern: JsonObject;
  readonly targets: readonly JsonObject[];
  readonly targetIds: readonly (string | undefined)[];
}

export function eventRules(template: CfnTemplate): RuleView[] {
  return resourcesOfType(template, 'AWS::Events::Rule').map(([id, rule]) => {
    const pattern = rule.Properties?.EventPattern;
    const targets = asArray(rule.Properties?.Targets).filter(isObject);
    return {
      id,
      pattern: isObject(pattern) ? pattern : {},
      targets,
      targetIds: targets.map((target) => referencedLogicalId(target.Arn)),
    };
  });
}

/** True when a value list of an event pattern matches `name` exactly (`prefix` false) or as a prefix matcher. */
function nameMatcher(values: Json | undefined, name: string, byPrefix: boolean): boolean {
  return asArray(values).some((value) => {
    if (!byPrefix) return value === name;
    if (!isObject(value)) return false;
    const prefix = value.prefix;
    return typeof prefix === 'string' && prefix.length > 0 && name.startsWith(prefix);
  });
}

/**
 * True when the rule matches the CloudTrail event `name` of `source`: IAM names (and any other
 * service's) exactly, Lambda's by a prefix matcher, since their API-version suffix varies.
 */
export function ruleMatches(rule: RuleView, source: Trigger['source'], name: string): boolean {
  const { pattern } = rule;
  const detail = isObject(pattern.detail) ? pattern.detail : {};
  return (
    strings(pattern.source).includes(source) &&
    strings(pattern['detail-type']).includes(cloudTrailDetailType) &&
    strings(detail.eventSource).includes(eventSourceOf(source)) &&
    nameMatcher(detail.eventName, name, source === 'aws.lambda')
  );
}

/** Trigger events with no rule that delivers them to the detector's function, as `detector-id: source eventName` lines. */
export function missingRules(template: CfnTemplate, detectors: readonly DetectorContract[]): string[] {
  const rules = eventRules(template);
  const problems: string[] = [];
  for (const detector of detectors) {
    const fn = functionLogicalId(detector.runsIn);
    for (const name of detector.trigger.eventNames) {
      const delivered = rules.some((rule) => rule.targetIds.includes(fn) && ruleMatches(rule, detector.trigger.source, name));
      if (!delivered) problems.push(`${detector.metadata.id}: no rule delivers ${detector.trigger.source} ${name} to ${fn}`);
    }
  }
  return problems;
}

/** True when the pattern leaves out failed calls: `errorCode: [{exists: false}]` in `detail`. */
function excludesFailures(detail: JsonObject): boolean {
  return asArray(detail.errorCode).some((value) => isObject(value) && value.exists === false);
}

/** The session issuer matchers of one `$or` branch, if that is what the branch filters on. */
function issuerMatchers(branch: Json): Json[] | undefined {
  if (!isObject(branch) || Object.keys(branch).length !== 1 || !isObject(branch.userIdentity)) return undefined;
  const context = branch.userIdentity.sessionContext;
  if (!isObject(context) || !isObject(context.sessionIssuer)) return undefined;
  const arn = context.sessionIssuer.arn;
  return Array.isArray(arn) ? arn : undefined;
}

/**
 * True when the pattern excludes Warden's own roles and still lets events without a session
 * issuer through: `$or` of `sessionIssuer.arn` absent and `sessionIssuer.arn` anything-but.
 */
function excludesWarden(detail: JsonObject): boolean {
  const branches = asArray(detail.$or).map(issuerMatchers);
  const absent = branches.some((matchers) => matchers?.some((value) => isObject(value) && value.exists === false));
  const notWarden = branches.some((matchers) => matchers?.some((value) => isObject(value) && value['anything-but'] !== undefined));
  return absent && notWarden;
}

/** CloudTrail rules that would let failed calls or Warden's own calls through (DESIGN.md §2). */
export function unfilteredRules(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const rule of eventRules(template)) {
    if (!strings(rule.pattern['detail-type']).includes(cloudTrailDetailType)) continue;
    const detail = isObject(rule.pattern.detail) ? rule.pattern.detail : {};
    if (!excludesFailures(detail)) problems.push(`${rule.id}: does not exclude failed calls (errorCode)`);
    if (!excludesWarden(detail)) problems.push(`${rule.id}: does not exclude Warden's own roles (sessionIssuer.arn)`);
  }
  return problems;
}

// ------------------------------------------------------------------ retries and dead letters

/**
 * Asynchronous hops without a retry policy or dead-letter queue: every EventBridge target, every
 * SNS subscription to a Lambda function, and every function's asynchronous invoke config.
 */
export function asyncWithoutDeadLetters(template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const rule of eventRules(template)) {
    rule.targets.forEach((target, index) => {
      const name = `${rule.id} target ${typeof target.Id === 'string' ? target.Id : index}`;
      const retry = target.RetryPolicy;
      if (!isObject(retry) || retry.MaximumRetryAttempts === undefined || retry.MaximumEventAgeInSeconds === undefined) {
        problems.push(`${name}: no RetryPolicy with MaximumRetryAttempts and MaximumEventAgeInSeconds`);
      }
      if (!isObject(target.DeadLetterConfig) || target.DeadLetterConfig.Arn === undefined) problems.push(`${name}: no DeadLetterConfig`);
    });
  }
  for (const [id, subscription] of resourcesOfType(template, 'AWS::SNS::Subscription')) {
    const redrive = subscription.Properties?.RedrivePolicy;
    if (!isObject(redrive) || redrive.deadLetterTargetArn === undefined) problems.push(`${id}: no RedrivePolicy dead-letter queue`);
  }
  const invokeConfigs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
  for (const [fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const config = invokeConfigs.find(([, candidate]) => referencedLogicalId(candidate.Properties?.FunctionName) === fn)?.[1];
    const properties = config?.Properties;
    const destination = isObject(properties?.DestinationConfig) ? properties.DestinationConfig.OnFailure : undefined;
    if (!properties || properties.MaximumRetryAttempts === undefined || properties.MaximumEventAgeInSeconds === undefined) {
      problems.push(`${fn}: no asynchronous invoke config with MaximumRetryAttempts and MaximumEventAgeInSeconds`);
    }
    if (!isObject(destination) || destination.Destination === undefined) problems.push(`${fn}: no on-failure destination`);
  }
  return problems;
}
