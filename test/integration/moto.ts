import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The moto harness shared by the integration suites and jest's global setup/teardown.
 *
 * Global setup starts one moto server per jest worker, because `resetMoto()` clears the whole
 * server and suites in parallel workers would otherwise wipe each other's state. The endpoints
 * reach the tests twice over: in `WARDEN_MOTO_ENDPOINTS` (workers are forked after global setup,
 * so they inherit it) and in a state file named after jest's pid (for anything that does not
 * inherit the environment). Set `WARDEN_MOTO_ENDPOINT` to use a moto you started yourself;
 * then nothing is started or stopped, and suites share that one server.
 */

/** Set by global setup: the servers' endpoints, comma-separated, one per worker. */
export const MOTO_ENDPOINTS_ENV = 'WARDEN_MOTO_ENDPOINTS';
/** Set by a developer: an already running moto to use instead of starting one. */
export const EXTERNAL_MOTO_ENV = 'WARDEN_MOTO_ENDPOINT';

/** One server global setup started. */
export interface MotoServer {
  readonly pid: number;
  readonly endpoint: string;
  readonly log: string;
}

/** What global setup leaves for the tests and for teardown. */
export interface MotoState {
  readonly servers: readonly MotoServer[];
  /** True when the endpoint came from {@link EXTERNAL_MOTO_ENV}: not ours to stop. */
  readonly external: boolean;
}

/** The state file of the jest process `ownerPid`. */
export function motoStateFile(ownerPid: number): string {
  return join(tmpdir(), `warden-moto-${ownerPid}.json`);
}

/** Writes the state file of the current (jest main) process. */
export function writeMotoState(state: MotoState): void {
  writeFileSync(motoStateFile(process.pid), JSON.stringify(state), { mode: 0o600 });
}

/** Reads a state file; undefined when there is none. */
export function readMotoState(ownerPid: number): MotoState | undefined {
  const file = motoStateFile(ownerPid);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as MotoState;
}

/** Removes the current process's state file. */
export function removeMotoState(): void {
  rmSync(motoStateFile(process.pid), { force: true });
}

/** Endpoints from the environment, else from the state file of jest's main process. */
function endpoints(): string[] {
  const fromEnv = process.env[EXTERNAL_MOTO_ENV] ?? process.env[MOTO_ENDPOINTS_ENV];
  if (fromEnv) return fromEnv.split(',').filter((endpoint) => endpoint !== '');
  // In a worker the main process is the parent; in band it is this process.
  const state = readMotoState(process.ppid) ?? readMotoState(process.pid);
  return state?.servers.map((server) => server.endpoint) ?? [];
}

/** The endpoint of this jest worker's moto server. */
export function motoEndpoint(): string {
  const all = endpoints();
  const worker = Number(process.env['JEST_WORKER_ID'] ?? '1');
  const endpoint = all[(Math.max(worker, 1) - 1) % Math.max(all.length, 1)];
  if (endpoint === undefined) {
    throw new Error('No moto endpoint: run the suite through jest (`--selectProjects integration`), whose setup starts moto.');
  }
  return endpoint;
}

/** Test and hook timeout of the integration suites (set in moto-env.ts). */
export const MOTO_TEST_TIMEOUT_MS = 30_000;

/**
 * Clears every resource in this worker's moto server. It takes about 2 s (moto reloads the
 * AWS-managed policies), so prefer `beforeAll` with distinct resource names over `beforeEach`.
 */
export async function resetMoto(): Promise<void> {
  const response = await fetch(`${motoEndpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

// ---- Process control, shared by global setup (on failure) and global teardown ----

/**
 * Child handles of the servers this process started. Global setup and teardown run in the same
 * jest process and realm, so `globalThis` carries them from one to the other; with the handle,
 * teardown can wait for the real exit instead of guessing from the pid.
 */
const CHILDREN = Symbol.for('warden.moto.children');

/** The registry of started children, keyed by pid. */
export function motoChildren(): Map<number, ChildProcess> {
  const holder = globalThis as { [CHILDREN]?: Map<number, ChildProcess> };
  holder[CHILDREN] ??= new Map();
  return holder[CHILDREN];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A sleep that does not keep jest's process alive once everything else is done. */
const unrefSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** Signals the server's whole process group (it was started as a group leader). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/** Stops one server: SIGTERM to its group, then SIGKILL if it has not exited within `graceMs`. */
export async function stopMotoServer(pid: number, graceMs = 3000): Promise<void> {
  const child = motoChildren().get(pid);
  const exited =
    child && child.exitCode === null && child.signalCode === null
      ? new Promise<void>((resolve) => child.once('exit', () => resolve()))
      : Promise.resolve();
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(50);
  if (isRunning(pid)) signalGroup(pid, 'SIGKILL');
  await Promise.race([exited, unrefSleep(graceMs)]);
  motoChildren().delete(pid);
}

/** Synchronous last resort for process exit: SIGKILL every group this process still owns. */
export function killMotoServersNow(pids: readonly number[]): void {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
}
