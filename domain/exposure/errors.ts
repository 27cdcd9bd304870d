import { InvalidInputError } from '../errors';

/** Base class of errors raised by the exposure analysis: input it cannot read, never retried. */
export class ExposureError extends InvalidInputError {
  override readonly name: string = 'ExposureError';
}

/**
 * A resource policy that is not a policy document (invalid JSON, wrong shapes). The message names
 * the qualifier and the reason, never the document. Fail closed: the function is not judged clean.
 */
export class InvalidResourcePolicyError extends ExposureError {
  override readonly name: string = 'InvalidResourcePolicyError';
  /** The alias or version whose policy could not be read; absent for the unqualified function. */
  readonly qualifier: string | undefined;

  constructor(message: string, qualifier: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.qualifier = qualifier;
  }
}
