import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXTERNAL_MOTO_ENV,
  MOTO_ENDPOINTS_ENV,
  killMotoServersNow,
  motoChildren,
  motoStateFile,
  removeMotoState,
  stopMotoServer,
  writeMotoState,
} from './moto';
import type { MotoServer } from './moto';

/**
 * Jest global setup of the integration project: starts one moto server per worker (see moto.ts
 * for why) on free loopback ports, waits until each answers, and publishes the endpoints.
 */

const PYTHON = process.env['PYTHON'] ?? 'python3';
const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;
const INSTALL_HINT =
  `moto is needed for the integration tests: install it with \`${PYTHON} -m pip install 'moto[server]'\`` +
  ' (or point WARDEN_MOTO_ENDPOINT at a running moto server).';

/**
 * Runs `python3 -m moto.server ARGS…` (through runpy, so it is exactly that) plus a watchdog
 * thread: when jest dies without running teardown (SIGKILL, a crash), the server is re-parented,
 * notices, and exits, so no stale moto outlives the run.
 */
const LAUNCHER = [
  'import os, runpy, sys, threading, time',
  'parent = os.getppid()',
  'def watch():',
  '    while os.getppid() == parent:',
  '        time.sleep(0.5)',
  '    os._exit(0)',
  'threading.Thread(target=watch, daemon=True).start()',
  'sys.argv = ["moto.server"] + sys.argv[1:]',
  'runpy.run_module("moto.server", run_name="__main__", alter_sys=True)',
].join('\n');

/** Fails fast, with the fix, when python3 or moto is missing. */
function assertMotoInstalled(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import moto.server'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'unknown error';
    throw new Error(`\`${PYTHON} -c "import moto.server"\` failed (${why}). ${INSTALL_HINT}`);
  }
}

/** A port that was free a moment ago: bind port 0 on loopback, read it, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function logTail(log: string): string {
  if (!existsSync(log)) return '';
  return readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
}

/** Polls `GET /moto-api/` until it answers, the process exits, or the timeout passes. */
async function waitUntilReady(server: MotoServer, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`moto exited during start-up. Its log (${server.log}):\n${logTail(server.log)}`);
    if (await answers(`${server.endpoint}/moto-api/`)) return;
    await sleep(100);
  }
  throw new Error(`moto did not answer on ${server.endpoint} within ${READY_TIMEOUT_MS} ms. Log:\n${logTail(server.log)}`);
}

/**
 * Loads the IAM backend once (AWS-managed policies take about a second) so the first test does
 * not pay for it. Moto routes on the SigV4 credential scope and does not check the signature.
 */
async function warmUp(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: 'Action=GetPolicy&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess',
  });
  await response.arrayBuffer();
  if (!response.ok) {
    throw new Error(`moto did not load AWS-managed policies (HTTP ${response.status}): is MOTO_IAM_LOAD_MANAGED_POLICIES honoured?`);
  }
}

/** Starts one server and waits for it; on failure nothing is left running. */
async function startOnce(): Promise<MotoServer> {
  const port = await freePort();
  const log = join(tmpdir(), `warden-moto-${process.pid}-${port}.log`);
  const fd = openSync(log, 'w');
  // Output goes to a file, not a pipe: an unread pipe would fill up and block moto.
  const child = spawn(PYTHON, ['-c', LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    detached: true, // its own process group, so teardown can kill the group
    stdio: ['ignore', fd, fd],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', PYTHONUNBUFFERED: '1' },
  });
  closeSync(fd);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  child.unref(); // jest may exit while it runs; teardown and the watchdog stop it
  const server: MotoServer = { pid: child.pid ?? -1, endpoint: `http://127.0.0.1:${port}`, log };
  if (child.pid !== undefined) motoChildren().set(child.pid, child);
  try {
    await waitUntilReady(server, () => exited);
    await warmUp(server.endpoint);
    return server;
  } catch (error) {
    if (child.pid !== undefined) await stopMotoServer(child.pid);
    throw error;
  }
}

/** Retries when another process took the port between `freePort()` and moto's bind. */
async function start(): Promise<MotoServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      const portTaken = error instanceof Error && /Address already in use/i.test(error.message);
      if (!portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** Starts `count` servers; if any fails, stops the others and reports the first failure. */
async function startAll(count: number): Promise<MotoServer[]> {
  const results = await Promise.allSettled(Array.from({ length: count }, () => start()));
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure === undefined) return started;
  await Promise.all(started.map((server) => stopMotoServer(server.pid)));
  throw failure.reason;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes state files and logs left by jest runs that were killed outright. Their servers are
 * already gone (the watchdog), so only files are touched, never processes.
 */
function removeStaleFiles(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = /^warden-moto-(\d+)(?:-\d+)?\.(?:json|log)$/.exec(name)?.[1];
    if (owner !== undefined && Number(owner) !== process.pid && !isAlive(Number(owner))) {
      rmSync(join(tmpdir(), name), { force: true });
    }
  }
}

async function globalSetup(globalConfig: { readonly maxWorkers: number }): Promise<void> {
  removeStaleFiles();
  const external = process.env[EXTERNAL_MOTO_ENV];
  if (external) {
    writeMotoState({ servers: [{ pid: -1, endpoint: external, log: '' }], external: true });
    return;
  }
  assertMotoInstalled();
  const servers = await startAll(Math.max(1, globalConfig.maxWorkers));
  writeMotoState({ servers, external: false });
  process.env[MOTO_ENDPOINTS_ENV] = servers.map((server) => server.endpoint).join(',');
  // Last resort if jest exits without teardown (for example a failing global setup of another project).
  const stateFile = motoStateFile(process.pid);
  process.once('exit', () => {
    if (!existsSync(stateFile)) return;
    killMotoServersNow(servers.map((server) => server.pid));
    for (const server of servers) rmSync(server.log, { force: true });
    removeMotoState();
  });
}

// Jest loads this file with require() and wants the function itself as the module's value.
export = globalSetup;
