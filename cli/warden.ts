import { parseArgs } from 'node:util';
import { defaultConfig, modes, type WardenConfig } from '../domain/config';
import { describeError, WardenError } from '../domain/errors';
import { severities, type Severity } from '../domain/findings';
import { configFromFile } from '../infra/config/config-file';
import { cliFingerprintKey, stateReaders, type StateSourceSpec } from '../infra/deps/cli';
import { runAudit } from './audit';
import { isAuditShardWorker, runAuditShardWorker } from './parallel-audit';
import { replayFormats } from './format';
import { replay, type Output } from './replay';
import { runScanTemplate } from './scan-template';
import { runSnapshot } from './snapshot';
import { replayRemediationOf, runUndo } from './undo';
import { UsageError } from './usage-error';

const usage = `Usage: warden <command> [options]

Commands:
  replay PATH...    run recorded CloudTrail events (files, directories, - for stdin) through Warden
  audit (--snapshot DIR | --live) [--format table|json|sarif|asff] [--fail-on SEVERITY|none]
                    evaluate every function, role, user and group of a snapshot or the live account
  snapshot --live --out DIR [--regions r1,r2]
                    write an offline snapshot of the live account (IAM and Lambda state)
  undo ID (--live [--ledger-table T | --ledger FILE] | --snapshot DIR)
                    apply the inverse of a recorded remediation (warden undo --help)
  scan-template FILE... [--format table|json|sarif|asff] [--fail-on SEVERITY|none]
                    evaluate CloudFormation/SAM/packaged Serverless templates before deploy (warden scan-template --help)

Options for replay:
  --format table|json      output format (default: table)
  --snapshot DIR           read account state from an offline snapshot
  --live                   read account state from AWS (standard SDK configuration)
  --config FILE            Warden configuration (JSON or YAML), as the Lambdas use it
  --self-arn PATTERN       Warden's own role ARN pattern (* matches anything); repeatable
  --mode notify|enforce    override the configured mode; enforce changes the account (--live)
                           or the snapshot files (--snapshot) and records each change for undo
  --ledger-table TABLE     with --live: the ledger is this DynamoDB table
  --ledger FILE            with --live: the ledger is this file (default: .warden/ledger.jsonl)
  --topic-arn ARN          publish one alert per finding to this SNS topic
  --fail-on SEVERITY|none  exit 1 when a finding is at or above it (default: high)
  --fingerprint-key-file FILE  HMAC key of secret fingerprints (default: .warden/fingerprint.key, created once)
  -h, --help               show this help

Without --snapshot or --live, Warden judges what each event carries and answers
"unresolved" where it needs state it cannot read.
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input errors.
`;

/** Runs the `warden` command and returns its exit code. Never throws. */
export async function main(argv: readonly string[], out: Output, err: Output, entry?: string): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      out.write(usage);
      return command === undefined ? 2 : 0;
    }
    if (command === 'replay') return await runReplay(rest, out);
    if (command === 'audit') return await runAudit(rest, out, err, process.env, entry);
    if (command === 'snapshot') return await runSnapshot(rest, out, err);
    if (command === 'undo') return await runUndo(rest, out);
    if (command === 'scan-template') return await runScanTemplate(rest, out);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    err.write(`warden: ${error instanceof WardenError ? error.message : describeError(error)}\n`);
    if (error instanceof UsageError) err.write('Run "warden --help" for usage.\n');
    return 2;
  }
}

async function runReplay(args: readonly string[], out: Output): Promise<number> {
  const { values, positionals } = parseReplayArgs(args);
  if (values.help === true) {
    out.write(usage);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('replay needs at least one PATH (a file, a directory, or - for stdin)');
  const source = stateSourceOf(values.snapshot, values.live === true);
  const config = withOverrides(values.config === undefined ? undefined : await configFromFile(values.config), values['self-arn'] ?? [], values.mode);
  return replay(
    {
      paths: positionals,
      format: oneOf('--format', values.format ?? 'table', replayFormats),
      config,
      readers: await stateReaders(source, cliFingerprintKey(values['fingerprint-key-file'])),
      failOn: failOnOf(values['fail-on'] ?? 'high'),
      ...remediationOption(values, config),
    },
    out,
  );
}

function remediationOption(values: ReturnType<typeof parseReplayArgs>['values'], config: WardenConfig) {
  const remediation = replayRemediationOf({
    live: values.live === true,
    enforce: config.mode === 'enforce' || Object.values(config.ruleModes).includes('enforce'),
    ...(values.snapshot === undefined ? {} : { snapshot: values.snapshot }),
    ...(values['ledger-table'] === undefined ? {} : { ledgerTable: values['ledger-table'] }),
    ...(values.ledger === undefined ? {} : { ledgerFile: values.ledger }),
    ...(values['topic-arn'] === undefined ? {} : { topicArn: values['topic-arn'] }),
  });
  return remediation === undefined ? {} : { remediation };
}

function parseReplayArgs(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        snapshot: { type: 'string' },
        live: { type: 'boolean' },
        config: { type: 'string' },
        'self-arn': { type: 'string', multiple: true },
        mode: { type: 'string' },
        'fail-on': { type: 'string' },
        'fingerprint-key-file': { type: 'string' },
        'ledger-table': { type: 'string' },
        ledger: { type: 'string' },
        'topic-arn': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs throws Node's own TypeError subclasses; read the message without trusting the realm.
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : 'invalid arguments';
    throw new UsageError(message);
  }
}

function stateSourceOf(snapshot: string | undefined, live: boolean): StateSourceSpec {
  if (snapshot !== undefined && live) throw new UsageError('--snapshot and --live exclude each other');
  if (snapshot !== undefined) return { kind: 'snapshot', dir: snapshot };
  return live ? { kind: 'live' } : { kind: 'event-only' };
}

function withOverrides(config: WardenConfig | undefined, selfArns: readonly string[], mode: string | undefined): WardenConfig {
  const base = config ?? defaultConfig;
  return {
    ...base,
    selfArnPatterns: [...base.selfArnPatterns, ...selfArns],
    ...(mode === undefined ? {} : { mode: oneOf('--mode', mode, modes) }),
  };
}

function failOnOf(value: string): Severity | 'none' {
  return value === 'none' ? 'none' : oneOf('--fail-on', value, severities);
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')} (got "${value.slice(0, 40)}")`);
}

if (require.main === module && isAuditShardWorker()) {
  void runAuditShardWorker();
} else if (require.main === module) {
  const stream = (target: NodeJS.WriteStream): Output => ({ write: (text) => void target.write(text), isTTY: target.isTTY === true });
  // This file is the entry: `warden audit` may start worker threads from it, once built to
  // JavaScript (worker threads do not inherit tsx's loader when run from the TypeScript source).
  const entry = __filename.endsWith('.js') ? __filename : undefined;
  void main(process.argv.slice(2), stream(process.stdout), stream(process.stderr), entry).then((code) => {
    process.exitCode = code;
  });
}
