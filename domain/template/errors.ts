import { InvalidInputError } from '../errors';

/**
 * Base class of every error the template scanner raises. A template is input Warden cannot fix
 * by retrying, hence {@link InvalidInputError}.
 */
export class TemplateError extends InvalidInputError {
  override readonly name: string = 'TemplateError';
}

/**
 * A template Warden cannot read: not an object, no `Resources`, a resource without `Type`, YAML
 * or JSON that does not parse, an unknown `!Tag`. The message names the place and the reason,
 * never a value.
 */
export class InvalidTemplateError extends TemplateError {
  override readonly name: string = 'InvalidTemplateError';
}
