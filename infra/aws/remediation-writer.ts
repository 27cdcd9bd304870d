import {
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListPolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand as GetFunctionPolicyCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors';
import type { StateVerifier, StepRunner, Verification } from '../../domain/ports';
import type { StepCall } from '../../domain/remediation/plan';
import { isNotFound, translateSdkError } from './sdk-errors';

/**
 * The remediation writer: performs plan steps with the AWS SDK ({@link AwsStepRunner}) and re-reads
 * the state to verify them ({@link AwsStateVerifier}).
 *
 * A step's `call.action` is the IAM action of the API call and `call.params` its input, exactly as
 * the SDK command takes it (PascalCase). Params are validated strictly per action (a misspelt
 * parameter in a plan is an {@link InvalidStepError}, not a silently ignored field). Lambda calls go
 * to the region of the function ARN in `FunctionName` (or the runner's default region for a bare
 * name). SDK errors are translated into Warden's error types (retryable or not).
 */

/** A step Warden cannot perform: unknown action or invalid params. Not retryable. */
export class InvalidStepError extends InvalidInputError {
  override readonly name = 'InvalidStepError';
}

/** The clients the writer uses. */
export interface RemediationClients {
  readonly iam: IAMClient;
  /** A Lambda client for a region. */
  readonly lambda: (region: string) => LambdaClient;
}

const name = z.string().min(1);
const policyArn = z.string().startsWith('arn:');
const roleName = z.object({ RoleName: name });
const userName = z.object({ UserName: name });
const groupName = z.object({ GroupName: name });
const attachment = { PolicyArn: policyArn };
const inline = { PolicyName: name };
const document = { PolicyDocument: name };

const cors = z
  .object({
    AllowCredentials: z.boolean().optional(),
    AllowHeaders: z.array(z.string()).optional(),
    AllowMethods: z.array(z.string()).optional(),
    AllowOrigins: z.array(z.string()).optional(),
    ExposeHeaders: z.array(z.string()).optional(),
    MaxAge: z.number().int().nonnegative().optional(),
  })
  .strict();

/** Input schemas per action (strict: unknown parameters are refused). */
const SCHEMAS = {
  'iam:AttachRolePolicy': roleName.extend(attachment).strict(),
  'iam:DetachRolePolicy': roleName.extend(attachment).strict(),
  'iam:AttachUserPolicy': userName.extend(attachment).strict(),
  'iam:DetachUserPolicy': userName.extend(attachment).strict(),
  'iam:AttachGroupPolicy': groupName.extend(attachment).strict(),
  'iam:DetachGroupPolicy': groupName.extend(attachment).strict(),
  'iam:PutRolePolicy': roleName.extend({ ...inline, ...document }).strict(),
  'iam:PutUserPolicy': userName.extend({ ...inline, ...document }).strict(),
  'iam:PutGroupPolicy': groupName.extend({ ...inline, ...document }).strict(),
  'iam:DeleteRolePolicy': roleName.extend(inline).strict(),
  'iam:DeleteUserPolicy': userName.extend(inline).strict(),
  'iam:DeleteGroupPolicy': groupName.extend(inline).strict(),
  'iam:SetDefaultPolicyVersion': z.object({ PolicyArn: policyArn, VersionId: name }).strict(),
  'iam:UpdateAssumeRolePolicy': roleName.extend(document).strict(),
  'iam:CreatePolicy': z.object({ PolicyName: name, Path: z.string().startsWith('/').optional(), ...document, Description: z.string().max(1000).optional() }).strict(),
  'iam:DeletePolicy': z.object({ PolicyArn: policyArn }).strict(),
  'iam:CreatePolicyVersion': z.object({ PolicyArn: policyArn, ...document, SetAsDefault: z.boolean().optional() }).strict(),
  'iam:DeletePolicyVersion': z.object({ PolicyArn: policyArn, VersionId: name }).strict(),
  'iam:PutRolePermissionsBoundary': roleName.extend({ PermissionsBoundary: policyArn }).strict(),
  'iam:DeleteRolePermissionsBoundary': roleName.strict(),
  'iam:PutUserPermissionsBoundary': userName.extend({ PermissionsBoundary: policyArn }).strict(),
  'iam:DeleteUserPermissionsBoundary': userName.strict(),
  'lambda:UpdateFunctionUrlConfig': z
    .object({ FunctionName: name, Qualifier: name.optional(), AuthType: z.enum(['NONE', 'AWS_IAM']).optional(), Cors: cors.optional(), InvokeMode: z.enum(['BUFFERED', 'RESPONSE_STREAM']).optional() })
    .strict(),
  'lambda:RemovePermission': z.object({ FunctionName: name, StatementId: name, Qualifier: name.optional(), RevisionId: name.optional() }).strict(),
  'lambda:AddPermission': z
    .object({
      FunctionName: name,
      StatementId: name,
      Action: name,
      Principal: name,
      SourceArn: name.optional(),
      SourceAccount: name.optional(),
      EventSourceToken: name.optional(),
      Qualifier: name.optional(),
      RevisionId: name.optional(),
      PrincipalOrgID: name.optional(),
      FunctionUrlAuthType: z.enum(['NONE', 'AWS_IAM']).optional(),
      InvokedViaFunctionUrl: z.boolean().optional(),
    })
    .strict(),
  'lambda:PutFunctionConcurrency': z.object({ FunctionName: name, ReservedConcurrentExecutions: z.number().int().nonnegative() }).strict(),
  'lambda:DeleteFunctionConcurrency': z.object({ FunctionName: name }).strict(),
} as const;

type Action = keyof typeof SCHEMAS;
type Input<A extends Action> = z.infer<(typeof SCHEMAS)[A]>;

/** Every action the writer can perform; the remediator's role needs those that registered remediations declare. */
export const remediationWriterActions = Object.keys(SCHEMAS) as readonly Action[];

function isAction(action: string): action is Action {
  return Object.hasOwn(SCHEMAS, action);
}

/** The action and its validated input. @throws InvalidStepError */
function parseCall(call: StepCall): { action: Action; input: Record<string, unknown> } {
  if (!isAction(call.action)) throw new InvalidStepError(`no remediation writer for ${call.action}`);
  const result = SCHEMAS[call.action].safeParse(call.params);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`).join('; ');
    throw new InvalidStepError(`invalid parameters for ${call.action}: ${fields}`);
  }
  return { action: call.action, input: result.data };
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:(?<region>[a-z0-9-]+):\d{12}:function:/;

/** The region of a Lambda call: from a function ARN, else the default. @throws InvalidStepError */
function regionOf(functionName: string, defaultRegion: string | undefined): string {
  const region = LAMBDA_ARN.exec(functionName)?.groups?.['region'] ?? defaultRegion;
  if (region === undefined) throw new InvalidStepError('a Lambda step needs a function ARN (or a default region)');
  return region;
}

type Writer = (clients: RemediationClients, input: never, region: () => string) => Promise<unknown>;
type Writers = { readonly [A in Action]: (clients: RemediationClients, input: Input<A>, region: () => string) => Promise<unknown> };

/** The SDK command per action. */
const WRITERS: Writers = {
  'iam:AttachRolePolicy': (c, i) => c.iam.send(new AttachRolePolicyCommand(i)),
  'iam:DetachRolePolicy': (c, i) => c.iam.send(new DetachRolePolicyCommand(i)),
  'iam:AttachUserPolicy': (c, i) => c.iam.send(new AttachUserPolicyCommand(i)),
  'iam:DetachUserPolicy': (c, i) => c.iam.send(new DetachUserPolicyCommand(i)),
  'iam:AttachGroupPolicy': (c, i) => c.iam.send(new AttachGroupPolicyCommand(i)),
  'iam:DetachGroupPolicy': (c, i) => c.iam.send(new DetachGroupPolicyCommand(i)),
  'iam:PutRolePolicy': (c, i) => c.iam.send(new PutRolePolicyCommand(i)),
  'iam:PutUserPolicy': (c, i) => c.iam.send(new PutUserPolicyCommand(i)),
  'iam:PutGroupPolicy': (c, i) => c.iam.send(new PutGroupPolicyCommand(i)),
  'iam:DeleteRolePolicy': (c, i) => c.iam.send(new DeleteRolePolicyCommand(i)),
  'iam:DeleteUserPolicy': (c, i) => c.iam.send(new DeleteUserPolicyCommand(i)),
  'iam:DeleteGroupPolicy': (c, i) => c.iam.send(new DeleteGroupPolicyCommand(i)),
  'iam:SetDefaultPolicyVersion': (c, i) => c.iam.send(new SetDefaultPolicyVersionCommand(i)),
  'iam:UpdateAssumeRolePolicy': (c, i) => c.iam.send(new UpdateAssumeRolePolicyCommand(i)),
  'iam:CreatePolicy': (c, i) => c.iam.send(new CreatePolicyCommand(i)),
  'iam:DeletePolicy': (c, i) => c.iam.send(new DeletePolicyCommand(i)),
  'iam:CreatePolicyVersion': (c, i) => c.iam.send(new CreatePolicyVersionCommand(i)),
  'iam:DeletePolicyVersion': (c, i) => c.iam.send(new DeletePolicyVersionCommand(i)),
  'iam:PutRolePermissionsBoundary': (c, i) => c.iam.send(new PutRolePermissionsBoundaryCommand(i)),
  'iam:DeleteRolePermissionsBoundary': (c, i) => c.iam.send(new DeleteRolePermissionsBoundaryCommand(i)),
  'iam:PutUserPermissionsBoundary': (c, i) => c.iam.send(new PutUserPermissionsBoundaryCommand(i)),
  'iam:DeleteUserPermissionsBoundary': (c, i) => c.iam.send(new DeleteUserPermissionsBoundaryCommand(i)),
  'lambda:UpdateFunctionUrlConfig': (c, i, region) => c.lambda(region()).send(new UpdateFunctionUrlConfigCommand(i)),
  'lambda:RemovePermission': (c, i, region) => c.lambda(region()).send(new RemovePermissionCommand(i)),
  'lambda:AddPermission': (c, i, region) => c.lambda(region()).send(new AddPermissionCommand(i)),
  'lambda:PutFunctionConcurrency': (c, i, region) => c.lambda(region()).send(new PutFunctionConcurrencyCommand(i)),
  'lambda:DeleteFunctionConcurrency': (c, i, region) => c.lambda(region()).send(new DeleteFunctionConcurrencyCommand(i)),
};

/** Options of the runner and verifier. */
export interface RemediationWriterOptions {
  /** Region for Lambda steps whose `FunctionName` is not an ARN. */
  readonly defaultRegion?: string;
}

/** Performs plan steps with the AWS SDK. */
export class AwsStepRunner implements StepRunner {
  constructor(
    private readonly clients: RemediationClients,
    private readonly options: RemediationWriterOptions = {},
  ) {}

  /**
   * Performs one step.
   * @throws InvalidStepError for an unknown action or invalid params; otherwise the translated SDK error.
   */
  async run(call: StepCall): Promise<void> {
    const { action, input } = parseCall(call);
    const region = (): string => regionOf(String(input['FunctionName']), this.options.defaultRegion);
    try {
      await (WRITERS[action] as Writer)(this.clients, input as never, region);
    } catch (error) {
      throw translateSdkError(error, action);
    }
  }
}

// ---- Verification: re-read the state a step should have produced ----

/** Read actions the verifier calls (the remediate role needs them to verify; reads only). */
export const remediationVerifierActions = [
  'iam:ListAttachedRolePolicies',
  'iam:ListAttachedUserPolicies',
  'iam:ListAttachedGroupPolicies',
  'iam:GetRolePolicy',
  'iam:GetUserPolicy',
  'iam:GetGroupPolicy',
  'iam:GetRole',
  'iam:GetUser',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListPolicies',
  'lambda:GetFunctionUrlConfig',
  'lambda:GetPolicy',
  'lambda:GetFunctionConcurrency',
] as const;

const HOLDS: Verification = { state: 'holds' };
const differs = (detail: string): Verification => ({ state: 'differs', detail });
const check = (ok: boolean, detail: string): Verification => (ok ? HOLDS : differs(detail));

/** A policy document (JSON or URL-encoded JSON) in a canonical form: keys sorted, no whitespace. */
export function canonicalDocument(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const decoded = text.trimStart().startsWith('{') ? text : safeDecode(text);
  try {
    return JSON.stringify(sortKeys(JSON.parse(decoded) as unknown));
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function sameDocument(actual: string | undefined, expected: unknown): boolean {
  const canonical = canonicalDocument(actual);
  return canonical !== undefined && canonical === canonicalDocument(String(expected));
}

/** Runs a read; a "not found" answer becomes `undefined`. */
async function readOrGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

type Verifier = (clients: RemediationClients, input: Record<string, unknown>, region: () => string) => Promise<Verification>;

const text = (input: Record<string, unknown>, key: string): string => String(input[key]);

async function attachedPolicyArns(clients: RemediationClients, kind: 'Role' | 'User' | 'Group', principal: string): Promise<string[]> {
  const arns: string[] = [];
  const config = { client: clients.iam };
  const pages =
    kind === 'Role'
      ? paginateListAttachedRolePolicies(config, { RoleName: principal })
      : kind === 'User'
        ? paginateListAttachedUserPolicies(config, { UserName: principal })
        : paginateListAttachedGroupPolicies(config, { GroupName: principal });
  for await (const page of pages) for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn !== undefined) arns.push(policy.PolicyArn);
  return arns;
}

function attached(kind: 'Role' | 'User' | 'Group', wanted: boolean): Verifier {
  return async (clients, input) => {
    const arns = await attachedPolicyArns(clients, kind, text(input, `${kind}Name`));
    const isAttached = arns.includes(text(input, 'PolicyArn'));
    return check(isAttached === wanted, wanted ? 'policy is not attached' : 'policy is still attached');
  };
}

async function inlineDocument(clients: RemediationClients, kind: 'Role' | 'User' | 'Group', input: Record<string, unknown>): Promise<string | undefined> {
  const PolicyName = text(input, 'PolicyName');
  const principal = text(input, `${kind}Name`);
  const read = async (): Promise<string | undefined> =>
    kind === 'Role'
      ? (await clients.iam.send(new GetRolePolicyCommand({ RoleName: principal, PolicyName }))).PolicyDocument
      : kind === 'User'
        ? (await clients.iam.send(new GetUserPolicyCommand({ UserName: principal, PolicyName }))).PolicyDocument
        : (await clients.iam.send(new GetGroupPolicyCommand({ GroupName: principal, PolicyName }))).PolicyDocument;
  return readOrGone(read);
}

function inlinePut(kind: 'Role' | 'User' | 'Group'): Verifier {
  return async (clients, input) => {
    const actual = await inlineDocument(clients, kind, input);
    if (actual === undefined) return differs('inline policy is missing');
    return check(sameDocument(actual, input['PolicyDocument']), 'inline policy document differs');
  };
}

function inlineDeleted(kind: 'Role' | 'User' | 'Group'): Verifier {
  return async (clients, input) => check((await inlineDocument(clients, kind, input)) === undefined, 'inline policy still exists');
}

async function managedPolicy(clients: RemediationClients, arn: string): Promise<{ DefaultVersionId?: string } | undefined> {
  return (await readOrGone(() => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }))))?.Policy;
}

async function boundaryOf(clients: RemediationClients, input: Record<string, unknown>): Promise<string | undefined> {
  if (input['RoleName'] !== undefined) return (await clients.iam.send(new GetRoleCommand({ RoleName: text(input, 'RoleName') }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  return (await clients.iam.send(new GetUserCommand({ UserName: text(input, 'UserName') }))).User?.PermissionsBoundary?.PermissionsBoundaryArn;
}

async function createdPolicyExists(clients: RemediationClients, input: Record<string, unknown>): Promise<boolean> {
  const path = typeof input['Path'] === 'string' ? input['Path'] : '/';
  for await (const page of paginateListPolicies({ client: clients.iam }, { Scope: 'Local', PathPrefix: path })) {
    if ((page.Policies ?? []).some((policy) => policy.PolicyName === input['PolicyName'] && policy.Path === path)) return true;
  }
  return false;
}

async function defaultDocument(clients: RemediationClients, arn: string): Promise<string | undefined> {
  const versionId = (await managedPolicy(clients, arn))?.DefaultVersionId;
  if (versionId === undefined) return undefined;
  return (await clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }))).PolicyVersion?.Document;
}

async function functionStatementIds(clients: RemediationClients, input: Record<string, unknown>, region: () => string): Promise<string[]> {
  const request = { FunctionName: text(input, 'FunctionName'), ...(input['Qualifier'] === undefined ? {} : { Qualifier: text(input, 'Qualifier') }) };
  const policy = (await readOrGone(() => clients.lambda(region()).send(new GetFunctionPolicyCommand(request))))?.Policy;
  if (policy === undefined) return [];
  const statements = (JSON.parse(policy) as { Statement?: readonly { Sid?: string }[] }).Statement ?? [];
  return statements.map((statement) => statement.Sid ?? '');
}

async function reservedConcurrency(clients: RemediationClients, input: Record<string, unknown>, region: () => string): Promise<number | undefined> {
  const out = await clients.lambda(region()).send(new GetFunctionConcurrencyCommand({ FunctionName: text(input, 'FunctionName') }));
  return out.ReservedConcurrentExecutions;
}

async function urlConfigMatches(clients: RemediationClients, input: Record<string, unknown>, region: () => string): Promise<Verification> {
  const request = { FunctionName: text(input, 'FunctionName'), ...(input['Qualifier'] === undefined ? {} : { Qualifier: text(input, 'Qualifier') }) };
  const config = await readOrGone(() => clients.lambda(region()).send(new GetFunctionUrlConfigCommand(request)));
  if (config === undefined) return differs('function URL is missing');
  const wrong = (['AuthType', 'InvokeMode', 'Cors'] as const).filter(
    (field) => input[field] !== undefined && JSON.stringify(sortKeys(config[field] ?? null)) !== JSON.stringify(sortKeys(input[field])),
  );
  return check(wrong.length === 0, `URL config differs in ${wrong.join(', ')}`);
}

/** How to verify each action's effect. */
const VERIFIERS: Readonly<Record<Action, Verifier>> = {
  'iam:AttachRolePolicy': attached('Role', true),
  'iam:DetachRolePolicy': attached('Role', false),
  'iam:AttachUserPolicy': attached('User', true),
  'iam:DetachUserPolicy': attached('User', false),
  'iam:AttachGroupPolicy': attached('Group', true),
  'iam:DetachGroupPolicy': attached('Group', false),
  'iam:PutRolePolicy': inlinePut('Role'),
  'iam:PutUserPolicy': inlinePut('User'),
  'iam:PutGroupPolicy': inlinePut('Group'),
  'iam:DeleteRolePolicy': inlineDeleted('Role'),
  'iam:DeleteUserPolicy': inlineDeleted('User'),
  'iam:DeleteGroupPolicy': inlineDeleted('Group'),
  'iam:SetDefaultPolicyVersion': async (c, i) => check((await managedPolicy(c, text(i, 'PolicyArn')))?.DefaultVersionId === i['VersionId'], 'another version is the default'),
  'iam:UpdateAssumeRolePolicy': async (c, i) => {
    const role = await c.iam.send(new GetRoleCommand({ RoleName: text(i, 'RoleName') }));
    return check(sameDocument(role.Role?.AssumeRolePolicyDocument, i['PolicyDocument']), 'trust policy differs');
  },
  'iam:CreatePolicy': async (c, i) => check(await createdPolicyExists(c, i), 'policy does not exist'),
  'iam:DeletePolicy': async (c, i) => check((await managedPolicy(c, text(i, 'PolicyArn'))) === undefined, 'policy still exists'),
  'iam:CreatePolicyVersion': async (c, i) => {
    if (i['SetAsDefault'] !== true) return { state: 'unknown', detail: 'a non-default version is not identifiable' };
    return check(sameDocument(await defaultDocument(c, text(i, 'PolicyArn')), i['PolicyDocument']), 'default version document differs');
  },
  'iam:DeletePolicyVersion': async (c, i) => {
    const version = await readOrGone(() => c.iam.send(new GetPolicyVersionCommand({ PolicyArn: text(i, 'PolicyArn'), VersionId: text(i, 'VersionId') })));
    return check(version === undefined, 'version still exists');
  },
  'iam:PutRolePermissionsBoundary': async (c, i) => check((await boundaryOf(c, i)) === i['PermissionsBoundary'], 'boundary differs'),
  'iam:DeleteRolePermissionsBoundary': async (c, i) => check((await boundaryOf(c, i)) === undefined, 'boundary still set'),
  'iam:PutUserPermissionsBoundary': async (c, i) => check((await boundaryOf(c, i)) === i['PermissionsBoundary'], 'boundary differs'),
  'iam:DeleteUserPermissionsBoundary': async (c, i) => check((await boundaryOf(c, i)) === undefined, 'boundary still set'),
  'lambda:UpdateFunctionUrlConfig': urlConfigMatches,
  'lambda:RemovePermission': async (c, i, r) => check(!(await functionStatementIds(c, i, r)).includes(text(i, 'StatementId')), 'statement still present'),
  'lambda:AddPermission': async (c, i, r) => check((await functionStatementIds(c, i, r)).includes(text(i, 'StatementId')), 'statement missing'),
  'lambda:PutFunctionConcurrency': async (c, i, r) => check((await reservedConcurrency(c, i, r)) === i['ReservedConcurrentExecutions'], 'reserved concurrency differs'),
  'lambda:DeleteFunctionConcurrency': async (c, i, r) => check((await reservedConcurrency(c, i, r)) === undefined, 'reserved concurrency still set'),
};

/** Re-reads the state a step should have produced. Unknown actions: `unknown`. */
export class AwsStateVerifier implements StateVerifier {
  constructor(
    private readonly clients: RemediationClients,
    private readonly options: RemediationWriterOptions = {},
  ) {}

  /** @throws the translated SDK error when the state cannot be read. */
  async verify(call: StepCall): Promise<Verification> {
    if (!isAction(call.action)) return { state: 'unknown', detail: `no verifier for ${call.action}` };
    const { action, input } = parseCall(call);
    const region = (): string => regionOf(String(input['FunctionName']), this.options.defaultRegion);
    try {
      return await VERIFIERS[action](this.clients, input, region);
    } catch (error) {
      throw translateSdkError(error, `verify ${action}`);
    }
  }
}
