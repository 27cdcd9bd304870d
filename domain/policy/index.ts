/**
 * The IAM over-breadth engine (DESIGN.md §3.1): decode policy documents in any form, compute
 * effective permissions against the action catalogue, and report issues by category with
 * evidence. Pure: no AWS SDK, no environment, no files.
 */
export { decodePolicy, tryDecodePolicy } from './decode';
export { decodeCondition } from './decode-condition';
export { InvalidPolicyError, PolicyError } from './errors';
export type { ConditionClause, PolicyDocument, PolicyVersion, PrincipalSpec, SetQualifier, Statement } from './types';
export {
  assessGrantCondition,
  assessPrincipalRestriction,
  findContradiction,
  isWildcardOnlyValue,
  type ConditionAssessment,
  type ConditionStrength,
  type PrincipalRestrictionContext,
} from './conditions';
export {
  accessLevel,
  actionsOfService,
  allActions,
  IAM_DATA_UPDATED_AT,
  IAM_DATA_VERSION,
  isKnownAction,
  isWildcardOnly,
  services,
  type AccessLevel,
} from './catalogue';
export { expandActionPattern, type PatternExpansion } from './action-patterns';
export { SCOPE_CLASSES, type ScopeClass } from './resource-scope';
export { effectiveAccess, type EffectiveAccess, type Grant, type PolicySourceKind, type StatementRef } from './effective';
export { POLICY_RULE_IDS, POLICY_RULES, type PolicyIssue, type PolicyRule } from './issues';
export { PRIVESC_COMBINATIONS, type PrivescCombination } from './privesc';
export { analyzePolicyDocument, analyzePrincipal, principalAccess, type AnalyzeOptions, type PrincipalPolicies, type PrincipalPolicy } from './analyze';
export { analyzeTrustPolicy, type TrustContext } from './trust';
export { compareAccess, type AccessComparison, type AddedGrant } from './compare';
