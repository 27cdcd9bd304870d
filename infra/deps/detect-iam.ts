import { IAMClient } from '@aws-sdk/client-iam';
import { iamRegistry } from '../../domain/detectors/iam-detectors';
import { baseClientConfig } from '../aws/client-config';
import { IamGateway } from '../aws/iam-gateway';
import { configFromEnv } from '../config/load-config';
import { findingBusFromEnv, type DetectorDeps } from './detector-deps';

/**
 * Dependencies of `detectIam`: the IAM reader and the finding bus, nothing else, so the bundle
 * carries no other SDK client. Fails closed on bad configuration.
 */
export function detectIamDeps(env: NodeJS.ProcessEnv = process.env): DetectorDeps {
  return {
    config: configFromEnv(env),
    registry: iamRegistry(),
    readers: { iam: new IamGateway(new IAMClient(baseClientConfig({}))) },
    publisher: findingBusFromEnv(env),
  };
}
