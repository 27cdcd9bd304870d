import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { lambdaRegistry } from '../../domain/detectors/lambda-detectors';
import { baseClientConfig } from '../aws/client-config';
import { fingerprintSecretFromEnv, SecretFingerprintKey } from '../aws/fingerprint-key';
import { LambdaGateway } from '../aws/lambda-gateway';
import { configFromEnv } from '../config/load-config';
import { findingBusFromEnv, type DetectorDeps } from './detector-deps';

/**
 * Dependencies of `detectLambda`: one Lambda client per region (events are forwarded from every
 * region to the home bus), the fingerprint key (read on first use, once per container) and the
 * finding bus. Fails closed on bad configuration.
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
    registry: lambdaRegistry(),
    readers: {
      lambda: new LambdaGateway(lambdaIn),
      fingerprintKey: new SecretFingerprintKey(fingerprintSecretFromEnv(env), new SSMClient(baseClientConfig({}))),
    },
    publisher: findingBusFromEnv(env),
  };
}
