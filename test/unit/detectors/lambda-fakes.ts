import type { AliasState, FingerprintKeySource, FunctionConfigurationState, FunctionEnvironment, FunctionUrlState, LambdaReader } from '../../../domain/ports';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

/** The unqualified ARN of a function of the fake account. */
export function functionArn(name: string, region = REGION): string {
  return `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
}

/** A resource policy as Lambda returns it (JSON text). */
export function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

interface FakeFunction {
  readonly versions: FunctionConfigurationState[];
  readonly aliases: AliasState[];
  readonly policies: Map<string, string>;
  readonly urls: FunctionUrlState[];
  concurrency?: number;
  tags: Record<string, string>;
}

/** An in-memory Lambda service answering the LambdaReader port (a fake that holds real state). */
export class InMemoryLambda implements LambdaReader {
  private readonly functions = new Map<string, FakeFunction>();
  /** Every call, to check what was read (never what was returned). */
  readonly calls: string[] = [];

  fn(name: string, environment?: FunctionEnvironment, region = REGION): this {
    const latest: FunctionConfigurationState = { functionArn: functionArn(name, region), functionName: name, version: '$LATEST', region, ...(environment ? { environment } : {}) };
    this.functions.set(`${region}/${name}`, { versions: [latest], aliases: [], policies: new Map(), urls: [], tags: {} });
    return this;
  }

  version(name: string, version: string, environment?: FunctionEnvironment, region = REGION): this {
    this.get(region, name).versions.push({ functionArn: `${functionArn(name, region)}:${version}`, functionName: name, version, region, ...(environment ? { environment } : {}) });
    return this;
  }

  alias(name: string, alias: string, version: string, region = REGION): this {
    this.get(region, name).aliases.push({ name: alias, aliasArn: `${functionArn(name, region)}:${alias}`, functionVersion: version });
    return this;
  }

  policy(name: string, document: string, qualifier?: string, region = REGION): this {
    this.get(region, name).policies.set(qualifier ?? '', document);
    return this;
  }

  url(name: string, authType: 'NONE' | 'AWS_IAM', qualifier?: string, region = REGION): this {
    const arn = `${functionArn(name, region)}${qualifier === undefined ? '' : `:${qualifier}`}`;
    this.get(region, name).urls.push({ functionUrl: `https://${name}${qualifier ?? ''}.lambda-url.${region}.on.aws/`, functionArn: arn, authType });
    return this;
  }

  concurrency(name: string, value: number, region = REGION): this {
    this.get(region, name).concurrency = value;
    return this;
  }

  delete(name: string, region = REGION): this {
    this.functions.delete(`${region}/${name}`);
    return this;
  }

  getFunction(region: string, functionName: string): Promise<FunctionConfigurationState | undefined> {
    this.calls.push(`getFunction ${region} ${functionName}`);
    return Promise.resolve(this.find(region, functionName)?.versions[0]);
  }

  listVersions(region: string, functionName: string): Promise<readonly FunctionConfigurationState[]> {
    this.calls.push(`listVersions ${region} ${functionName}`);
    return Promise.resolve(this.find(region, functionName)?.versions ?? []);
  }

  listAliases(region: string, functionName: string): Promise<readonly AliasState[]> {
    this.calls.push(`listAliases ${region} ${functionName}`);
    return Promise.resolve(this.find(region, functionName)?.aliases ?? []);
  }

  getPolicy(region: string, functionName: string, qualifier?: string): Promise<string | undefined> {
    this.calls.push(`getPolicy ${region} ${functionName} ${qualifier ?? ''}`);
    return Promise.resolve(this.find(region, functionName)?.policies.get(qualifier ?? ''));
  }

  listUrlConfigs(region: string, functionName: string): Promise<readonly FunctionUrlState[]> {
    this.calls.push(`listUrlConfigs ${region} ${functionName}`);
    return Promise.resolve(this.find(region, functionName)?.urls ?? []);
  }

  getReservedConcurrency(region: string, functionName: string): Promise<number | undefined> {
    return Promise.resolve(this.find(region, functionName)?.concurrency);
  }

  getTags(region: string, arn: string): Promise<Readonly<Record<string, string>>> {
    return Promise.resolve(this.find(region, arn)?.tags ?? {});
  }

  private get(region: string, name: string): FakeFunction {
    const found = this.functions.get(`${region}/${name}`);
    if (found === undefined) throw new Error(`no function ${name} in ${region}: call fn() first`);
    return found;
  }

  private find(region: string, ref: string): FakeFunction | undefined {
    const name = ref.includes(':function:') ? (ref.split(':function:')[1]?.split(':')[0] ?? ref) : ref;
    return this.functions.get(`${region}/${name}`);
  }
}

/** A fixed fingerprint key (tests only). */
export const testKey: FingerprintKeySource = { fingerprintKey: () => Promise.resolve('unit-test-fingerprint-key-0123456789') };
