import { rmSync } from 'node:fs';
import { MOTO_ENDPOINTS_ENV, readMotoState, removeMotoState, stopMotoServer } from './moto';

/**
 * Jest global teardown of the integration project: stops every moto server global setup started
 * (SIGTERM to its process group, SIGKILL after a grace period), then removes the state file and
 * the logs. A moto named by WARDEN_MOTO_ENDPOINT is left alone: it is not ours.
 */
async function globalTeardown(): Promise<void> {
  const state = readMotoState(process.pid);
  if (state === undefined) return;
  if (!state.external) {
    await Promise.all(state.servers.map((server) => stopMotoServer(server.pid)));
    for (const server of state.servers) rmSync(server.log, { force: true });
  }
  removeMotoState();
  delete process.env[MOTO_ENDPOINTS_ENV];
}

// Jest loads this file with require() and wants the function itself as the module's value.
export = globalTeardown;
