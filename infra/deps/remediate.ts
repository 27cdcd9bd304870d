import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { WardenConfig } from '../../domain/config';
import { applyModeSwitch } from '../../domain/decide';
import { ConfigError } from '../../domain/errors';
import type { AlertPublisher, Ledger, StateReaders } from '../../domain/ports';
import { Executor } from '../../domain/remediation/executor';
import { remediations } from '../../domain/remediation/registry';
import { AlertTopic, alertTopicActions } from '../aws/alert-topic';
import { baseClientConfig } from '../aws/client-config';
import { IamGateway } from '../aws/iam-gateway';
import { LambdaGateway } from '../aws/lambda-gateway';
import { ModeSwitchParameter, modeSwitchActions } from '../aws/mode-switch-parameter';
import { AwsStateVerifier, AwsStepRunner } from '../aws/remediation-writer';
import { configFromEnv } from '../config/load-config';
import { DynamoDbLedger, dynamoLedgerActions } from '../ledger/dynamodb-ledger';

/** What the `remediate` Lambda needs, built once per cold start. */
export interface RemediateDeps {
  /** The configuration before the runtime switch (the handler lowers it per invocation). */
  readonly config: WardenConfig;
  readonly readers: StateReaders;
  readonly ledger: Ledger;
  readonly executor: Executor;
  readonly publisher: AlertPublisher;
  readonly ledgerTable: string;
  /** The runtime switch; absent when no parameter is configured. */
  readonly modeSwitch?: { value(): Promise<string | undefined> };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`${name} is not set`);
  return value.trim();
}

/**
 * A deployment packaged with `enforcement=disabled` (the default) gives this function no write
 * permission at all, so every mode is lowered to notify here: plans are shown, never attempted
 * (an attempt could only end in AccessDenied).
 */
export function withinDeployment(config: WardenConfig, env: NodeJS.ProcessEnv): WardenConfig {
  return env.WARDEN_ENFORCEMENT?.trim() === 'disabled' ? applyModeSwitch(config, 'notify').config : config;
}

/** One Lambda client per region (findings name functions in any region), built on first use. */
function lambdaClients(): (region: string) => LambdaClient {
  const clients = new Map<string, LambdaClient>();
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) clients.set(region, (client = new LambdaClient(baseClientConfig({}, region))));
    return client;
  };
}

/**
 * Dependencies of `remediate`: IAM and Lambda readers, the DynamoDB ledger, the executor with the
 * SDK step runner and verifier, the alerts topic and the mode switch. Fails closed on bad
 * configuration (a ConfigError at cold start).
 */
export function remediateDeps(env: NodeJS.ProcessEnv = process.env): RemediateDeps {
  const config = withinDeployment(configFromEnv(env), env);
  const ledgerTable = required(env, 'WARDEN_LEDGER_TABLE');
  const topicArn = required(env, 'WARDEN_TOPIC_ARN');
  // Only the clients this function calls, built here rather than through clients.ts: that factory
  // imports every SDK client Warden has, and each one the bundle carries lengthens the cold start.
  const iam = new IAMClient(baseClientConfig({}));
  const lambda = lambdaClients();
  const writerClients = { iam, lambda };
  const defaultRegion = env.AWS_REGION;
  const options = defaultRegion === undefined ? {} : { defaultRegion };
  const ledger = new DynamoDbLedger(new DynamoDBClient(baseClientConfig({})), ledgerTable);
  const switchName = env.WARDEN_MODE_SWITCH_PARAMETER?.trim();
  return {
    config,
    readers: { iam: new IamGateway(iam), lambda: new LambdaGateway(lambda) },
    ledger,
    executor: new Executor({ ledger, runner: new AwsStepRunner(writerClients, options), verifier: new AwsStateVerifier(writerClients, options) }),
    publisher: new AlertTopic(new SNSClient(baseClientConfig({})), topicArn),
    ledgerTable,
    ...(switchName === undefined || switchName === '' ? {} : { modeSwitch: new ModeSwitchParameter(switchName, new SSMClient(baseClientConfig({}))) }),
  };
}

/**
 * The AWS actions the `remediate` function's code calls: the registered remediations' declared
 * actions (forward steps and the reads that plan and verify them), the ledger, the alerts topic
 * (encrypted: a data key on the caller's behalf) and the mode switch. Its role grants exactly these.
 */
export const remediateActions: readonly string[] = [
  ...new Set([...remediations.flatMap((remediation) => remediation.permissions), ...dynamoLedgerActions, ...alertTopicActions, 'kms:GenerateDataKey', 'kms:Decrypt', ...modeSwitchActions]),
];
