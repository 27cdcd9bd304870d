import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InvalidInputError, ResourceGoneError } from '../../domain/errors';
import type { StateVerifier, StepRunner, Verification } from '../../domain/ports';
import type { StepCall } from '../../domain/remediation/plan';
import { canonicalDocument } from '../aws/remediation-writer';
import { snapshotPaths } from './snapshot-store';

/**
 * Enforce on an offline snapshot (`warden replay --snapshot DIR --mode enforce`, `warden undo`):
 * the same plan steps the AWS writer performs, applied to the snapshot's JSON files instead
 * (DESIGN.md §7). Documents are written decoded, as the AWS CLI prints them when it decodes. Only
 * the fields a step changes are touched; every other field of a file stays as it was.
 */

type Json = Record<string, unknown>;

/** A step that names something the snapshot does not hold. */
class SnapshotEntityMissing extends ResourceGoneError {}

const PRINCIPAL_LISTS = { Role: 'RoleDetailList', User: 'UserDetailList', Group: 'GroupDetailList' } as const;
type Kind = keyof typeof PRINCIPAL_LISTS;

function str(params: Readonly<Record<string, unknown>>, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw new InvalidInputError(`snapshot step needs ${key}`);
  return value;
}

function kindOf(action: string): Kind {
  const match = /(Role|User|Group)(Policy|PolicyVersion)?$/.exec(action);
  return (match?.[1] ?? 'Role') as Kind;
}

/** Reads and writes the snapshot's JSON files. */
class Files {
  constructor(private readonly dir: string) {}

  async read(relative: string): Promise<Json | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, relative), 'utf8')) as Json;
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return undefined;
      throw new InvalidInputError(`snapshot file ${relative} cannot be read`, { cause: error });
    }
  }

  async write(relative: string, value: Json): Promise<void> {
    const file = join(this.dir, relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(value, null, 4)}\n`);
  }

  async remove(relative: string): Promise<void> {
    await rm(join(this.dir, relative), { force: true });
  }
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function parsedDocument(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:(?<region>[a-z0-9-]+):\d{12}:function:(?<name>[A-Za-z0-9_-]+)/;

function functionOf(params: Readonly<Record<string, unknown>>): { region: string; name: string; qualifier?: string } {
  const groups = LAMBDA_ARN.exec(str(params, 'FunctionName'))?.groups;
  const region = groups?.['region'];
  const name = groups?.['name'];
  if (region === undefined || name === undefined) throw new InvalidInputError('snapshot Lambda steps need a function ARN');
  const qualifier = params['Qualifier'];
  return { region, name, ...(typeof qualifier === 'string' ? { qualifier } : {}) };
}

type Editor = (details: Json, params: Readonly<Record<string, unknown>>, action: string) => void;

function principal(details: Json, action: string, params: Readonly<Record<string, unknown>>): Json {
  const kind = kindOf(action);
  const name = str(params, `${kind}Name`);
  const found = list(details[PRINCIPAL_LISTS[kind]]).find((entry) => entry[`${kind}Name`] === name);
  if (found === undefined) throw new SnapshotEntityMissing(`${kind.toLowerCase()} ${name} is not in the snapshot`);
  return found;
}

function managed(details: Json, arn: string): Json {
  const found = list(details['Policies']).find((policy) => policy['Arn'] === arn);
  if (found === undefined) throw new SnapshotEntityMissing(`policy ${arn} is not in the snapshot`);
  return found;
}

const IAM_EDITORS: Readonly<Record<string, Editor>> = {
  attach: (details, params, action) => {
    const entry = principal(details, action, params);
    const arn = str(params, 'PolicyArn');
    const attached = list(entry['AttachedManagedPolicies']).filter((policy) => policy['PolicyArn'] !== arn);
    entry['AttachedManagedPolicies'] = [...attached, { PolicyName: arn.split('/').pop() ?? arn, PolicyArn: arn }];
  },
  detach: (details, params, action) => {
    const entry = principal(details, action, params);
    entry['AttachedManagedPolicies'] = list(entry['AttachedManagedPolicies']).filter((policy) => policy['PolicyArn'] !== str(params, 'PolicyArn'));
  },
  put: (details, params, action) => {
    const entry = principal(details, action, params);
    const key = `${kindOf(action)}PolicyList`;
    const name = str(params, 'PolicyName');
    const others = list(entry[key]).filter((policy) => policy['PolicyName'] !== name);
    entry[key] = [...others, { PolicyName: name, PolicyDocument: parsedDocument(str(params, 'PolicyDocument')) }];
  },
  delete: (details, params, action) => {
    const entry = principal(details, action, params);
    const key = `${kindOf(action)}PolicyList`;
    entry[key] = list(entry[key]).filter((policy) => policy['PolicyName'] !== str(params, 'PolicyName'));
  },
  trust: (details, params) => {
    principal(details, 'Role', params)['AssumeRolePolicyDocument'] = parsedDocument(str(params, 'PolicyDocument'));
  },
  setDefault: (details, params) => {
    const policy = managed(details, str(params, 'PolicyArn'));
    const versionId = str(params, 'VersionId');
    const versions = list(policy['PolicyVersionList']);
    if (!versions.some((version) => version['VersionId'] === versionId)) throw new SnapshotEntityMissing(`version ${versionId} is not in the snapshot`);
    for (const version of versions) version['IsDefaultVersion'] = version['VersionId'] === versionId;
    policy['DefaultVersionId'] = versionId;
  },
  createPolicy: (details, params) => {
    const path = typeof params['Path'] === 'string' ? params['Path'] : '/';
    const name = str(params, 'PolicyName');
    const account = (details['__account'] as string | undefined) ?? '000000000000';
    const partition = (details['__partition'] as string | undefined) ?? 'aws';
    const arn = `arn:${partition}:iam::${account}:policy${path}${name}`;
    const others = list(details['Policies']).filter((policy) => policy['Arn'] !== arn);
    const version = { VersionId: 'v1', IsDefaultVersion: true, Document: parsedDocument(str(params, 'PolicyDocument')) };
    details['Policies'] = [...others, { PolicyName: name, Arn: arn, Path: path, DefaultVersionId: 'v1', AttachmentCount: 0, PolicyVersionList: [version] }];
  },
  deletePolicy: (details, params) => {
    details['Policies'] = list(details['Policies']).filter((policy) => policy['Arn'] !== str(params, 'PolicyArn'));
  },
};

const IAM_ACTIONS: Readonly<Record<string, keyof typeof IAM_EDITORS>> = {
  'iam:AttachRolePolicy': 'attach',
  'iam:AttachUserPolicy': 'attach',
  'iam:AttachGroupPolicy': 'attach',
  'iam:DetachRolePolicy': 'detach',
  'iam:DetachUserPolicy': 'detach',
  'iam:DetachGroupPolicy': 'detach',
  'iam:PutRolePolicy': 'put',
  'iam:PutUserPolicy': 'put',
  'iam:PutGroupPolicy': 'put',
  'iam:DeleteRolePolicy': 'delete',
  'iam:DeleteUserPolicy': 'delete',
  'iam:DeleteGroupPolicy': 'delete',
  'iam:UpdateAssumeRolePolicy': 'trust',
  'iam:SetDefaultPolicyVersion': 'setDefault',
  'iam:CreatePolicy': 'createPolicy',
  'iam:DeletePolicy': 'deletePolicy',
};

/** Applies plan steps to the snapshot's files. */
export class SnapshotStepRunner implements StepRunner {
  private readonly files: Files;

  constructor(private readonly dir: string) {
    this.files = new Files(dir);
  }

  async run(call: StepCall): Promise<void> {
    const iam = IAM_ACTIONS[call.action];
    if (iam !== undefined) return this.editIam(iam, call);
    if (call.action.startsWith('lambda:')) return this.editLambda(call);
    throw new InvalidInputError(`no snapshot writer for ${call.action}`);
  }

  private async editIam(editor: keyof typeof IAM_EDITORS, call: StepCall): Promise<void> {
    const path = snapshotPaths.authorizationDetails();
    const details = (await this.files.read(path)) ?? {};
    const account = await this.files.read(snapshotPaths.account());
    const scratch: Json = { ...details, __account: account?.['accountId'], __partition: account?.['partition'] };
    (IAM_EDITORS[editor] as Editor)(scratch, call.params, call.action);
    const { __account: _a, __partition: _p, ...result } = scratch;
    await this.files.write(path, result);
  }

  private async editLambda(call: StepCall): Promise<void> {
    const fn = functionOf(call.params);
    const params = call.params;
    switch (call.action) {
      case 'lambda:UpdateFunctionUrlConfig': {
        const path = snapshotPaths.urlConfigs(fn.region, fn.name);
        const file = await this.files.read(path);
        const suffix = fn.qualifier === undefined ? '' : `:${fn.qualifier}`;
        const url = list(file?.['FunctionUrlConfigs']).find((entry) => String(entry['FunctionArn']).endsWith(`:function:${fn.name}${suffix}`));
        if (file === undefined || url === undefined) throw new SnapshotEntityMissing(`function ${fn.name} has no URL in the snapshot`);
        for (const key of ['AuthType', 'Cors', 'InvokeMode']) if (params[key] !== undefined) url[key] = params[key];
        return this.files.write(path, file);
      }
      case 'lambda:RemovePermission':
      case 'lambda:AddPermission':
        return this.editStatements(fn, call);
      case 'lambda:PutFunctionConcurrency':
        return this.files.write(snapshotPaths.concurrency(fn.region, fn.name), { ReservedConcurrentExecutions: params['ReservedConcurrentExecutions'] });
      case 'lambda:DeleteFunctionConcurrency':
        return this.files.remove(snapshotPaths.concurrency(fn.region, fn.name));
      default:
        throw new InvalidInputError(`no snapshot writer for ${call.action}`);
    }
  }

  private async editStatements(fn: { region: string; name: string; qualifier?: string }, call: StepCall): Promise<void> {
    const path = snapshotPaths.policy(fn.region, fn.name, fn.qualifier);
    const file = (await this.files.read(path)) ?? {};
    const policy = (typeof file['Policy'] === 'string' ? JSON.parse(file['Policy']) : (file['Policy'] ?? { Version: '2012-10-17', Id: 'default', Statement: [] })) as Json;
    const sid = str(call.params, 'StatementId');
    const others = list(policy['Statement']).filter((statement) => statement['Sid'] !== sid);
    policy['Statement'] = call.action === 'lambda:RemovePermission' ? others : [...others, statementOf(call.params)];
    await this.files.write(path, { ...file, Policy: JSON.stringify(policy) });
  }
}

/** The statement AddPermission would write (the inverse of the parameter mapping of remove-public-statements). */
function statementOf(params: Readonly<Record<string, unknown>>): Json {
  const principalText = str(params, 'Principal');
  const principalValue = principalText === '*' ? '*' : principalText.includes('.amazonaws.com') ? { Service: principalText } : { AWS: principalText };
  const conditions: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: unknown): void => {
    if (typeof value !== 'string') return;
    conditions[operator] = { ...(conditions[operator] ?? {}), [key]: value };
  };
  add('ArnLike', 'AWS:SourceArn', params['SourceArn']);
  add('StringEquals', 'AWS:SourceAccount', params['SourceAccount']);
  add('StringEquals', 'aws:PrincipalOrgID', params['PrincipalOrgID']);
  add('StringEquals', 'lambda:FunctionUrlAuthType', params['FunctionUrlAuthType']);
  add('StringEquals', 'lambda:EventSourceToken', params['EventSourceToken']);
  if (params['InvokedViaFunctionUrl'] === true) add('Bool', 'lambda:InvokedViaFunctionUrl', 'true');
  const resource = str(params, 'FunctionName') + (typeof params['Qualifier'] === 'string' ? `:${params['Qualifier']}` : '');
  return {
    Sid: str(params, 'StatementId'),
    Effect: 'Allow',
    Principal: principalValue,
    Action: str(params, 'Action'),
    Resource: resource,
    ...(Object.keys(conditions).length === 0 ? {} : { Condition: conditions }),
  };
}

/**
 * Verifies snapshot steps by re-reading the files: the snapshot is written by this process only,
 * so a step that did not throw is in effect; only Lambda statements and documents are checked.
 */
export class SnapshotStateVerifier implements StateVerifier {
  private readonly files: Files;

  constructor(dir: string) {
    this.files = new Files(dir);
  }

  async verify(call: StepCall): Promise<Verification> {
    if (call.action === 'lambda:RemovePermission' || call.action === 'lambda:AddPermission') {
      const fn = functionOf(call.params);
      const file = await this.files.read(snapshotPaths.policy(fn.region, fn.name, fn.qualifier));
      const text = typeof file?.['Policy'] === 'string' ? file['Policy'] : JSON.stringify(file?.['Policy'] ?? {});
      const present = list((JSON.parse(text) as Json)['Statement']).some((statement) => statement['Sid'] === call.params['StatementId']);
      return present === (call.action === 'lambda:AddPermission') ? { state: 'holds' } : { state: 'differs', detail: 'statement state differs' };
    }
    if (call.action === 'iam:UpdateAssumeRolePolicy') {
      const details = await this.files.read(snapshotPaths.authorizationDetails());
      const role = list(details?.['RoleDetailList']).find((entry) => entry['RoleName'] === call.params['RoleName']);
      const raw = role?.['AssumeRolePolicyDocument'];
      const actual = canonicalDocument(typeof raw === 'string' ? raw : JSON.stringify(raw));
      return actual !== undefined && actual === canonicalDocument(String(call.params['PolicyDocument'])) ? { state: 'holds' } : { state: 'differs', detail: 'trust policy differs' };
    }
    return { state: 'unknown', detail: 'snapshot steps are verified by the writer itself' };
  }
}
