import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { WardenConfig } from '../../domain/config';
import type { DetectorRegistry } from '../../domain/detectors/registry';
import { ConfigError } from '../../domain/errors';
import type { FindingPublisher, StateReaders } from '../../domain/ports';
import { baseClientConfig } from '../aws/client-config';
import { FindingBus } from '../aws/finding-bus';

/** What a detector Lambda needs, built once per cold start. */
export interface DetectorDeps {
  readonly config: WardenConfig;
  readonly registry: DetectorRegistry;
  readonly readers: StateReaders;
  readonly publisher: FindingPublisher;
}

/** The publisher of findings to Warden's bus, named by `WARDEN_BUS_NAME`. */
export function findingBusFromEnv(env: NodeJS.ProcessEnv): FindingBus {
  const busName = env.WARDEN_BUS_NAME;
  if (busName === undefined || busName === '') throw new ConfigError('WARDEN_BUS_NAME is not set');
  return new FindingBus(new EventBridgeClient(baseClientConfig({})), busName);
}
