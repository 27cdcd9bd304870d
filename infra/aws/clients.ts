import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { baseClientConfig, type AwsClientsOptions, type BaseClientConfig } from './client-config';

export { baseClientConfig, DEFAULT_RETRY, type AwsClientsOptions, type BaseClientConfig, type RetryOptions } from './client-config';

/**
 * One place that builds AWS SDK clients (used by infra/deps.ts and the CLI's `--live`).
 *
 * Configuration is the SDK's own standard chain, deliberately not re-implemented here:
 * credentials (env, SSO, profiles, web identity, container/IMDS), `AWS_REGION`/`AWS_PROFILE`, and
 * `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` / `endpoint_url` in the config file, which
 * SDK v3 resolves natively (smithy `getEndpointUrlConfig`, verified in the pinned version), so no
 * `endpoint` is ever passed from here.
 */

/** The SDK clients Warden uses, built lazily; regional clients are cached per region. */
export interface AwsClients {
  /** IAM is global: one client, whose region only selects the partition's endpoint. */
  iam(): IAMClient;
  sts(): STSClient;
  lambda(region: string): LambdaClient;
  dynamodb(region?: string): DynamoDBClient;
  sns(region?: string): SNSClient;
  eventBridge(region?: string): EventBridgeClient;
  ssm(region?: string): SSMClient;
  cloudTrail(region?: string): CloudTrailClient;
}

/** A lazily built client per key (region, or '' for the default region). */
function perRegion<T>(create: (region: string | undefined) => T): (region?: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    const key = region ?? '';
    let client = cache.get(key);
    if (client === undefined) {
      client = create(region);
      cache.set(key, client);
    }
    return client;
  };
}

/**
 * Creates the client factory. Clients are reused across calls (and across warm Lambda
 * invocations when the factory is built at module scope), which keeps connections alive.
 */
export function createAwsClients(options: AwsClientsOptions = {}): AwsClients {
  const config = (region?: string): BaseClientConfig => baseClientConfig(options, region);
  const iam = perRegion(() => new IAMClient(config()));
  const sts = perRegion(() => new STSClient(config()));
  const lambda = perRegion((region) => new LambdaClient(config(region)));
  const dynamodb = perRegion((region) => new DynamoDBClient(config(region)));
  const sns = perRegion((region) => new SNSClient(config(region)));
  const eventBridge = perRegion((region) => new EventBridgeClient(config(region)));
  const ssm = perRegion((region) => new SSMClient(config(region)));
  const cloudTrail = perRegion((region) => new CloudTrailClient(config(region)));
  return {
    iam: () => iam(),
    sts: () => sts(),
    lambda: (region) => lambda(region),
    dynamodb,
    sns,
    eventBridge,
    ssm,
    cloudTrail,
  };
}
