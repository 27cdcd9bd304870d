import { decodePolicy } from '../policy/decode';
import { PolicyError } from '../policy/errors';
import type { PolicyDocument } from '../policy/types';
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
    return decodePolicy(withObjectPrincipals(text));
  } catch (error) {
    const where = qualifier === undefined ? 'the function' : `qualifier ${qualifier}`;
    const reason = error instanceof PolicyError ? error.message : 'it could not be decoded';
    throw new InvalidResourcePolicyError(`the resource policy of ${where} is invalid: ${reason}`, qualifier, { cause: error });
  }
}

/**
 * Lambda itself always writes `Principal` as `"*"` or an object, but some emulators and older
 * tools write the bare value AddPermission took (`"123456789012"`, `"s3.amazonaws.com"`). Reads it
 * the way AddPermission does rather than rejecting the whole policy: a service name is a Service
 * principal, anything else an AWS one. Text that is not such a document is passed through as is.
 */
function withObjectPrincipals(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed) || !Array.isArray(parsed.Statement)) return text;
  let changed = false;
  const statements = (parsed.Statement as unknown[]).map((statement) => {
    if (typeof statement !== 'object' || statement === null || !('Principal' in statement)) return statement;
    const principal = statement.Principal;
    if (typeof principal !== 'string' || principal === '*') return statement;
    changed = true;
    return { ...statement, Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal } };
  });
  return changed ? JSON.stringify({ ...parsed, Statement: statements }) : text;
}
