import { InvalidPolicyError } from './errors';
import type { ConditionClause, SetQualifier } from './types';

/**
 * Decoding of a statement's `Condition` block: `{ operator: { key: value | value[] } }`, where
 * an operator may carry a `ForAllValues:`/`ForAnyValue:` qualifier and an `IfExists` suffix.
 */

const IF_EXISTS = 'ifexists';

/** True for a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function conditionValue(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  // IAM compares booleans and numbers by their JSON text ("true", "3600").
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  throw new InvalidPolicyError(`${where}: condition values must be strings, numbers or booleans`);
}

function conditionValues(raw: unknown, where: string): string[] {
  if (Array.isArray(raw)) return raw.map((value) => conditionValue(value, where));
  return [conditionValue(raw, where)];
}

interface ParsedOperator {
  readonly operator: string;
  readonly ifExists: boolean;
  readonly setQualifier: SetQualifier | undefined;
}

function parseSetQualifier(prefix: string, where: string): SetQualifier {
  const lower = prefix.toLowerCase();
  if (lower === 'forallvalues') return 'ForAllValues';
  if (lower === 'foranyvalue') return 'ForAnyValue';
  throw new InvalidPolicyError(`${where}: unknown condition set operator`);
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts. */
export function parseOperator(raw: string, where: string): ParsedOperator {
  const colon = raw.indexOf(':');
  const setQualifier = colon >= 0 ? parseSetQualifier(raw.slice(0, colon), where) : undefined;
  let operator = colon >= 0 ? raw.slice(colon + 1) : raw;
  const ifExists = operator.toLowerCase().endsWith(IF_EXISTS) && operator.length > IF_EXISTS.length;
  if (ifExists) operator = operator.slice(0, -IF_EXISTS.length);
  if (!/^[A-Za-z]+$/.test(operator)) throw new InvalidPolicyError(`${where}: invalid condition operator`);
  return { operator, ifExists, setQualifier };
}

function clausesOfOperator(rawOperator: string, block: unknown, where: string): ConditionClause[] {
  const parsed = parseOperator(rawOperator, where);
  if (!isPlainObject(block)) throw new InvalidPolicyError(`${where}: each condition operator must map keys to values`);
  return Object.entries(block).map(([key, raw]) => {
    if (key.length === 0) throw new InvalidPolicyError(`${where}: empty condition key`);
    return { ...parsed, key, values: conditionValues(raw, where) };
  });
}

/**
 * Decodes a raw `Condition` element (absent, or an object of operator blocks) into clauses.
 * Clauses are ANDed; the values of one clause are ORed.
 * @throws InvalidPolicyError when the block is not of that shape.
 */
export function decodeCondition(raw: unknown, where = 'Condition'): ConditionClause[] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) throw new InvalidPolicyError(`${where}: Condition must be an object`);
  return Object.entries(raw).flatMap(([operator, block]) => clausesOfOperator(operator, block, where));
}
