import { InvalidInputError } from '../errors';

/**
 * Base class of every error the policy engine raises. Policy documents are input Warden cannot
 * fix by retrying, hence {@link InvalidInputError}.
 */
export class PolicyError extends InvalidInputError {
  override readonly name: string = 'PolicyError';
}

/**
 * A policy document that IAM would reject or Warden cannot read: invalid JSON or URL encoding,
 * missing `Effect`, both `Action` and `NotAction`, a value of the wrong type. The message names
 * the element and the reason, never the document's content.
 */
export class InvalidPolicyError extends PolicyError {
  override readonly name: string = 'InvalidPolicyError';
}
