import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { paginateGetAccountAuthorizationDetails, type IAMClient } from '@aws-sdk/client-iam';
import { paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../../domain/errors';
import type { FunctionConfigurationState, FunctionUrlState, LambdaReader } from '../../domain/ports';
import { translateSdkError } from '../aws/sdk-errors';
import type { LambdaClientForRegion } from '../aws/lambda-gateway';
import { snapshotPaths } from './snapshot-store';

/**
 * Writes the offline snapshot of DESIGN.md §7 from a live account: the AWS CLI's own JSON shapes,
 * so `SnapshotStore` (and people) read it back. Function configurations hold environment values,
 * so the directory is created 0700 and every file 0600. The snapshot is written into a sibling
 * temporary directory and renamed into place at the end: an interrupted run leaves no half
 * snapshot where a later replay or audit would trust it.
 */

/** The IAM actions `warden snapshot --live` calls, for the README's permissions table. */
export const snapshotWriterActions = [
  'sts:GetCallerIdentity',
  'iam:GetAccountAuthorizationDetails',
  'lambda:ListFunctions',
  'lambda:ListVersionsByFunction',
  'lambda:ListAliases',
  'lambda:GetPolicy',
  'lambda:ListFunctionUrlConfigs',
  'lambda:GetFunctionConcurrency',
  'lambda:ListTags',
] as const;

/** Where the snapshot's data comes from. */
export interface SnapshotSources {
  readonly sts: STSClient;
  readonly iam: IAMClient;
  readonly lambdaClient: LambdaClientForRegion;
  /** Per-function reads (policies, URLs, versions, aliases, concurrency, tags). */
  readonly lambda: LambdaReader;
}

/** Progress of a long run: `done` of `total` units in `phase`. */
export type SnapshotProgress = (phase: string, done: number, total: number) => void;

/** What a snapshot run wrote. */
export interface SnapshotSummary {
  readonly dir: string;
  readonly accountId: string;
  readonly roles: number;
  readonly users: number;
  readonly groups: number;
  readonly policies: number;
  readonly functions: number;
  readonly regions: readonly string[];
}

/** How many functions are read at once per region; the clients' adaptive retries absorb throttling. */
const FUNCTION_CONCURRENCY = 8;

/** Takes a snapshot of the account into `outDir`, which must not exist or be empty. */
export async function writeSnapshot(outDir: string, sources: SnapshotSources, regions: readonly string[], progress: SnapshotProgress = () => undefined): Promise<SnapshotSummary> {
  if (regions.length === 0) throw new InvalidInputError('snapshot needs at least one region');
  const target = resolve(outDir);
  await assertWritableTarget(target);
  const staging = `${target}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const summary = await writeInto(staging, sources, regions, progress);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return { ...summary, dir: target };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function writeInto(dir: string, sources: SnapshotSources, regions: readonly string[], progress: SnapshotProgress): Promise<SnapshotSummary> {
  const account = await callerAccount(sources.sts);
  await writeJson(dir, snapshotPaths.account(), account);
  progress('iam', 0, 1);
  const iam = await authorizationDetails(sources.iam);
  await writeJson(dir, snapshotPaths.authorizationDetails(), iam);
  progress('iam', 1, 1);
  let functions = 0;
  for (const region of regions) functions += await writeRegion(dir, region, sources, progress);
  return {
    dir,
    accountId: account.accountId,
    roles: iam.RoleDetailList.length,
    users: iam.UserDetailList.length,
    groups: iam.GroupDetailList.length,
    policies: iam.Policies.length,
    functions,
    regions,
  };
}

async function assertWritableTarget(target: string): Promise<void> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new InvalidInputError(`snapshot output ${target} exists and is not a directory`);
  if ((await readdir(target)).length > 0) throw new InvalidInputError(`snapshot output ${target} is not empty: choose a new directory`);
}

async function callerAccount(sts: STSClient): Promise<{ accountId: string; partition: string }> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const partition = /^arn:(aws(?:-cn|-us-gov)?):/.exec(identity.Arn ?? '')?.[1] ?? 'aws';
    return { accountId: identity.Account ?? '', partition };
  } catch (error) {
    throw translateSdkError(error, 'sts:GetCallerIdentity');
  }
}

interface AuthorizationDetails {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

/** Every page of GetAccountAuthorizationDetails merged, as `aws iam get-account-authorization-details` prints it. */
async function authorizationDetails(iam: IAMClient): Promise<AuthorizationDetails> {
  const merged: AuthorizationDetails = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  try {
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, {})) {
      merged.UserDetailList.push(...(page.UserDetailList ?? []));
      merged.GroupDetailList.push(...(page.GroupDetailList ?? []));
      merged.RoleDetailList.push(...(page.RoleDetailList ?? []));
      merged.Policies.push(...(page.Policies ?? []));
    }
  } catch (error) {
    throw translateSdkError(error, 'iam:GetAccountAuthorizationDetails');
  }
  return merged;
}

async function writeRegion(dir: string, region: string, sources: SnapshotSources, progress: SnapshotProgress): Promise<number> {
  const functions = await listFunctions(sources.lambdaClient, region);
  await writeJson(dir, snapshotPaths.functions(region), { Functions: functions });
  let done = 0;
  progress(`lambda ${region}`, done, functions.length);
  const queue = [...functions];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      await writeFunction(dir, region, next, sources.lambda);
      done += 1;
      progress(`lambda ${region}`, done, functions.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FUNCTION_CONCURRENCY, functions.length) }, worker));
  return functions.length;
}

async function listFunctions(clientFor: LambdaClientForRegion, region: string): Promise<FunctionConfiguration[]> {
  const functions: FunctionConfiguration[] = [];
  try {
    for await (const page of paginateListFunctions({ client: clientFor(region) }, {})) functions.push(...(page.Functions ?? []));
  } catch (error) {
    throw translateSdkError(error, `lambda:ListFunctions (${region})`);
  }
  return functions;
}

/** The per-function files; a file is written only when there is something in it ("missing means none"). */
async function writeFunction(dir: string, region: string, fn: FunctionConfiguration, lambda: LambdaReader): Promise<void> {
  const name = fn.FunctionName;
  if (name === undefined) return;
  const [versions, aliases, policy, urls, concurrency, tags] = await Promise.all([
    lambda.listVersions(region, name),
    lambda.listAliases(region, name),
    lambda.getPolicy(region, name),
    lambda.listUrlConfigs(region, name),
    lambda.getReservedConcurrency(region, name),
    fn.FunctionArn === undefined ? Promise.resolve({}) : lambda.getTags(region, fn.FunctionArn),
  ]);
  const published = versions.filter((version) => version.version !== '$LATEST');
  if (published.length > 0) await writeJson(dir, snapshotPaths.versions(region, name), { Versions: published.map(toCliConfiguration) });
  if (aliases.length > 0) await writeJson(dir, snapshotPaths.aliases(region, name), { Aliases: aliases.map((a) => ({ Name: a.name, AliasArn: a.aliasArn, FunctionVersion: a.functionVersion })) });
  if (policy !== undefined) await writeJson(dir, snapshotPaths.policy(region, name), { Policy: policy });
  // Policies on aliases and versions are separate documents: read each qualifier the function has.
  for (const qualifier of [...aliases.map((a) => a.name), ...published.map((v) => v.version)]) {
    const qualified = await lambda.getPolicy(region, name, qualifier);
    if (qualified !== undefined) await writeJson(dir, snapshotPaths.policy(region, name, qualifier), { Policy: qualified });
  }
  if (urls.length > 0) await writeJson(dir, snapshotPaths.urlConfigs(region, name), { FunctionUrlConfigs: urls.map(toCliUrl) });
  if (concurrency !== undefined) await writeJson(dir, snapshotPaths.concurrency(region, name), { ReservedConcurrentExecutions: concurrency });
  if (Object.keys(tags).length > 0) await writeJson(dir, snapshotPaths.tags(region, name), { Tags: tags });
}

function toCliConfiguration(state: FunctionConfigurationState): Record<string, unknown> {
  const environment = state.environment;
  return {
    FunctionName: state.functionName,
    FunctionArn: state.functionArn,
    Version: state.version,
    ...(state.role === undefined ? {} : { Role: state.role }),
    ...(state.revisionId === undefined ? {} : { RevisionId: state.revisionId }),
    ...(environment === undefined
      ? {}
      : {
          Environment: {
            ...(environment.variables === undefined ? {} : { Variables: environment.variables }),
            ...(environment.error === undefined ? {} : { Error: { ErrorCode: environment.error.errorCode, Message: environment.error.message } }),
          },
        }),
  };
}

function toCliUrl(url: FunctionUrlState): Record<string, unknown> {
  return {
    FunctionUrl: url.functionUrl,
    FunctionArn: url.functionArn,
    AuthType: url.authType,
    ...(url.cors === undefined ? {} : { Cors: url.cors }),
    ...(url.invokeMode === undefined ? {} : { InvokeMode: url.invokeMode }),
  };
}

async function writeJson(dir: string, relative: string, data: unknown): Promise<void> {
  const file = join(dir, relative);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
}
