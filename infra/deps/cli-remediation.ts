import type { Ledger, StateVerifier, StepRunner } from '../../domain/ports';
import { Executor } from '../../domain/remediation/executor';
import type { LedgerLocation } from '../../domain/remediation/undo-command';
import { AlertTopic } from '../aws/alert-topic';
import { createAwsClients } from '../aws/clients';
import { AwsStateVerifier, AwsStepRunner } from '../aws/remediation-writer';
import { DynamoDbLedger } from '../ledger/dynamodb-ledger';
import { DEFAULT_LEDGER_FILE, FileLedger, snapshotLedgerFile } from '../ledger/file-ledger';
import { SnapshotStateVerifier, SnapshotStepRunner } from '../snapshot/snapshot-step-runner';

/**
 * Where `warden replay --mode enforce` and `warden undo` keep the ledger and make changes
 * (DESIGN.md §7): `--live` changes the account, the ledger in the DynamoDB table `--ledger-table`
 * or a local file (`--ledger FILE`, default `.warden/ledger.jsonl`); `--snapshot DIR` changes the
 * snapshot files, the ledger in the snapshot directory.
 */
export type RemediationTarget =
  | { readonly kind: 'live'; readonly ledgerTable?: string; readonly ledgerFile?: string; readonly topicArn?: string }
  | { readonly kind: 'snapshot'; readonly dir: string; readonly topicArn?: string };

/** The ledger, executor and publisher of a CLI run. */
export interface CliRemediation {
  readonly ledger: Ledger;
  readonly executor: Executor;
  readonly location: LedgerLocation;
  readonly publisher?: AlertTopic;
}

/** Builds what a CLI run needs to act and undo. */
export function cliRemediation(target: RemediationTarget): CliRemediation {
  const clients = createAwsClients({ retryMode: 'adaptive' });
  const publisher = target.topicArn === undefined ? undefined : new AlertTopic(clients.sns(), target.topicArn);
  const { ledger, location, runner, verifier } = target.kind === 'snapshot' ? snapshotParts(target.dir) : liveParts(target, clients);
  return { ledger, location, executor: new Executor({ ledger, runner, verifier }), ...(publisher === undefined ? {} : { publisher }) };
}

interface Parts {
  readonly ledger: Ledger;
  readonly location: LedgerLocation;
  readonly runner: StepRunner;
  readonly verifier: StateVerifier;
}

function liveParts(target: { readonly ledgerTable?: string; readonly ledgerFile?: string }, clients: ReturnType<typeof createAwsClients>): Parts {
  const writer = { iam: clients.iam(), lambda: (region: string) => clients.lambda(region) };
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const options = region === undefined ? {} : { defaultRegion: region };
  const runner = new AwsStepRunner(writer, options);
  const verifier = new AwsStateVerifier(writer, options);
  if (target.ledgerTable !== undefined) {
    return { ledger: new DynamoDbLedger(clients.dynamodb(), target.ledgerTable), location: { kind: 'table', table: target.ledgerTable }, runner, verifier };
  }
  const path = target.ledgerFile ?? DEFAULT_LEDGER_FILE;
  return { ledger: new FileLedger(path), location: { kind: 'file', path }, runner, verifier };
}

function snapshotParts(dir: string): Parts {
  return { ledger: new FileLedger(snapshotLedgerFile(dir)), location: { kind: 'snapshot', dir }, runner: new SnapshotStepRunner(dir), verifier: new SnapshotStateVerifier(dir) };
}
