import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parseDocument } from 'yaml';

/**
 * What the benchmark needs from `serverless.yml`: the esbuild options of `custom.esbuild` (so the
 * bundles measured are the bundles deployed), each function's entry file, and the functions'
 * environment with its CloudFormation and Serverless variables replaced by plausible values.
 */

/** One function of the stack. */
export interface FunctionEntry {
  readonly name: string;
  /** `handlers/detect-iam.ts` */
  readonly entry: string;
  /** `handlers/detect-iam` (the output path serverless-esbuild uses, without extension). */
  readonly outBase: string;
}

export interface ServerlessConfig {
  readonly esbuild: BuildOptions;
  readonly functions: readonly FunctionEntry[];
  readonly environment: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

function record(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`serverless.yml: ${where} is not a map`);
  return value as Json;
}

/** The esbuild options serverless-esbuild passes on (its own keys such as `packager` dropped). */
const ESBUILD_KEYS = ['bundle', 'minify', 'sourcemap', 'sourcesContent', 'mainFields', 'keepNames', 'target', 'platform', 'format', 'external', 'alias'] as const;

function esbuildOptions(custom: Json): BuildOptions {
  const raw = record(custom.esbuild, 'custom.esbuild');
  const options: Record<string, unknown> = {};
  for (const key of ESBUILD_KEYS) if (raw[key] !== undefined) options[key] = raw[key];
  // `plugins` names a module exporting the plugin list, as serverless-esbuild loads it.
  if (typeof raw.plugins === 'string') options.plugins = createRequire(__filename)(resolve(raw.plugins)) as Plugin[];
  return options;
}

function functionsOf(doc: Json): FunctionEntry[] {
  return Object.entries(record(doc.functions, 'functions')).map(([name, fn]) => {
    const handler = record(fn, `functions.${name}`).handler;
    if (typeof handler !== 'string') throw new TypeError(`serverless.yml: functions.${name}.handler is not a string`);
    const outBase = handler.slice(0, handler.lastIndexOf('.'));
    return { name, entry: `${outBase}.ts`, outBase };
  });
}

/** Values CloudFormation would fill in at deploy time (`!Ref`, `!Join`), for a stage named `bench`. */
const DEPLOY_TIME_VALUES: Readonly<Record<string, string>> = {
  WARDEN_MODE: 'notify',
  WARDEN_SELF_ARNS: 'arn:aws:iam::111122223333:role/warden-bench-detectIam-us-east-1,arn:aws:iam::111122223333:role/warden-bench-remediate-us-east-1',
  WARDEN_BUS_NAME: 'warden-bench',
  WARDEN_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:warden-bench-alerts',
  WARDEN_LEDGER_TABLE: 'warden-bench-ledger',
};

/** Replaces `${param:x}`, `${sls:stage}` and `${opt:x, 'default'}` with the stack's defaults. */
function resolveVariables(text: string, params: Json): string {
  return text.replace(/\$\{([^}]+)\}/g, (_whole, inner: string) => {
    const [source, name] = inner.split(':').map((part) => part.trim());
    if (source === 'sls' && name === 'stage') return 'bench';
    if (source === 'param' && name !== undefined && typeof params[name] === 'string') return resolveVariables(params[name], params);
    const fallback = /,\s*'([^']*)'\s*$/.exec(inner);
    return fallback?.[1] ?? '';
  });
}

function environmentOf(doc: Json): Record<string, string> {
  const provider = record(doc.provider, 'provider');
  const params = record(record(doc.params, 'params').default, 'params.default');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(provider.environment ?? {}, 'provider.environment'))) {
    const fixed = DEPLOY_TIME_VALUES[key];
    if (fixed !== undefined) env[key] = fixed;
    else if (typeof value === 'string') env[key] = resolveVariables(value, params);
  }
  return env;
}

/** Reads `serverless.yml` (its CloudFormation tags are kept as plain values: only the shape matters here). */
export function readServerlessConfig(path = 'serverless.yml'): ServerlessConfig {
  const doc = record(parseDocument(readFileSync(path, 'utf8')).toJS(), 'the document');
  return { esbuild: esbuildOptions(record(doc.custom, 'custom')), functions: functionsOf(doc), environment: environmentOf(doc) };
}
