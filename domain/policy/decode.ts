import { decodeCondition, isPlainObject } from './decode-condition';
import { InvalidPolicyError } from './errors';
import type { PolicyDocument, PolicyVersion, PrincipalSpec, Statement } from './types';

/**
 * Decodes a policy document from every form it arrives in (DESIGN.md §2): a JSON string (event
 * `requestParameters`), a URL-encoded JSON string (IAM read APIs), a JSON string holding a
 * URL-encoded one (both), or an already-parsed object. Validates it the way IAM would and
 * normalises every scalar-or-array element into an array.
 */

/** IAM's largest document (role trust/inline) is 10 240 characters; leave room for encoding. */
const MAX_TEXT_LENGTH = 1_000_000;
/** JSON-in-JSON and URL-in-JSON layers we unwrap before giving up. */
const MAX_LAYERS = 3;

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);

const PRINCIPAL_TYPES: ReadonlyMap<string, keyof PrincipalSpec> = new Map([
  ['AWS', 'aws'],
  ['Service', 'service'],
  ['Federated', 'federated'],
  ['CanonicalUser', 'canonicalUser'],
]);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidPolicyError('the policy document is not valid JSON');
  }
}

function urlDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidPolicyError('the policy document is neither JSON nor valid URL-encoded JSON');
  }
}

/** Unwraps text layers (URL encoding, JSON strings) until an object appears. */
function unwrapText(text: string, layers: number): unknown {
  if (text.length > MAX_TEXT_LENGTH) throw new InvalidPolicyError('the policy document is too large');
  if (layers > MAX_LAYERS) throw new InvalidPolicyError('the policy document is wrapped too many times');
  const trimmed = text.trim();
  const first = trimmed.charAt(0);
  const parsed = first === '{' || first === '[' || first === '"' ? parseJson(trimmed) : parseJson(urlDecode(trimmed));
  return typeof parsed === 'string' ? unwrapText(parsed, layers + 1) : parsed;
}

function decodeVersion(raw: unknown): PolicyVersion {
  if (raw === undefined) return undefined;
  if (raw === '2012-10-17' || raw === '2008-10-17') return raw;
  throw new InvalidPolicyError('Version must be "2012-10-17" or "2008-10-17"');
}

function stringList(raw: unknown, where: string, field?: string): string[] {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const name = (): string => (field === undefined ? where : `${where}.${field}`);
  if (list.length === 0) throw new InvalidPolicyError(`${name()} must not be empty`);
  for (const value of list) {
    if (typeof value !== 'string' || value.length === 0) throw new InvalidPolicyError(`${name()} must be a string or an array of strings`);
  }
  // A copy: the caller's array (a decoded JSON value) is not the statement's.
  return Array.isArray(raw) ? [...(list as string[])] : (list as string[]);
}

function decodePrincipal(raw: unknown, where: string): PrincipalSpec | '*' | undefined {
  if (raw === undefined) return undefined;
  if (raw === '*') return '*';
  if (!isPlainObject(raw)) throw new InvalidPolicyError(`${where} must be "*" or an object of principal types`);
  const spec: Partial<Record<keyof PrincipalSpec, string[]>> = {};
  for (const [type, values] of Object.entries(raw)) {
    const field = PRINCIPAL_TYPES.get(type);
    if (!field) throw new InvalidPolicyError(`${where} has an unknown principal type`);
    spec[field] = stringList(values, `${where}.${type}`);
  }
  if (Object.keys(spec).length === 0) throw new InvalidPolicyError(`${where} must name at least one principal`);
  return spec;
}

function exclusive(raw: Record<string, unknown>, positive: string, negative: string, where: string): void {
  if (raw[positive] !== undefined && raw[negative] !== undefined) {
    throw new InvalidPolicyError(`${where} has both ${positive} and ${negative}`);
  }
}

function decodeSid(raw: unknown, where: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new InvalidPolicyError(`${where}.Sid must be a string`);
  return raw;
}

function decodeEffect(raw: unknown, where: string): 'Allow' | 'Deny' {
  if (raw === undefined) throw new InvalidPolicyError(`${where} has no Effect`);
  if (raw !== 'Allow' && raw !== 'Deny') throw new InvalidPolicyError(`${where}.Effect must be "Allow" or "Deny"`);
  return raw;
}

function checkElements(raw: Record<string, unknown>, where: string): void {
  const unknown = Object.keys(raw).find((key) => !STATEMENT_KEYS.has(key));
  if (unknown !== undefined) throw new InvalidPolicyError(`${where} has an unknown element`);
  exclusive(raw, 'Action', 'NotAction', where);
  exclusive(raw, 'Resource', 'NotResource', where);
  exclusive(raw, 'Principal', 'NotPrincipal', where);
  if (raw.Action === undefined && raw.NotAction === undefined) throw new InvalidPolicyError(`${where} has neither Action nor NotAction`);
}

function decodeStatement(raw: unknown, index: number): Statement {
  const where = `Statement[${index}]`;
  if (!isPlainObject(raw)) throw new InvalidPolicyError(`${where} must be an object`);
  checkElements(raw, where);
  // Assigned in a fixed order and only when present (absent elements stay absent, so results
  // compare and print cleanly); field names are joined to `where` only for an error message.
  const statement: { -readonly [K in keyof Statement]: Statement[K] } = { index } as Statement;
  const sid = decodeSid(raw.Sid, where);
  if (sid !== undefined) statement.sid = sid;
  statement.effect = decodeEffect(raw.Effect, where);
  if (raw.Action !== undefined) statement.actions = stringList(raw.Action, where, 'Action');
  if (raw.NotAction !== undefined) statement.notActions = stringList(raw.NotAction, where, 'NotAction');
  if (raw.Resource !== undefined) statement.resources = stringList(raw.Resource, where, 'Resource');
  if (raw.NotResource !== undefined) statement.notResources = stringList(raw.NotResource, where, 'NotResource');
  if (raw.Principal !== undefined) statement.principal = decodePrincipal(raw.Principal, `${where}.Principal`);
  if (raw.NotPrincipal !== undefined) statement.notPrincipal = decodePrincipal(raw.NotPrincipal, `${where}.NotPrincipal`);
  statement.conditions = decodeCondition(raw.Condition, `${where}.Condition`);
  return statement;
}

function decodeObject(raw: unknown): PolicyDocument {
  if (!isPlainObject(raw)) throw new InvalidPolicyError('the policy document must be a JSON object');
  const statements = raw.Statement;
  if (statements === undefined) throw new InvalidPolicyError('the policy document has no Statement');
  const list = Array.isArray(statements) ? (statements as unknown[]) : [statements];
  return { version: decodeVersion(raw.Version), statements: list.map((s, i) => decodeStatement(s, i)) };
}

/**
 * Decodes a policy document in any of its forms.
 * @throws InvalidPolicyError (a {@link PolicyError}) with the reason; never anything else.
 */
export function decodePolicy(raw: unknown): PolicyDocument {
  const value = typeof raw === 'string' ? unwrapText(raw, 0) : raw;
  return decodeObject(value);
}

/** Like {@link decodePolicy}, but returns the error instead of throwing it. */
export function tryDecodePolicy(raw: unknown): { readonly ok: true; readonly document: PolicyDocument } | { readonly ok: false; readonly error: InvalidPolicyError } {
  try {
    return { ok: true, document: decodePolicy(raw) };
  } catch (error) {
    if (error instanceof InvalidPolicyError) return { ok: false, error };
    throw error;
  }
}
