import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { isNotFound, translateSdkError } from './sdk-errors';

/** IAM actions this adapter calls. */
export const modeSwitchActions = ['ssm:GetParameter'] as const;

/**
 * The runtime mode switch (DESIGN.md §4): an SSM String parameter whose value may only lower the
 * configured mode. Read at most once per `ttlMs` so an operator's switch takes effect within a
 * minute without an SSM call per finding. A missing parameter means "no switch".
 */
export class ModeSwitchParameter {
  private cached: { readonly value: string | undefined; readonly at: number } | undefined;

  constructor(
    private readonly name: string,
    private readonly client: SSMClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The parameter's value, or undefined when it does not exist. @throws translated SDK errors (fail closed: the caller retries). */
  async value(): Promise<string | undefined> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.value;
    let value: string | undefined;
    try {
      value = (await this.client.send(new GetParameterCommand({ Name: this.name }))).Parameter?.Value;
    } catch (error) {
      if (!isNotFound(error)) throw translateSdkError(error, 'ssm:GetParameter');
      value = undefined;
    }
    this.cached = { value, at: this.now() };
    return value;
  }
}
