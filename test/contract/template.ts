/**
 * The packaged Serverless template, for the contract tests.
 *
 * `loadPackagedTemplate()` reads `.serverless/cloudformation-template-update-stack.json`. When
 * that file is missing, was packaged for another stage than `ci`, or is older than any source
 * it is built from (serverless.yml, package files, the esbuild plugins, handlers/, domain/, infra/), it first runs
 * `serverless package --stage ci` once, synchronously (up to 10 minutes), so a plain
 * `npx jest --selectProjects contract` works from a clean checkout; no jest globalSetup is
 * involved. CI packages first (`.ci/package-and-lint.sh`), so the tests then only read the
 * result. Set WARDEN_CONTRACT_REPACKAGE=1 to force a fresh package. Packaging needs no AWS
 * credentials and no network.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CfnTemplate } from './checks';

export const repoRoot = resolve(__dirname, '..', '..');
export const packageDir = join(repoRoot, '.serverless');
export const templatePath = join(packageDir, 'cloudformation-template-update-stack.json');
export const forwarderTemplatePath = join(repoRoot, 'infra', 'cloudformation', 'region-forwarder.yml');
export const contractStage = 'ci';

const packageTimeoutMs = 10 * 60 * 1000;
const sourcePaths = ['serverless.yml', 'package.json', 'package-lock.json', 'scripts/esbuild-plugins.cjs', 'handlers', 'domain', 'infra'];
const lockDir = join(repoRoot, '.serverless.contract-lock');

/** Newest modification time of a file or, recursively, of the files of a directory. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stats.mtimeMs);
}

function packagedStage(): string | undefined {
  const statePath = join(packageDir, 'serverless-state.json');
  if (!existsSync(statePath)) return undefined;
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { service?: { provider?: { stage?: unknown } } };
  const stage = state.service?.provider?.stage;
  return typeof stage === 'string' ? stage : undefined;
}

/** Why the package must be (re)built, or undefined when the existing one is current. */
export function repackageReason(): string | undefined {
  if (process.env.WARDEN_CONTRACT_REPACKAGE === '1') return 'WARDEN_CONTRACT_REPACKAGE=1';
  if (!existsSync(templatePath)) return 'no packaged template';
  const stage = packagedStage();
  if (stage !== contractStage) return `packaged for stage ${stage ?? '(unknown)'}, not ${contractStage}`;
  const built = statSync(templatePath).mtimeMs;
  const stale = sourcePaths.find((path) => newestMtime(join(repoRoot, path)) > built);
  return stale === undefined ? undefined : `${stale} changed after packaging`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding a lock directory, so parallel jest workers package only once. */
function withLock(fn: () => void): void {
  const deadline = Date.now() + packageTimeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const age = existsSync(lockDir) ? Date.now() - statSync(lockDir).mtimeMs : 0;
      if (age > packageTimeoutMs) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      else sleep(500);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Packages the service for the contract stage unless the current package is fresh. */
export function ensurePackaged(): void {
  if (repackageReason() === undefined) return;
  withLock(() => {
    const reason = repackageReason(); // another worker may have packaged meanwhile
    if (reason === undefined) return;
    const bin = join(repoRoot, 'node_modules', '.bin', 'serverless');
    try {
      execFileSync(bin, ['package', '--stage', contractStage], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: packageTimeoutMs,
      });
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`serverless package --stage ${contractStage} failed (${reason}):\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}`);
    }
  });
}

/** The packaged template (packaging first when needed). */
export function loadPackagedTemplate(): CfnTemplate {
  ensurePackaged();
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Partial<CfnTemplate>;
  if (typeof template.Resources !== 'object' || template.Resources === null) throw new Error(`${templatePath} has no Resources`);
  return template as CfnTemplate;
}

/** One entry of a zip archive's central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly size: number;
}

/** The entries of a zip archive, read from its central directory (no unzip binary needed). */
export function zipEntries(path: string): ZipEntry[] {
  const data = readFileSync(path);
  const endSignature = 0x06054b50;
  let end = -1;
  for (let offset = data.length - 22; offset >= Math.max(0, data.length - 22 - 0xffff); offset--) {
    if (data.readUInt32LE(offset) === endSignature) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error(`${path} is not a zip archive`);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${path}: corrupt central directory`);
    const compressedSize = data.readUInt32LE(offset + 20);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.push({ name: data.toString('utf8', offset + 46, offset + 46 + nameLength), compressedSize, size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Result of running cfn-lint on one template. */
export interface LintResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs cfn-lint (CFN_LINT overrides the binary) on a template. A missing binary is an error,
 * never a skip: the contract includes a clean lint.
 */
export function cfnLint(path: string, extraArgs: readonly string[] = []): LintResult {
  const bin = process.env.CFN_LINT ?? 'cfn-lint';
  try {
    const output = execFileSync(bin, [...extraArgs, '--', path], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60 * 1000 });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { code?: string; status?: number | null; stdout?: string; stderr?: string; message: string };
    if (failure.code === 'ENOENT') throw new Error('cfn-lint not found: install it with pip install cfn-lint');
    return { ok: false, output: `exit ${failure.status ?? '?'}\n${failure.stdout ?? ''}${failure.stderr ?? failure.message}` };
  }
}
