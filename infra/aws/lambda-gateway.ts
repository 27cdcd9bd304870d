import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  ListTagsCommand,
  paginateListAliases,
  paginateListFunctionUrlConfigs,
  paginateListVersionsByFunction,
} from '@aws-sdk/client-lambda';
import type { AliasConfiguration, FunctionConfiguration, FunctionUrlConfig, LambdaClient } from '@aws-sdk/client-lambda';
import type {
  AliasState,
  FunctionConfigurationState,
  FunctionEnvironment,
  FunctionUrlState,
  LambdaReader,
} from '../../domain/ports';
import { isNotFound, translateSdkError } from './sdk-errors';

/**
 * Every Lambda action {@link LambdaGateway} calls (compared with the detector role by a contract
 * test). GetFunctionConfiguration rather than GetFunction: same configuration, and no pre-signed
 * URL to the code package, which the detector has no business reading.
 */
export const lambdaGatewayActions = [
  'lambda:GetFunctionConfiguration',
  'lambda:ListVersionsByFunction',
  'lambda:ListAliases',
  'lambda:GetPolicy',
  'lambda:ListFunctionUrlConfigs',
  'lambda:GetFunctionConcurrency',
  'lambda:ListTags',
] as const;

/** Gives the Lambda client of a region (see `AwsClients.lambda`). */
export type LambdaClientForRegion = (region: string) => LambdaClient;

/** Maps `Environment`; the values are passed on untouched and never appear in errors or logs. */
function toEnvironment(config: FunctionConfiguration): FunctionEnvironment | undefined {
  const environment = config.Environment;
  if (environment === undefined) return undefined;
  const error = environment.Error;
  return {
    ...(environment.Variables === undefined ? {} : { variables: environment.Variables }),
    ...(error === undefined ? {} : { error: { errorCode: error.ErrorCode ?? 'Unknown', message: error.Message ?? '' } }),
  };
}

export function toFunctionState(region: string, config: FunctionConfiguration): FunctionConfigurationState {
  const environment = toEnvironment(config);
  return {
    functionArn: config.FunctionArn ?? '',
    functionName: config.FunctionName ?? '',
    version: config.Version ?? '$LATEST',
    region,
    ...(environment === undefined ? {} : { environment }),
    ...(config.Role === undefined ? {} : { role: config.Role }),
    ...(config.RevisionId === undefined ? {} : { revisionId: config.RevisionId }),
  };
}

function toAliasState(alias: AliasConfiguration): AliasState {
  return { name: alias.Name ?? '', aliasArn: alias.AliasArn ?? '', functionVersion: alias.FunctionVersion ?? '' };
}

function toUrlState(url: FunctionUrlConfig): FunctionUrlState {
  return {
    functionUrl: url.FunctionUrl ?? '',
    functionArn: url.FunctionArn ?? '',
    // Anything but AWS_IAM is treated as NONE: an unknown auth type must not look private.
    authType: url.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
    ...(url.Cors === undefined ? {} : { cors: url.Cors }),
    ...(url.InvokeMode === undefined ? {} : { invokeMode: url.InvokeMode }),
  };
}

/** Runs `call`; "not found" gives `fallback` (the port's "none"), anything else is translated. */
async function orFallback<T, F>(context: string, fallback: F, call: () => Promise<T>): Promise<T | F> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return fallback;
    throw translateSdkError(error, context);
  }
}

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

/**
 * The live Lambda reader. Every method takes the region explicitly and uses that region's client;
 * a missing function reads as "none" (undefined, `[]` or `{}`).
 */
export class LambdaGateway implements LambdaReader {
  /** @param clientFor - the client of a region; by default cached clients from {@link createAwsClients}. */
  constructor(private readonly clientFor: LambdaClientForRegion) {}

  /** `$LATEST` (or the qualified version, when `functionName` carries one), with `Environment`. */
  async getFunction(region: string, functionName: string): Promise<FunctionConfigurationState | undefined> {
    return orFallback('lambda:GetFunctionConfiguration', undefined, async () => {
      const output = await this.clientFor(region).send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      return toFunctionState(region, output);
    });
  }

  /** As ListVersionsByFunction returns them: `$LATEST` first, then every published version. */
  async listVersions(region: string, functionName: string): Promise<readonly FunctionConfigurationState[]> {
    return orFallback('lambda:ListVersionsByFunction', [], async () => {
      const pages = paginateListVersionsByFunction({ client: this.clientFor(region) }, { FunctionName: functionName });
      const versions = await collect(pages, (page) => page.Versions);
      return versions.map((version) => toFunctionState(region, version));
    });
  }

  async listAliases(region: string, functionName: string): Promise<readonly AliasState[]> {
    return orFallback('lambda:ListAliases', [], async () => {
      const pages = paginateListAliases({ client: this.clientFor(region) }, { FunctionName: functionName });
      return (await collect(pages, (page) => page.Aliases)).map(toAliasState);
    });
  }

  /** The raw resource policy; undefined when there is none (Lambda answers 404 then). */
  async getPolicy(region: string, functionName: string, qualifier?: string): Promise<string | undefined> {
    return orFallback('lambda:GetPolicy', undefined, async () => {
      const input = { FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) };
      return (await this.clientFor(region).send(new GetPolicyCommand(input))).Policy;
    });
  }

  /** Every URL config of the function (unqualified and per alias). */
  async listUrlConfigs(region: string, functionName: string): Promise<readonly FunctionUrlState[]> {
    return orFallback('lambda:ListFunctionUrlConfigs', [], async () => {
      const pages = paginateListFunctionUrlConfigs({ client: this.clientFor(region) }, { FunctionName: functionName });
      return (await collect(pages, (page) => page.FunctionUrlConfigs)).map(toUrlState);
    });
  }

  async getReservedConcurrency(region: string, functionName: string): Promise<number | undefined> {
    return orFallback('lambda:GetFunctionConcurrency', undefined, async () => {
      const output = await this.clientFor(region).send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }));
      return output.ReservedConcurrentExecutions;
    });
  }

  async getTags(region: string, functionArn: string): Promise<Readonly<Record<string, string>>> {
    return orFallback('lambda:ListTags', {}, async () => {
      const output = await this.clientFor(region).send(new ListTagsCommand({ Resource: functionArn }));
      return output.Tags ?? {};
    });
  }
}
