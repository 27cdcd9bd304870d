/**
 * Builds `infra/aws-managed/aws-managed-policies.json.br`: the documents of every AWS-managed
 * policy (~1 500), so AttachRolePolicy of an AWS-managed ARN can be judged by its document
 * offline. Source: the AWS-managed policy dump that ships with moto in the machine image's
 * Python (`moto/iam/aws_managed_policies.py`); the artefact records moto's version, the dump
 * file's date and the newest policy update it holds.
 *
 * Run: `npx tsx scripts/generate-aws-managed-policies.ts`. Output is deterministic for a given
 * moto version (policies sorted by name, compact JSON, Brotli at maximum quality).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** Where the artefact lives, relative to the repository root. */
export const ARTEFACT_PATH = join('infra', 'aws-managed', 'aws-managed-policies.json.br');

const PYTHON = `
import json, os, datetime, moto
import moto.iam.aws_managed_policies as m
stat = os.stat(m.__file__)
print(json.dumps({
  "motoVersion": moto.__version__,
  "fileDate": datetime.datetime.fromtimestamp(stat.st_mtime, datetime.timezone.utc).date().isoformat(),
  "policies": json.loads(m.aws_managed_policies_data),
}))
`;

interface MotoPolicy {
  readonly Path: string;
  readonly DefaultVersionId: string;
  readonly UpdateDate: string;
  readonly Document: unknown;
}

interface MotoDump {
  readonly motoVersion: string;
  readonly fileDate: string;
  readonly policies: Readonly<Record<string, MotoPolicy>>;
}

/** Reads moto's dump through the image's python3. */
function readMoto(): MotoDump {
  const text = execFileSync('python3', ['-c', PYTHON], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(text) as MotoDump;
}

/** The artefact's JSON text. */
export function renderArtefact(dump: MotoDump): string {
  const names = Object.keys(dump.policies).sort();
  const policies = names.map((name) => {
    const p = dump.policies[name] as MotoPolicy;
    return { name, path: p.Path, arn: `arn:aws:iam::aws:policy${p.Path}${name}`, defaultVersionId: p.DefaultVersionId, updateDate: p.UpdateDate, document: p.Document };
  });
  const newestUpdate = policies.reduce((max, p) => (p.updateDate > max ? p.updateDate : max), '');
  const source = { generator: 'scripts/generate-aws-managed-policies.ts', from: 'moto/iam/aws_managed_policies.py', motoVersion: dump.motoVersion, fileDate: dump.fileDate, newestUpdate, count: policies.length };
  return JSON.stringify({ source, policies });
}

function main(): void {
  const text = renderArtefact(readMoto());
  const packed = brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: text.length } });
  writeFileSync(join(__dirname, '..', ARTEFACT_PATH), packed);
  process.stdout.write(`wrote ${ARTEFACT_PATH} (${packed.length} bytes from ${text.length})\n`);
}

if (require.main === module) main();
