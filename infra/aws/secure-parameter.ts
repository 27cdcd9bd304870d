import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../../domain/errors';
import { translateSdkError } from './sdk-errors';

/** IAM actions this adapter calls. */
export const secureParameterActions = ['ssm:GetParameter'] as const;

/** Reads a SecureString parameter once per container and caches it for `ttlMs`. */
export class SecureParameter {
  private cached: { readonly value: string; readonly at: number } | undefined;

  constructor(
    private readonly name: string,
    private readonly client: SSMClient,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async value(): Promise<string> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.value;
    let value: string | undefined;
    try {
      const response = await this.client.send(new GetParameterCommand({ Name: this.name, WithDecryption: true }));
      value = response.Parameter?.Value;
    } catch (error) {
      throw translateSdkError(error, 'ssm:GetParameter');
    }
    if (value === undefined || value === '') throw new ConfigError(`parameter ${this.name} is empty`);
    this.cached = { value, at: this.now() };
    return value;
  }
}
