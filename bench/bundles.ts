import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './measure';
import { figure, type Figure, type SectionResult } from './results';
import { readServerlessConfig, type FunctionEntry, type ServerlessConfig } from './serverless-config';

/**
 * Per handler: the bundle serverless-esbuild would build (same options, read from serverless.yml),
 * its zip size, and its cold start in a fresh `node` process. `serverless package` is not used: it
 * takes minutes and measures the same bundle.
 */

const COLD_STARTS = 20;
/** Unrecorded runs first, so the bundle is in the page cache like a warm Lambda host's disk. */
const COLD_WARM_UP = 2;
const COLD_START_TARGET_MS = 150;
/** Zip targets of issue 3 (detectIam) and issue 4 (detectLambda). */
const ZIP_TARGETS_KB: Readonly<Record<string, number>> = { detectIam: 1024, detectLambda: 400 };

/**
 * Runs in the child: times `require` of the bundle with hrtime, and reads the time since the process
 * started from `performance.now()` (its origin is the process start), then the peak RSS.
 */
const CHILD_SCRIPT = `
const { performance } = require('node:perf_hooks');
const start = process.hrtime.bigint();
const mod = require(process.argv[1]);
const loaded = process.hrtime.bigint();
const sinceStartMs = performance.now();
if (typeof mod.handler !== 'function') { process.stderr.write('no handler export'); process.exit(3); }
process.stdout.write(JSON.stringify({ requireMs: Number(loaded - start) / 1e6, sinceStartMs, maxRssKb: process.resourceUsage().maxRSS }));
`;

interface ChildReport {
  readonly requireMs: number;
  readonly sinceStartMs: number;
  readonly maxRssKb: number;
}

interface Built {
  readonly outfile: string;
  /** The largest contributors to the bundle, by package (or top-level folder of this repository). */
  readonly largest: string;
}

/** `node_modules/@aws-sdk/client-iam/dist-es/x.js` → `@aws-sdk/client-iam`; `domain/policy/x.ts` → `domain/`. */
function packageOf(input: string): string {
  const parts = input.split('node_modules/');
  const last = parts[parts.length - 1] ?? input;
  if (parts.length === 1) return `${last.split('/')[0] ?? last}/`;
  const segments = last.split('/');
  return last.startsWith('@') ? segments.slice(0, 2).join('/') : (segments[0] ?? last);
}

async function bundle(fn: FunctionEntry, config: ServerlessConfig, outDir: string): Promise<Built> {
  const outfile = join(outDir, `${fn.outBase}.js`);
  const result = await build({ ...config.esbuild, entryPoints: [fn.entry], outfile, logLevel: 'silent', metafile: true });
  const sizes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) sizes.set(packageOf(input), (sizes.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  const largest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`).join(', ');
  return { outfile, largest };
}

/** The Lambda environment: the stack's variables and what the runtime sets; nothing of this shell's. */
function childEnv(config: ServerlessConfig, fn: FunctionEntry): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...config.environment,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `warden-bench-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  };
}

function coldStart(bundlePath: string, env: NodeJS.ProcessEnv): ChildReport {
  const child = spawnSync(process.execPath, ['-e', CHILD_SCRIPT, bundlePath], { env, encoding: 'utf8', timeout: 30_000 });
  if (child.status !== 0) throw new Error(`cold start of ${bundlePath} failed (exit ${child.status ?? child.signal ?? '?'}): ${child.stderr.slice(0, 500)}`);
  return JSON.parse(child.stdout) as ChildReport;
}

/** Zip size with the `zip` CLI (-9, as small as Lambda would get), else an exact computation. */
function zipSize(root: string, files: readonly string[]): { readonly bytes: number; readonly method: string } {
  if (spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0) {
    const out = join(root, 'bench.zip');
    const zipped = spawnSync('zip', ['-q', '-X', '-9', out, ...files], { cwd: root });
    if (zipped.status === 0) return { bytes: statSync(out).size, method: 'zip -9 -X (Info-ZIP CLI)' };
  }
  // Same layout as a plain zip: local header (30 + name) + deflated data + central entry (46 + name) + end record (22).
  const bytes = files.reduce((sum, file) => sum + 76 + 2 * file.length + deflateRawSync(readFileSync(join(root, file)), { level: 9 }).length, 22);
  return { bytes, method: 'computed: raw deflate level 9 plus zip headers (no zip CLI)' };
}

interface BundleFigures {
  readonly figures: Figure[];
  readonly zipMethod: string;
  readonly note: string;
}

async function measureFunction(fn: FunctionEntry, config: ServerlessConfig, root: string): Promise<BundleFigures> {
  const outDir = join(root, fn.name);
  const { outfile, largest } = await bundle(fn, config, outDir);
  const files = [`${fn.outBase}.js`, `${fn.outBase}.js.map`].filter((file) => existsSync(join(outDir, file)));
  const zip = zipSize(outDir, files);
  const env = childEnv(config, fn);
  for (let i = 0; i < COLD_WARM_UP; i += 1) coldStart(outfile, env);
  const runs = Array.from({ length: COLD_STARTS }, () => coldStart(outfile, env));
  const zipTarget = ZIP_TARGETS_KB[fn.name];
  return {
    zipMethod: zip.method,
    note: `${fn.name}: largest parts of the minified bundle: ${largest}.`,
    figures: [
      figure(`${fn.name}: cold start (process start to bundle loaded)`, median(runs.map((r) => r.sinceStartMs)), 'ms', 'lower', COLD_START_TARGET_MS),
      figure(`${fn.name}: cold start (require of the bundle only)`, median(runs.map((r) => r.requireMs)), 'ms', 'lower'),
      figure(`${fn.name}: peak RSS after load`, median(runs.map((r) => r.maxRssKb)) / 1024, 'MiB', 'lower'),
      figure(`${fn.name}: bundle size`, statSync(outfile).size / 1024, 'KiB', 'lower'),
      figure(`${fn.name}: zip size`, zip.bytes / 1024, 'KiB', 'lower', zipTarget ?? null),
    ],
  };
}

/** Builds every function of serverless.yml and measures its bundle. */
export async function benchBundles(): Promise<SectionResult> {
  const config = readServerlessConfig();
  const root = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const figures: Figure[] = [];
  const methods = new Set<string>();
  const parts: string[] = [];
  try {
    for (const fn of config.functions) {
      const measured = await measureFunction(fn, config, root);
      figures.push(...measured.figures);
      methods.add(measured.zipMethod);
      parts.push(measured.note);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return {
    figures,
    skipped: [],
    notes: [
      `Bundles: esbuild ${esbuildVersion()} with serverless.yml custom.esbuild (${describeOptions(config)}), one per function, into a temp dir.`,
      `Cold start: median of ${COLD_STARTS} fresh \`node\` processes (after ${COLD_WARM_UP} unrecorded), each with the functions' environment from serverless.yml ` +
        `(NODE_OPTIONS=${config.environment.NODE_OPTIONS ?? ''}), requiring the bundle. "process start to bundle loaded" is performance.now() in the child right after require ` +
        `(Node's own boot included); "require only" is process.hrtime around require. Peak RSS is process.resourceUsage().maxRSS after the load.`,
      `Zip: bundle + source map, ${[...methods].join('; ')}.`,
      ...parts,
    ],
  };
}

function describeOptions(config: ServerlessConfig): string {
  const o = config.esbuild;
  return `minify=${String(o.minify)}, sourcemap=${String(o.sourcemap)}, platform=${String(o.platform)}, target=${String(o.target)}, format=${String(o.format)}, mainFields=${(o.mainFields ?? []).join(',')}`;
}

function esbuildVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dirname(require.resolve('esbuild')), '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '?';
}
