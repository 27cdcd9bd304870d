import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { InvalidInputError } from '../../domain/errors';

/**
 * The documents of AWS-managed policies, from a dated artefact built by
 * `scripts/generate-aws-managed-policies.ts` (moto's dump of ~1 500 policies). Lets Warden judge
 * `AttachRolePolicy` of an AWS-managed ARN by its document without a call to IAM, offline or when
 * the read is denied. ARNs of every partition (`aws`, `aws-cn`, `aws-us-gov`) resolve; the path
 * (`job-function/`, `service-role/`) is part of the ARN and must match.
 */

/** One AWS-managed policy; `document` is raw (decode it with domain/policy). */
export interface AwsManagedPolicy {
  readonly name: string;
  readonly path: string;
  /** ARN in the `aws` partition. */
  readonly arn: string;
  readonly defaultVersionId: string;
  readonly updateDate: string;
  readonly document: unknown;
}

/** Where the artefact's data comes from and how old it is. */
export interface AwsManagedSource {
  readonly motoVersion: string;
  /** Date of moto's dump file (its modification date in the image). */
  readonly fileDate: string;
  /** Newest `UpdateDate` among the policies. */
  readonly newestUpdate: string;
  readonly count: number;
}

interface Artefact {
  readonly source: AwsManagedSource;
  readonly byArn: ReadonlyMap<string, AwsManagedPolicy>;
  readonly policies: readonly AwsManagedPolicy[];
}

/** The artefact next to this module. */
export const DEFAULT_ARTEFACT = join(__dirname, 'aws-managed-policies.json.br');

const loaded = new Map<string, Artefact>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(file: string): Artefact {
  let data: unknown;
  try {
    data = JSON.parse(brotliDecompressSync(readFileSync(file)).toString('utf8')) as unknown;
  } catch (cause) {
    throw new InvalidInputError(`cannot read the AWS-managed policy artefact ${file}`, { cause });
  }
  if (!isRecord(data) || !isRecord(data.source) || !Array.isArray(data.policies)) {
    throw new InvalidInputError(`the AWS-managed policy artefact ${file} has an unexpected shape`);
  }
  const policies = data.policies as AwsManagedPolicy[];
  return { source: data.source as unknown as AwsManagedSource, policies, byArn: new Map(policies.map((p) => [p.arn, p])) };
}

function artefact(file: string): Artefact {
  let found = loaded.get(file);
  if (!found) {
    found = parse(file);
    loaded.set(file, found);
  }
  return found;
}

/** The `aws`-partition form of an AWS-managed policy ARN, or undefined when it is not one. */
export function canonicalAwsManagedArn(arn: string): string | undefined {
  const match = /^arn:(aws|aws-cn|aws-us-gov):iam::aws:policy(\/.*)$/.exec(arn);
  return match ? `arn:aws:iam::aws:policy${match[2] ?? ''}` : undefined;
}

/** The AWS-managed policy with this ARN; undefined when the ARN is not AWS-managed or unknown. */
export function loadAwsManagedPolicy(arn: string, file: string = DEFAULT_ARTEFACT): AwsManagedPolicy | undefined {
  const canonical = canonicalAwsManagedArn(arn);
  return canonical === undefined ? undefined : artefact(file).byArn.get(canonical);
}

/** Every AWS-managed policy of the artefact, sorted by name. */
export function allAwsManagedPolicies(file: string = DEFAULT_ARTEFACT): readonly AwsManagedPolicy[] {
  return artefact(file).policies;
}

/** Provenance of the artefact (moto version and dates). */
export function awsManagedPoliciesSource(file: string = DEFAULT_ARTEFACT): AwsManagedSource {
  return artefact(file).source;
}
