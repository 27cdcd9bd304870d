/**
 * The normalised shape of an IAM policy document (identity, boundary or trust policy). Every
 * element that IAM accepts as a scalar or an array is an array here; absent elements stay absent
 * so that `Action` and `NotAction` remain distinguishable.
 */

/** Policy language versions IAM accepts; `undefined` when the document has no `Version`. */
export type PolicyVersion = '2012-10-17' | '2008-10-17' | undefined;

/** `ForAllValues` / `ForAnyValue` set operators that prefix a condition operator. */
export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

/** One key test of a `Condition` block, e.g. `StringEquals` `aws:PrincipalOrgID` `["o-123"]`. */
export interface ConditionClause {
  /** Base operator without set qualifier or `IfExists`, as written (e.g. `StringEquals`). */
  readonly operator: string;
  /** Condition key as written; keys compare case-insensitively. */
  readonly key: string;
  /** Values as strings (IAM compares booleans and numbers by their text too). */
  readonly values: readonly string[];
  /** `...IfExists`: the clause passes when the key is missing from the request. */
  readonly ifExists: boolean;
  readonly setQualifier: SetQualifier | undefined;
}

/** A `Principal` / `NotPrincipal` object; each list holds the values of one principal type. */
export interface PrincipalSpec {
  readonly aws?: readonly string[];
  readonly service?: readonly string[];
  readonly federated?: readonly string[];
  readonly canonicalUser?: readonly string[];
}

/** One statement, with its position in the document for evidence. */
export interface Statement {
  /** 0-based position in the document's `Statement` array (0 for a single statement object). */
  readonly index: number;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: PrincipalSpec | '*';
  readonly notPrincipal?: PrincipalSpec | '*';
  readonly conditions: readonly ConditionClause[];
}

/** A decoded policy document. */
export interface PolicyDocument {
  readonly version: PolicyVersion;
  readonly statements: readonly Statement[];
}
