import { decodePolicy, PolicyError, type PolicyDocument } from '../policy';
import { InvalidResourcePolicyError } from './errors';

/**
 * Reading Lambda resource policies: decoding (the shared, defensive policy decoder) and the
 * qualifier a policy or URL belongs to.
 */

/** `undefined` for the unqualified function and `$LATEST` (they share one policy and URL). */
export function normalizeQualifier(qualifier: string | undefined): string | undefined {
  return qualifier === undefined || qualifier === '' || qualifier === '$LATEST' ? undefined : qualifier;
}

/** The qualifier of a function ARN (`…:function:name:live` → `live`); `undefined` when unqualified. */
export function qualifierOfArn(functionArn: string): string | undefined {
  return normalizeQualifier(functionArn.split(':')[7]);
}

/** The function name of a (possibly qualified) function ARN, or the text itself when it is a name. */
export function functionNameOfArn(functionArn: string): string {
  return functionArn.split(':')[6] ?? functionArn;
}

/** `name` or `name:qualifier`, for titles. */
export function displayName(functionArn: string, qualifier: string | undefined): string {
  const name = functionNameOfArn(functionArn);
  return qualifier === undefined ? name : `${name}:${qualifier}`;
}

/**
 * Decodes one resource policy. Lambda returns JSON text; anything that is not a policy document
 * becomes an {@link InvalidResourcePolicyError} naming the qualifier and the reason, never the text.
 */
export function decodeResourcePolicy(text: string, qualifier: string | undefined): PolicyDocument {
  try {
    return decodePolicy(text);
  } catch (error) {
    const where = qualifier === undefined ? 'the function' : `qualifier ${qualifier}`;
    const reason = error instanceof PolicyError ? error.message : 'it could not be decoded';
    throw new InvalidResourcePolicyError(`the resource policy of ${where} is invalid: ${reason}`, qualifier, { cause: error });
  }
}
