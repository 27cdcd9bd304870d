import { InvalidInputError } from '../domain/errors';

/** A command line Warden cannot run: exit code 2 with the message and a pointer to --help. */
export class UsageError extends InvalidInputError {
  override readonly name = 'UsageError';
}
