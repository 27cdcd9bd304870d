import { createHmac } from 'node:crypto';
import { InvalidFingerprintKeyError } from './errors';

/** Hex characters kept of the HMAC: 64 bits, enough to recognise a secret across an estate. */
export const FINGERPRINT_LENGTH = 16;
const MIN_KEY_BYTES = 16;

/** Checks the per-deployment key once per scan; a short key would make fingerprints guessable. */
export function assertFingerprintKey(key: string | Uint8Array): void {
  const bytes = typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : key.byteLength;
  if (bytes < MIN_KEY_BYTES) {
    throw new InvalidFingerprintKeyError(`the fingerprint key must be at least ${MIN_KEY_BYTES} bytes`);
  }
}

/**
 * HMAC-SHA256(key, secret), truncated: the same secret gives the same fingerprint in every
 * function of a deployment, and without the key nobody can test guesses against it.
 */
export function fingerprint(key: string | Uint8Array, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, FINGERPRINT_LENGTH);
}
