/**
 * Client configuration shared by every SDK client, in a module of its own so a Lambda bundle that
 * needs one client does not pull in the others (see clients.ts for the CLI's factory).
 */

/** Retry settings applied to every client. */
export interface RetryOptions {
  /** Total attempts including the first. Default 3: EventBridge retries the whole event anyway. */
  readonly maxAttempts?: number;
  /**
   * `standard` (default): exponential backoff with jitter. `adaptive` adds client-side rate
   * limiting after throttling, worth it for bulk reads such as `sweep` and `warden audit`.
   */
  readonly retryMode?: 'standard' | 'adaptive';
}

/** Options for {@link createAwsClients}. */
export interface AwsClientsOptions extends RetryOptions {
  /** Region for non-regional lookups (IAM, STS) and the default for regional ones; else the SDK chain. */
  readonly region?: string;
}

/** The constructor config every client shares. */
export interface BaseClientConfig {
  readonly region?: string;
  readonly maxAttempts: number;
  readonly retryMode: 'standard' | 'adaptive';
}

/** Default retry settings: 3 attempts, standard mode. */
export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 3, retryMode: 'standard' };

/** Builds the config a client is constructed with; `region` absent means "SDK chain decides". */
export function baseClientConfig(options: AwsClientsOptions, region?: string): BaseClientConfig {
  const chosen = region ?? options.region;
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    retryMode: options.retryMode ?? DEFAULT_RETRY.retryMode,
    ...(chosen === undefined ? {} : { region: chosen }),
  };
}

