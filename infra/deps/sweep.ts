import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { TrailReader } from '../../domain/ports';
import { baseClientConfig } from '../aws/client-config';
import { CloudTrailGateway } from '../aws/cloudtrail-gateway';

/** What `sweep` needs. */
export interface SweepDeps {
  readonly trails: TrailReader;
  readonly region: string;
}

/** Dependencies of `sweep`. */
export function sweepDeps(env: NodeJS.ProcessEnv = process.env): SweepDeps {
  return { trails: new CloudTrailGateway(new CloudTrailClient(baseClientConfig({}))), region: env.AWS_REGION ?? 'us-east-1' };
}
