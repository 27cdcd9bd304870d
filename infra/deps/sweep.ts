import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { SweepDeps } from '../../domain/audit/sweep';
import { ConfigError } from '../../domain/errors';
import { AlertTopic } from '../aws/alert-topic';
import { baseClientConfig } from '../aws/client-config';
import { CloudTrailGateway } from '../aws/cloudtrail-gateway';
import { SecretFingerprintKey } from '../aws/fingerprint-key';
import { IamGateway } from '../aws/iam-gateway';
import { LambdaGateway } from '../aws/lambda-gateway';
import { LiveInventory } from '../aws/live-inventory';
import { DynamoDbLedger } from '../ledger/dynamodb-ledger';
import { DynamoDbSweepState } from '../ledger/dynamodb-sweep-state';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${name} is not set`);
  return value;
}

/** The regions whose functions the sweep audits: `WARDEN_SWEEP_REGIONS`, else the home region. */
export function sweepRegions(env: NodeJS.ProcessEnv): string[] {
  const listed = (env.WARDEN_SWEEP_REGIONS ?? '').split(',').map((region) => region.trim()).filter((region) => region !== '');
  return listed.length > 0 ? listed : [env.WARDEN_HOME_REGION ?? env.AWS_REGION ?? 'us-east-1'];
}

/** Dependencies of `sweep`: the live account, the ledger table and the alerts topic. Fails closed on bad configuration. */
export function sweepDeps(env: NodeJS.ProcessEnv = process.env): SweepDeps {
  const table = required(env, 'WARDEN_LEDGER_TABLE');
  const config = baseClientConfig({});
  const lambdaClients = new Map<string, LambdaClient>();
  const lambda = (region: string): LambdaClient => {
    let client = lambdaClients.get(region);
    if (client === undefined) lambdaClients.set(region, (client = new LambdaClient(baseClientConfig({}, region))));
    return client;
  };
  const iam = new IAMClient(config);
  const dynamo = new DynamoDBClient(config);
  return {
    inventory: new LiveInventory({ sts: new STSClient(config), iam, lambda }, sweepRegions(env)),
    readers: {
      iam: new IamGateway(iam),
      lambda: new LambdaGateway(lambda),
      fingerprintKey: new SecretFingerprintKey(required(env, 'WARDEN_FINGERPRINT_SECRET'), new SSMClient(config)),
    },
    trails: new CloudTrailGateway(new CloudTrailClient(config)),
    homeRegion: env.WARDEN_HOME_REGION ?? env.AWS_REGION ?? 'us-east-1',
    state: new DynamoDbSweepState(dynamo, table),
    ledger: new DynamoDbLedger(dynamo, table),
    alerts: new AlertTopic(new SNSClient(config), required(env, 'WARDEN_TOPIC_ARN')),
    now: () => new Date(),
  };
}
