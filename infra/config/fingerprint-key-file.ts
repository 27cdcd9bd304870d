import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../../domain/errors';
import type { FingerprintKeySource } from '../../domain/ports';

/** Where the CLI keeps its key when `--fingerprint-key-file` is not given. */
export const defaultFingerprintKeyPath = '.warden/fingerprint.key';

const MIN_KEY_CHARS = 32;

/**
 * The CLI's fingerprint key: a local file, so that fingerprints are stable from run to run and
 * two reports can be compared. `create` (the default path) writes a random key (32 bytes, hex) with
 * mode 0600 the first time; a file named with `--fingerprint-key-file` must already exist. Errors
 * name the file, never its contents.
 */
export class FileFingerprintKey implements FingerprintKeySource {
  private key?: Promise<string>;

  constructor(
    readonly path: string,
    private readonly create: boolean,
  ) {}

  fingerprintKey(): Promise<string> {
    this.key ??= this.load();
    return this.key;
  }

  private async load(): Promise<string> {
    const existing = await readKey(this.path);
    if (existing !== undefined) return existing;
    if (!this.create) throw new ConfigError(`fingerprint key file ${this.path} does not exist`);
    const key = randomBytes(32).toString('hex');
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written whole to a private temporary file, then linked into place: link never replaces an
    // existing file (a key another run wrote meanwhile wins, so fingerprints never change) and no
    // reader ever sees a half-written key.
    const temporary = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${key}\n`, { mode: 0o600, flag: 'wx' });
      await chmod(temporary, 0o600);
      await link(temporary, this.path);
      return key;
    } catch (error) {
      const raced = (error as NodeJS.ErrnoException).code === 'EEXIST' ? await readKey(this.path) : undefined;
      if (raced !== undefined) return raced;
      throw new ConfigError(`cannot write fingerprint key file ${this.path}`, { cause: error });
    } finally {
      await rm(temporary, { force: true });
    }
  }
}

async function readKey(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read fingerprint key file ${path}`, { cause: error });
  }
  const key = text.trim();
  if (key.length < MIN_KEY_CHARS) throw new ConfigError(`fingerprint key file ${path} holds fewer than ${MIN_KEY_CHARS} characters`);
  return key;
}
