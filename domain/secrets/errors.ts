import { InvalidInputError } from '../errors';

/** Base class of errors raised by the secrets detector: bad arguments, never retried. */
export class SecretScanError extends InvalidInputError {
  override readonly name: string = 'SecretScanError';
}

/** The fingerprint key is missing or too short to keep fingerprints unguessable. */
export class InvalidFingerprintKeyError extends SecretScanError {
  override readonly name: string = 'InvalidFingerprintKeyError';
}
