import { parseArgs } from 'node:util';
import type { UndoResult } from '../domain/remediation/executor';
import type { RemediatorDeps } from '../domain/remediation/remediate-finding';
import { cliRemediation, type RemediationTarget } from '../infra/deps/cli-remediation';
import type { Output } from './replay';
import { UsageError } from './usage-error';

/**
 * `warden undo ID` (DESIGN.md §7): applies the inverse of a recorded remediation, in reverse step
 * order, with the same state and ledger options as the run that recorded it (`--live` with
 * `--ledger-table TABLE` or `--ledger FILE`, or `--snapshot DIR`). Undoing twice is a no-op.
 * Exit codes: 0 undone (or already undone), 1 an inverse failed (the ledger says which), 2 usage
 * errors or an unknown ID.
 */

export const undoUsage = `Usage: warden undo ID (--live [--ledger-table TABLE | --ledger FILE] | --snapshot DIR) [--format table|json]

  ID                      the undoId a result's actions carry (u-…)
  --live                  change the AWS account (standard SDK configuration)
  --ledger-table TABLE    the ledger is this DynamoDB table (what the Lambdas use)
  --ledger FILE           the ledger is this local file (default: .warden/ledger.jsonl)
  --snapshot DIR          change the offline snapshot; its ledger is in DIR/.warden/
  --format table|json     output format (default: table)
`;

function parseUndoArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        live: { type: 'boolean' },
        snapshot: { type: 'string' },
        'ledger-table': { type: 'string' },
        ledger: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : 'invalid arguments';
    throw new UsageError(message);
  }
}

/** Where `undo` (and `replay --mode enforce`) act, from the state and ledger options. */
export function remediationTargetOf(options: {
  readonly live: boolean;
  readonly snapshot?: string;
  readonly ledgerTable?: string;
  readonly ledgerFile?: string;
  readonly topicArn?: string;
}): RemediationTarget {
  const topic = options.topicArn === undefined ? {} : { topicArn: options.topicArn };
  if (options.snapshot !== undefined && options.live) throw new UsageError('--snapshot and --live exclude each other');
  if (options.ledgerTable !== undefined && options.ledgerFile !== undefined) throw new UsageError('--ledger-table and --ledger exclude each other');
  if (options.snapshot !== undefined) {
    if (options.ledgerTable !== undefined || options.ledgerFile !== undefined) throw new UsageError('with --snapshot the ledger is in the snapshot directory (no --ledger-table or --ledger)');
    return { kind: 'snapshot', dir: options.snapshot, ...topic };
  }
  if (!options.live) throw new UsageError('say where to act: --live or --snapshot DIR');
  return {
    kind: 'live',
    ...(options.ledgerTable === undefined ? {} : { ledgerTable: options.ledgerTable }),
    ...(options.ledgerFile === undefined ? {} : { ledgerFile: options.ledgerFile }),
    ...topic,
  };
}

/** Runs `warden undo`; returns the exit code. @throws UsageError, or the ledger's not-found error. */
export async function runUndo(args: readonly string[], out: Output): Promise<number> {
  const { values, positionals } = parseUndoArgs(args);
  if (values.help === true) {
    out.write(undoUsage);
    return 0;
  }
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('undo takes exactly one ID');
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be one of table, json (got "${format.slice(0, 40)}")`);
  const target = remediationTargetOf({
    live: values.live === true,
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    ...(values['ledger-table'] === undefined ? {} : { ledgerTable: values['ledger-table'] }),
    ...(values.ledger === undefined ? {} : { ledgerFile: values.ledger }),
  });
  const result = await cliRemediation(target).executor.undo(id);
  out.write(format === 'json' ? `${JSON.stringify(result)}\n` : formatUndo(result));
  return result.status === 'undo-failed' ? 1 : 0;
}

function formatUndo(result: UndoResult): string {
  const lines = [`${result.undoId}: ${result.status} — ${result.reason}`];
  for (const action of result.actions) lines.push(`  [${action.status}] ${action.step} → ${action.target}${action.reason === undefined ? '' : ` — ${action.reason}`}`);
  return `${lines.join('\n')}\n`;
}

/** The remediation part of `warden replay` for its state and ledger options; undefined when it judges events only. */
export function replayRemediationOf(options: {
  readonly live: boolean;
  readonly snapshot?: string;
  readonly ledgerTable?: string;
  readonly ledgerFile?: string;
  readonly topicArn?: string;
  readonly enforce: boolean;
}): Omit<RemediatorDeps, 'config' | 'readers'> | undefined {
  if (!options.live && options.snapshot === undefined) {
    if (options.enforce) throw new UsageError('--mode enforce needs --live (changes the account) or --snapshot DIR (changes the snapshot)');
    if (options.ledgerTable !== undefined || options.ledgerFile !== undefined || options.topicArn !== undefined) {
      throw new UsageError('--ledger-table, --ledger and --topic-arn need --live or --snapshot DIR');
    }
    return undefined;
  }
  const { ledger, executor, location, publisher } = cliRemediation(remediationTargetOf(options));
  return { ledger, executor, location, ...(publisher === undefined ? {} : { publisher }) };
}
