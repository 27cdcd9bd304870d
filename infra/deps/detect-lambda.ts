import { LambdaClient } from '@aws-sdk/client-lambda';
import { defaultRegistry } from '../../domain/detectors/registry';
import { baseClientConfig } from '../aws/client-config';
import { LambdaGateway } from '../aws/lambda-gateway';
import { configFromEnv } from '../config/load-config';
import { findingBusFromEnv, type DetectorDeps } from './detector-deps';

/**
 * Dependencies of `detectLambda`: one Lambda client per region (events are forwarded from every
 * region to the home bus) and the finding bus. Fails closed on bad configuration.
 */
export function detectLambdaDeps(env: NodeJS.ProcessEnv = process.env): DetectorDeps {
  const clients = new Map<string, LambdaClient>();
  const lambdaIn = (region: string): LambdaClient => {
    const client = clients.get(region) ?? new LambdaClient(baseClientConfig({}, region));
    clients.set(region, client);
    return client;
  };
  return {
    config: configFromEnv(env),
    registry: defaultRegistry.only('detectLambda'),
    readers: { lambda: new LambdaGateway(lambdaIn) },
    publisher: findingBusFromEnv(env),
  };
}
