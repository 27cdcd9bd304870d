import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors';
import type {
  AccountInventory,
  AliasState,
  AttachedPolicyRef,
  FunctionConfigurationState,
  GroupState,
  IamReader,
  InlinePolicy,
  LambdaReader,
  ManagedPolicyState,
  RoleState,
  UserState,
  FunctionUrlState,
} from '../../domain/ports';

/**
 * The offline state store: answers {@link IamReader} and {@link LambdaReader} from a snapshot
 * directory in the layout of DESIGN.md §7, which is the AWS CLI's own JSON output:
 *
 * ```
 * account.json                                     {"accountId": "…", "partition": "aws"}
 * iam/authorization-details.json                   aws iam get-account-authorization-details
 * lambda/<region>/functions.json                   aws lambda list-functions [--function-version ALL]
 * lambda/<region>/policies/<fn>[@<qualifier>].json aws lambda get-policy [--qualifier Q]
 * lambda/<region>/url-configs/<fn>.json            aws lambda list-function-url-configs
 * lambda/<region>/concurrency/<fn>.json            aws lambda get-function-concurrency (optional)
 * ```
 * Optional additions to that layout, read when present:
 * ```
 * lambda/<region>/versions/<fn>.json               aws lambda list-versions-by-function
 * lambda/<region>/aliases/<fn>.json                aws lambda list-aliases
 * lambda/<region>/tags/<fn>.json                   aws lambda list-tags --resource ARN
 * ```
 * A missing file means "none" (no policy, no URL, no IAM data). A missing snapshot directory,
 * unreadable or invalid JSON, or an unexpected shape is an {@link InvalidInputError} that names
 * the file, never its contents (function configurations hold environment values).
 *
 * Policy documents are returned raw: URL-encoded strings as the IAM API gives them, or, when the
 * CLI printed them decoded as objects, re-serialised with `JSON.stringify`.
 */

/** Relative paths of the snapshot layout; shared with whatever writes snapshots. */
export const snapshotPaths = {
  account: (): string => 'account.json',
  authorizationDetails: (): string => join('iam', 'authorization-details.json'),
  functions: (region: string): string => join('lambda', region, 'functions.json'),
  policy: (region: string, fn: string, qualifier?: string): string =>
    join('lambda', region, 'policies', `${fn}${qualifier === undefined ? '' : `@${qualifier}`}.json`),
  urlConfigs: (region: string, fn: string): string => join('lambda', region, 'url-configs', `${fn}.json`),
  concurrency: (region: string, fn: string): string => join('lambda', region, 'concurrency', `${fn}.json`),
  versions: (region: string, fn: string): string => join('lambda', region, 'versions', `${fn}.json`),
  aliases: (region: string, fn: string): string => join('lambda', region, 'aliases', `${fn}.json`),
  tags: (region: string, fn: string): string => join('lambda', region, 'tags', `${fn}.json`),
} as const;

// ---- File shapes (only the fields Warden reads; everything else is ignored) ----

/**
 * A document as the API returns it (URL-encoded string) or as the CLI prints it (object). A plain
 * check rather than `z.union`: a union builds an error for every failed branch, and on a
 * 5,000-role snapshot that alone took most of the load time.
 */
const documentSchema = z.custom<string | Record<string, unknown>>(
  (value) => typeof value === 'string' || (typeof value === 'object' && value !== null && !Array.isArray(value)),
  { message: 'expected a policy document (string or object)' },
);
const inlineSchema = z.object({ PolicyName: z.string(), PolicyDocument: documentSchema });
const attachedSchema = z.object({ PolicyName: z.string(), PolicyArn: z.string() });
const tagsSchema = z.array(z.object({ Key: z.string(), Value: z.string() })).default([]);
const boundarySchema = z.object({ PermissionsBoundaryArn: z.string() }).optional();
const principalFields = {
  Arn: z.string(),
  Path: z.string().default('/'),
  AttachedManagedPolicies: z.array(attachedSchema).default([]),
};

const roleSchema = z.object({
  ...principalFields,
  RoleName: z.string(),
  AssumeRolePolicyDocument: documentSchema,
  RolePolicyList: z.array(inlineSchema).default([]),
  PermissionsBoundary: boundarySchema,
  Tags: tagsSchema,
});
const userSchema = z.object({
  ...principalFields,
  UserName: z.string(),
  UserPolicyList: z.array(inlineSchema).default([]),
  GroupList: z.array(z.string()).default([]),
  PermissionsBoundary: boundarySchema,
  Tags: tagsSchema,
});
const groupSchema = z.object({
  ...principalFields,
  GroupName: z.string(),
  GroupPolicyList: z.array(inlineSchema).default([]),
});
const policySchema = z.object({
  // Some producers (moto) leave PolicyName out of Policies; the ARN's last segment is the name.
  PolicyName: z.string().optional(),
  Arn: z.string(),
  Path: z.string().default('/'),
  DefaultVersionId: z.string(),
  AttachmentCount: z.number().int().optional(),
  PolicyVersionList: z
    .array(z.object({ VersionId: z.string(), IsDefaultVersion: z.boolean().optional(), Document: documentSchema.optional() }))
    .default([]),
});
/** Only the lists are checked when the file loads; each entry is validated when first asked for. */
const entryList = z.array(z.unknown()).default([]);
const authorizationDetailsSchema = z.object({
  RoleDetailList: entryList,
  UserDetailList: entryList,
  GroupDetailList: entryList,
  Policies: entryList,
});

const functionSchema = z.object({
  FunctionName: z.string(),
  FunctionArn: z.string(),
  Version: z.string().default('$LATEST'),
  Role: z.string().optional(),
  RevisionId: z.string().optional(),
  Environment: z
    .object({
      Variables: z.record(z.string()).optional(),
      Error: z.object({ ErrorCode: z.string().optional(), Message: z.string().optional() }).optional(),
    })
    .optional(),
});
const functionsFileSchema = z.object({ Functions: z.array(functionSchema).default([]) });
const versionsFileSchema = z.object({ Versions: z.array(functionSchema).default([]) });
const aliasesFileSchema = z.object({
  Aliases: z.array(z.object({ Name: z.string(), AliasArn: z.string(), FunctionVersion: z.string() })).default([]),
});
const policyFileSchema = z.object({ Policy: documentSchema });
const urlConfigsFileSchema = z.object({
  FunctionUrlConfigs: z
    .array(
      z.object({
        FunctionUrl: z.string(),
        FunctionArn: z.string(),
        AuthType: z.string(),
        Cors: z.unknown().optional(),
        InvokeMode: z.string().optional(),
      }),
    )
    .default([]),
});
const concurrencyFileSchema = z.object({ ReservedConcurrentExecutions: z.number().int().optional() });
const tagsFileSchema = z.object({ Tags: z.record(z.string()).default({}) });
const accountSchema = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
});

type Role = z.infer<typeof roleSchema>;
type User = z.infer<typeof userSchema>;
type Group = z.infer<typeof groupSchema>;
type Policy = z.infer<typeof policySchema>;
type FunctionConfig = z.infer<typeof functionSchema>;
type Inline = z.infer<typeof inlineSchema>;
type Attached = z.infer<typeof attachedSchema>;

/** The account a snapshot was taken from. */
export type AccountInfo = z.infer<typeof accountSchema>;

// ---- File access ----

/**
 * Reads snapshot files once and keeps the parsed JSON in memory, keyed by relative path. Enforce
 * mode on a snapshot (a later issue) will write through this cache: update the entry, persist the
 * file, and drop the indexes built from it.
 */
class SnapshotFiles {
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly listings = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private directoryChecked?: Promise<void>;

  /**
   * @param frozen nothing writes the snapshot while it is read (`warden audit`): a file absent from
   *   its directory's listing is absent without trying to open it. An audit asks for several
   *   optional files per function (versions, aliases, policy, URLs, tags, concurrency), most of
   *   them missing; a failed open costs a system call and an exception each.
   */
  constructor(
    readonly dir: string,
    private readonly frozen = false,
  ) {}

  /** Parsed and validated contents of `relative`, or undefined when the file does not exist. */
  async read<S extends z.ZodTypeAny>(relative: string, schema: S): Promise<z.output<S> | undefined> {
    const raw = await this.readJson(relative);
    if (raw === undefined) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw shapeError(join(this.dir, relative), parsed.error);
    return parsed.data as z.output<S>;
  }

  private readJson(relative: string): Promise<unknown> {
    let entry = this.cache.get(relative);
    if (entry === undefined) {
      entry = this.load(relative);
      this.cache.set(relative, entry);
    }
    return entry;
  }

  private async load(relative: string): Promise<unknown> {
    await (this.directoryChecked ??= checkDirectory(this.dir));
    if (this.frozen && !(await this.listed(relative))) return undefined;
    return readJsonFile(join(this.dir, relative));
  }

  /** False only when the file's directory is known not to hold it; errors fall back to reading. */
  private async listed(relative: string): Promise<boolean> {
    const folder = dirname(relative);
    let listing = this.listings.get(folder);
    if (listing === undefined) {
      listing = readdir(join(this.dir, folder)).then(
        (names) => new Set(names),
        (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? new Set<string>() : undefined),
      );
      this.listings.set(folder, listing);
    }
    const names = await listing;
    return names === undefined || names.has(basename(relative));
  }
}

async function checkDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new InvalidInputError(`snapshot directory not found: ${dir}`);
  }
}

/** JSON of `file`, undefined when absent. Parse errors never carry the file's text. */
function readJsonFile(file: string): unknown {
  let text: string;
  try {
    // Synchronous: snapshot files are small and local, and an audit reads thousands of them; the
    // promise API costs four thread-pool round trips per file (open, stat, read, close).
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InvalidInputError(`cannot read snapshot file ${file}: ${code ?? 'unknown error'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // No `cause`: V8's SyntaxError message quotes the text around the error, which may be a secret.
    throw new InvalidInputError(`snapshot file ${file} is not valid JSON`);
  }
}

/** Names the file and where the shape is wrong; zod messages can quote values, so they are left out. */
function shapeError(file: string, error: z.ZodError, prefix?: string): InvalidInputError {
  const issue = error.issues[0];
  const path = [...(prefix === undefined ? [] : [prefix]), ...(issue?.path ?? [])];
  const where = path.length === 0 ? '(top level)' : path.join('.');
  return new InvalidInputError(`snapshot file ${file} has an unexpected shape at ${where} (${issue?.code ?? 'invalid'})`);
}

/** Reads `account.json` of a snapshot directory. */
export async function readAccount(dir: string): Promise<AccountInfo> {
  await checkDirectory(dir);
  const file = join(dir, snapshotPaths.account());
  const raw = readJsonFile(file);
  if (raw === undefined) throw new InvalidInputError(`snapshot file ${file} is missing`);
  const parsed = accountSchema.safeParse(raw);
  if (!parsed.success) throw shapeError(file, parsed.error);
  return parsed.data;
}

// ---- Indexes ----

/** IAM names are unique regardless of case, and events may spell them differently. */
const key = (name: string): string => name.toLowerCase();

/**
 * Entries of one list of the authorization details, indexed by name when the file loads and
 * validated on first lookup. Validating 5,000 roles up front took about 0.4 s with zod; an
 * event needs one or two of them, and one malformed entry then fails only its own lookups.
 */
class LazyEntries<S extends z.ZodTypeAny> {
  private readonly positions = new Map<string, number>();
  private readonly parsed = new Map<number, z.output<S>>();
  /** The names as the file spells them, in file order (for `warden audit`). */
  readonly names: string[] = [];

  constructor(
    private readonly file: string,
    private readonly list: string,
    private readonly entries: readonly unknown[],
    nameField: string,
    private readonly schema: S,
  ) {
    entries.forEach((entry, position) => {
      const name = (entry as Record<string, unknown> | null)?.[nameField];
      if (typeof name !== 'string') {
        throw new InvalidInputError(`snapshot file ${file} has an unexpected shape at ${list}.${position}.${nameField}`);
      }
      this.positions.set(key(name), position);
      this.names.push(name);
    });
  }

  /** The validated entry named `name` (case-insensitively), or undefined. */
  get(name: string): z.output<S> | undefined {
    const position = this.positions.get(key(name));
    if (position === undefined) return undefined;
    let entry = this.parsed.get(position);
    if (entry === undefined) {
      const result = this.schema.safeParse(this.entries[position]);
      if (!result.success) throw shapeError(this.file, result.error, `${this.list}.${position}`);
      entry = result.data as z.output<S>;
      this.parsed.set(position, entry);
    }
    return entry;
  }
}

interface IamIndex {
  readonly roles: LazyEntries<typeof roleSchema>;
  readonly users: LazyEntries<typeof userSchema>;
  readonly groups: LazyEntries<typeof groupSchema>;
  readonly policies: LazyEntries<typeof policySchema>;
}

interface RegionIndex {
  /** `$LATEST` configuration per function name. */
  readonly latest: ReadonlyMap<string, FunctionConfig>;
  /** Published versions listed in functions.json (`list-functions --function-version ALL`). */
  readonly published: ReadonlyMap<string, readonly FunctionConfig[]>;
}

function indexFunctions(functions: readonly FunctionConfig[]): RegionIndex {
  const latest = new Map<string, FunctionConfig>();
  const published = new Map<string, FunctionConfig[]>();
  for (const fn of functions) {
    if (fn.Version === '$LATEST') latest.set(fn.FunctionName, fn);
    else {
      const versions = published.get(fn.FunctionName) ?? [];
      versions.push(fn);
      published.set(fn.FunctionName, versions);
    }
  }
  return { latest, published };
}

// ---- Mapping to port types ----

const rawDocument = (document: string | Record<string, unknown>): string =>
  typeof document === 'string' ? document : JSON.stringify(document);

/**
 * `target` with a `key` whose text is made from the parsed `value` on first read only: an audit
 * judges the parsed value (the port's `parsed` fields) and never needs the text, and serializing
 * then re-parsing every policy of an account cost 6% of an audit.
 */
function withLazyText<T extends object, K extends string>(target: T, key: K, value: Record<string, unknown>): T & { readonly [P in K]: string } {
  let text: string | undefined;
  return Object.defineProperty(target, key, { get: () => (text ??= JSON.stringify(value)), enumerable: true }) as T & { readonly [P in K]: string };
}

function toInline(policy: Inline): InlinePolicy {
  const document = policy.PolicyDocument;
  if (typeof document === 'string') return { name: policy.PolicyName, document };
  return withLazyText({ name: policy.PolicyName, parsed: document }, 'document', document);
}

const toAttached = (policy: Attached): AttachedPolicyRef => ({ arn: policy.PolicyArn, name: policy.PolicyName });
const toTags = (tags: Role['Tags']): Record<string, string> => Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value]));
const boundary = (arn: string | undefined): { permissionsBoundaryArn?: string } =>
  arn === undefined ? {} : { permissionsBoundaryArn: arn };

function toRole(role: Role): RoleState {
  const trust = role.AssumeRolePolicyDocument;
  const state = {
    kind: 'role' as const,
    arn: role.Arn,
    name: role.RoleName,
    path: role.Path,
    inlinePolicies: role.RolePolicyList.map(toInline),
    attachedPolicies: role.AttachedManagedPolicies.map(toAttached),
    tags: toTags(role.Tags),
    ...boundary(role.PermissionsBoundary?.PermissionsBoundaryArn),
  };
  if (typeof trust === 'string') return { ...state, trustPolicy: trust };
  return withLazyText({ ...state, trustPolicyParsed: trust }, 'trustPolicy', trust);
}

function toUser(user: User): UserState {
  return {
    kind: 'user',
    arn: user.Arn,
    name: user.UserName,
    path: user.Path,
    inlinePolicies: user.UserPolicyList.map(toInline),
    attachedPolicies: user.AttachedManagedPolicies.map(toAttached),
    groups: user.GroupList,
    tags: toTags(user.Tags),
    ...boundary(user.PermissionsBoundary?.PermissionsBoundaryArn),
  };
}

function toGroup(group: Group): GroupState {
  return {
    kind: 'group',
    arn: group.Arn,
    name: group.GroupName,
    path: group.Path,
    inlinePolicies: group.GroupPolicyList.map(toInline),
    attachedPolicies: group.AttachedManagedPolicies.map(toAttached),
  };
}

function toManagedPolicy(policy: Policy): ManagedPolicyState | undefined {
  const byId = policy.PolicyVersionList.find((version) => version.VersionId === policy.DefaultVersionId);
  const defaultVersion = byId ?? policy.PolicyVersionList.find((version) => version.IsDefaultVersion === true);
  if (defaultVersion?.Document === undefined) return undefined;
  return {
    arn: policy.Arn,
    name: policy.PolicyName ?? policy.Arn.slice(policy.Arn.lastIndexOf('/') + 1),
    path: policy.Path,
    defaultVersionId: policy.DefaultVersionId,
    document: rawDocument(defaultVersion.Document),
    versions: policy.PolicyVersionList.map((version) => ({
      versionId: version.VersionId,
      isDefault: version.VersionId === policy.DefaultVersionId,
      ...(version.Document === undefined ? {} : { document: rawDocument(version.Document) }),
    })),
    ...(policy.AttachmentCount === undefined ? {} : { attachmentCount: policy.AttachmentCount }),
  };
}

function toFunctionState(region: string, fn: FunctionConfig): FunctionConfigurationState {
  const env = fn.Environment;
  const error = env?.Error;
  const environment = env && {
    ...(env.Variables === undefined ? {} : { variables: env.Variables }),
    ...(error === undefined ? {} : { error: { errorCode: error.ErrorCode ?? 'Unknown', message: error.Message ?? '' } }),
  };
  return {
    functionArn: fn.FunctionArn,
    functionName: fn.FunctionName,
    version: fn.Version,
    region,
    ...(environment === undefined ? {} : { environment }),
    ...(fn.Role === undefined ? {} : { role: fn.Role }),
    ...(fn.RevisionId === undefined ? {} : { revisionId: fn.RevisionId }),
  };
}

type UrlConfig = z.infer<typeof urlConfigsFileSchema>['FunctionUrlConfigs'][number];

function toUrlState(url: UrlConfig): FunctionUrlState {
  return {
    functionUrl: url.FunctionUrl,
    functionArn: url.FunctionArn,
    // Anything but AWS_IAM is treated as NONE: an unknown auth type must not look private.
    authType: url.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
    ...(url.Cors === undefined ? {} : { cors: url.Cors }),
    ...(url.InvokeMode === undefined ? {} : { invokeMode: url.InvokeMode }),
  };
}

// ---- Names from events ----

/** Region names as AWS spells them; anything else cannot exist, and never becomes a path. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** A function name, partial ARN or ARN, with an optional qualifier (what the Lambda API accepts). */
const FUNCTION_REF =
  /^(?:arn:[\w-]+:lambda:[\w-]+:\d{12}:function:|\d{12}:function:)?([A-Za-z0-9_-]{1,140})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string;
}

/** Parses a function reference; undefined for anything that is not one (it cannot exist). */
function parseFunctionRef(region: string, ref: string): FunctionRef | undefined {
  if (!REGION.test(region)) return undefined;
  const match = FUNCTION_REF.exec(ref);
  const name = match?.[1];
  if (name === undefined) return undefined;
  const qualifier = match?.[2];
  return qualifier === undefined || qualifier === '$LATEST' ? { name } : { name, qualifier };
}

// ---- The store ----

/** Reads IAM and Lambda state from a snapshot directory; files are loaded lazily and indexed once. */
export class SnapshotStore implements IamReader, LambdaReader, AccountInventory {
  private readonly files: SnapshotFiles;
  private iamIndex?: Promise<IamIndex>;
  private readonly regionIndexes = new Map<string, Promise<RegionIndex>>();

  /**
   * Files are read lazily; a missing directory is reported by the first read. See {@link SnapshotStore.open}.
   * @param options.frozen nothing writes the snapshot while this store reads it (see SnapshotFiles).
   */
  constructor(
    readonly dir: string,
    options: { readonly frozen?: boolean } = {},
  ) {
    this.files = new SnapshotFiles(dir, options.frozen ?? false);
  }

  /** Opens a snapshot, failing fast (InvalidInputError) when the directory does not exist. */
  static async open(dir: string, options: { readonly frozen?: boolean } = {}): Promise<SnapshotStore> {
    await checkDirectory(dir);
    return new SnapshotStore(dir, options);
  }

  /** The snapshot's `account.json`. */
  async readAccount(): Promise<AccountInfo> {
    return readAccount(this.dir);
  }

  async getRole(roleName: string): Promise<RoleState | undefined> {
    const role = (await this.iam()).roles.get(roleName);
    return role && toRole(role);
  }

  async getUser(userName: string): Promise<UserState | undefined> {
    const user = (await this.iam()).users.get(userName);
    return user && toUser(user);
  }

  async getGroup(groupName: string): Promise<GroupState | undefined> {
    const group = (await this.iam()).groups.get(groupName);
    return group && toGroup(group);
  }

  /** Undefined for policies not in the snapshot, including attached AWS-managed ones for now. */
  async getManagedPolicy(policyArn: string): Promise<ManagedPolicyState | undefined> {
    const policy = (await this.iam()).policies.get(policyArn);
    return policy && toManagedPolicy(policy);
  }

  async getPolicyVersion(policyArn: string, versionId: string): Promise<string | undefined> {
    const policy = (await this.iam()).policies.get(policyArn);
    const document = policy?.PolicyVersionList.find((version) => version.VersionId === versionId)?.Document;
    return document === undefined ? undefined : rawDocument(document);
  }

  /** `$LATEST`, or the version (or alias's version) the reference is qualified with. */
  async getFunction(region: string, functionName: string): Promise<FunctionConfigurationState | undefined> {
    const ref = parseFunctionRef(region, functionName);
    if (ref === undefined) return undefined;
    if (ref.qualifier === undefined) {
      const latest = (await this.region(region)).latest.get(ref.name);
      return latest && toFunctionState(region, latest);
    }
    const version = await this.resolveQualifier(region, ref.name, ref.qualifier);
    const versions = await this.listVersions(region, ref.name);
    return versions.find((candidate) => candidate.version === version);
  }

  /** The names of every role, user and group of the authorization details; for `warden audit`. */
  async listPrincipalNames(): Promise<{ readonly roles: readonly string[]; readonly users: readonly string[]; readonly groups: readonly string[] }> {
    const index = await this.iam();
    return { roles: index.roles.names, users: index.users.names, groups: index.groups.names };
  }

  /** Regions the snapshot holds Lambda state for (`lambda/<region>/`), sorted; for `warden audit`. */
  async listLambdaRegions(): Promise<string[]> {
    try {
      const entries = await readdir(join(this.dir, 'lambda'), { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory() && REGION.test(entry.name)).map((entry) => entry.name).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new InvalidInputError(`cannot list ${join(this.dir, 'lambda')}`, { cause: error });
    }
  }

  /** `$LATEST` of every function in a region's functions.json, by name; for `warden audit`. */
  async listFunctions(region: string): Promise<readonly FunctionConfigurationState[]> {
    if (!REGION.test(region)) return [];
    const latest = (await this.region(region)).latest;
    return [...latest.keys()].sort().map((name) => toFunctionState(region, latest.get(name) as FunctionConfig));
  }

  /** Like ListVersionsByFunction: `$LATEST` first, then published versions (versions file, or functions.json). */
  async listVersions(region: string, functionName: string): Promise<readonly FunctionConfigurationState[]> {
    const ref = parseFunctionRef(region, functionName);
    if (ref === undefined) return [];
    const listed = await this.files.read(snapshotPaths.versions(region, ref.name), versionsFileSchema);
    if (listed !== undefined) return listed.Versions.map((fn) => toFunctionState(region, fn));
    const index = await this.region(region);
    const latest = index.latest.get(ref.name);
    const all = [...(latest ? [latest] : []), ...(index.published.get(ref.name) ?? [])];
    return all.map((fn) => toFunctionState(region, fn));
  }

  async listAliases(region: string, functionName: string): Promise<readonly AliasState[]> {
    const ref = parseFunctionRef(region, functionName);
    if (ref === undefined) return [];
    const file = await this.files.read(snapshotPaths.aliases(region, ref.name), aliasesFileSchema);
    return (file?.Aliases ?? []).map((alias) => ({
      name: alias.Name,
      aliasArn: alias.AliasArn,
      functionVersion: alias.FunctionVersion,
    }));
  }

  /** The policy file of the function, or of `qualifier` (or the reference's own qualifier). */
  async getPolicy(region: string, functionName: string, qualifier?: string): Promise<string | undefined> {
    const ref = parseFunctionRef(region, functionName);
    const chosen = qualifier === '$LATEST' ? undefined : (qualifier ?? ref?.qualifier);
    if (ref === undefined || (chosen !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(chosen))) return undefined;
    const file = await this.files.read(snapshotPaths.policy(region, ref.name, chosen), policyFileSchema);
    return file && rawDocument(file.Policy);
  }

  async listUrlConfigs(region: string, functionName: string): Promise<readonly FunctionUrlState[]> {
    const ref = parseFunctionRef(region, functionName);
    if (ref === undefined) return [];
    const file = await this.files.read(snapshotPaths.urlConfigs(region, ref.name), urlConfigsFileSchema);
    return (file?.FunctionUrlConfigs ?? []).map(toUrlState);
  }

  async getReservedConcurrency(region: string, functionName: string): Promise<number | undefined> {
    const ref = parseFunctionRef(region, functionName);
    if (ref === undefined) return undefined;
    const file = await this.files.read(snapshotPaths.concurrency(region, ref.name), concurrencyFileSchema);
    return file?.ReservedConcurrentExecutions;
  }

  /** Tags from the optional `tags/<fn>.json`; `{}` without it (list-functions carries no tags). */
  async getTags(region: string, functionArn: string): Promise<Readonly<Record<string, string>>> {
    const ref = parseFunctionRef(region, functionArn);
    if (ref === undefined) return {};
    const file = await this.files.read(snapshotPaths.tags(region, ref.name), tagsFileSchema);
    return file?.Tags ?? {};
  }

  /** A numeric qualifier is a version; anything else is an alias, resolved through the aliases file. */
  private async resolveQualifier(region: string, name: string, qualifier: string): Promise<string | undefined> {
    if (/^\d+$/.test(qualifier)) return qualifier;
    const aliases = await this.listAliases(region, name);
    return aliases.find((alias) => alias.name === qualifier)?.functionVersion;
  }

  private iam(): Promise<IamIndex> {
    this.iamIndex ??= this.loadIam();
    return this.iamIndex;
  }

  private async loadIam(): Promise<IamIndex> {
    const relative = snapshotPaths.authorizationDetails();
    const details = await this.files.read(relative, authorizationDetailsSchema);
    const file = join(this.dir, relative);
    return {
      roles: new LazyEntries(file, 'RoleDetailList', details?.RoleDetailList ?? [], 'RoleName', roleSchema),
      users: new LazyEntries(file, 'UserDetailList', details?.UserDetailList ?? [], 'UserName', userSchema),
      groups: new LazyEntries(file, 'GroupDetailList', details?.GroupDetailList ?? [], 'GroupName', groupSchema),
      policies: new LazyEntries(file, 'Policies', details?.Policies ?? [], 'Arn', policySchema),
    };
  }

  private region(region: string): Promise<RegionIndex> {
    let index = this.regionIndexes.get(region);
    if (index === undefined) {
      index = this.files.read(snapshotPaths.functions(region), functionsFileSchema).then((file) =>
        indexFunctions(file?.Functions ?? []),
      );
      this.regionIndexes.set(region, index);
    }
    return index;
  }
}
