import { defaultRegistry } from '../domain/detectors/registry';
import type { WardenConfig } from '../domain/config';
import { evaluateEvent } from '../domain/evaluate-event';
import { atLeast, type Severity } from '../domain/findings';
import type { StateReaders } from '../domain/ports';
import type { Change } from '../domain/events';
import type { Finding } from '../domain/findings';
import type { ActionView } from '../domain/remediation/plan';
import { remediateFinding, type RemediatorDeps } from '../domain/remediation/remediate-finding';
import type { EventResult } from '../domain/result';
import { formatJsonLine, TableFormatter, type ReplayFormat } from './format';
import { readEvents } from './read-events';

/** Everything `warden replay` was asked to do, already validated. */
export interface ReplayOptions {
  readonly paths: readonly string[];
  readonly format: ReplayFormat;
  readonly config: WardenConfig;
  readonly readers: StateReaders;
  readonly failOn: Severity | 'none';
  /** Decision, planning and (in enforce mode) action with the ledger; absent: findings only. */
  readonly remediation?: Omit<RemediatorDeps, 'config' | 'readers'>;
}

/** Where the command writes; injected so tests capture it. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

/**
 * Runs recorded events through detection, decision and planning, printing one result per event.
 * Returns the exit code: 2 when any input could not be read or parsed (the run is incomplete),
 * else 1 when a finding is at or above `failOn`, else 0.
 */
export async function replay(options: ReplayOptions, out: Output): Promise<number> {
  const table = new TableFormatter(out.isTTY);
  const context = {
    registry: defaultRegistry,
    readers: options.readers,
    selfArnPatterns: options.config.selfArnPatterns,
    ...(options.remediation === undefined ? {} : { plan: planner(options, options.remediation) }),
  };
  let failing = false;
  let inputErrors = false;
  for await (const item of readEvents(options.paths)) {
    const result = 'error' in item ? readError(item.origin, item.error) : withOrigin(item.origin, (await evaluateEvent(item.value, context)).result);
    failing ||= result.findings.some((finding) => options.failOn !== 'none' && atLeast(finding.severity, options.failOn));
    inputErrors ||= result.outcome === 'error';
    if (options.format === 'json') out.write(`${formatJsonLine(result)}\n`);
    else out.write(`${table.row(result).join('\n')}\n`);
  }
  if (options.format === 'table') out.write(`${table.summary()}\n`);
  if (inputErrors) return 2;
  return failing ? 1 : 0;
}

/** The planner of a replay: every finding through the remediation use case, in order. */
function planner(options: ReplayOptions, remediation: Omit<RemediatorDeps, 'config' | 'readers'>) {
  const deps: RemediatorDeps = { ...remediation, config: options.config, readers: options.readers };
  return async (change: Change, findings: readonly Finding[]): Promise<readonly ActionView[]> => {
    const actor = { ...(change.actor.arn === undefined ? {} : { principalArn: change.actor.arn }), ...(change.actor.sourceIp === undefined ? {} : { sourceIp: change.actor.sourceIp }), ...(change.actor.userAgent === undefined ? {} : { userAgent: change.actor.userAgent }) };
    const actions: ActionView[] = [];
    for (const finding of findings) actions.push(...(await remediateFinding(finding, deps, actor)).actions);
    return actions;
  };
}

function readError(origin: string, message: string): EventResult {
  return { eventId: 'unknown', eventName: 'unknown', eventSource: 'unknown', outcome: 'error', reason: `${origin}: ${message}`, findings: [], actions: [] };
}

/** Errors name the file (and line) they came from so a person can find the bad record. */
function withOrigin(origin: string, result: EventResult): EventResult {
  return result.outcome === 'error' ? { ...result, reason: `${origin}: ${result.reason}` } : result;
}
