import { parseArgs } from 'node:util';
import { createAwsClients } from '../infra/aws/clients';
import { LambdaGateway } from '../infra/aws/lambda-gateway';
import { writeSnapshot, type SnapshotProgress } from '../infra/snapshot/snapshot-writer';
import type { Output } from './replay';
import { UsageError } from './usage-error';

/** Options of `warden snapshot`. */
export interface SnapshotOptions {
  readonly out: string;
  readonly regions: readonly string[];
}

/** Parses `warden snapshot --live --out DIR [--regions r1,r2]`. */
export function parseSnapshotArgs(args: readonly string[], defaultRegion: string | undefined): SnapshotOptions {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], strict: true, allowPositionals: false, options: { live: { type: 'boolean' }, out: { type: 'string' }, regions: { type: 'string' } } }));
  } catch (error) {
    throw new UsageError(typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : 'invalid arguments');
  }
  if (values.live !== true) throw new UsageError('snapshot reads a live account: pass --live');
  if (values.out === undefined || values.out === '') throw new UsageError('snapshot needs --out DIR');
  return { out: values.out, regions: regionsOf(values.regions, { AWS_REGION: defaultRegion }) };
}

/** `--regions r1,r2`, else `AWS_REGION`/`AWS_DEFAULT_REGION`; validated. */
export function regionsOf(option: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const regions = (option ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '').split(',').map((region) => region.trim()).filter((region) => region.length > 0);
  if (regions.length === 0) throw new UsageError('--regions or AWS_REGION is needed');
  const invalid = regions.find((region) => !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region));
  if (invalid !== undefined) throw new UsageError(`--regions: "${invalid.slice(0, 40)}" is not a region name`);
  return [...new Set(regions)];
}

/** Runs `warden snapshot`: writes the offline snapshot of a live account; progress on a terminal. */
export async function runSnapshot(args: readonly string[], out: Output, err: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = parseSnapshotArgs(args, env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
  const clients = createAwsClients({ retryMode: 'adaptive' });
  const lambdaClient = (region: string) => clients.lambda(region);
  const summary = await writeSnapshot(options.out, { sts: clients.sts(), iam: clients.iam(), lambdaClient, lambda: new LambdaGateway(lambdaClient) }, options.regions, progressBar(err));
  if (err.isTTY) err.write('\n');
  out.write(
    `snapshot of account ${summary.accountId} written to ${summary.dir}: ${summary.roles} roles, ${summary.users} users, ${summary.groups} groups, ` +
      `${summary.policies} managed policies, ${summary.functions} functions in ${summary.regions.join(', ')}\n` +
      'It holds function environment values: keep it private (files are 0600).\n',
  );
  return 0;
}

/** A one-line progress bar on a terminal; nothing when stderr is a file or pipe. */
export function progressBar(err: Output, width = 30): SnapshotProgress {
  if (!err.isTTY) return () => undefined;
  return (phase, done, total) => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    err.write(`\r${phase.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  };
}
