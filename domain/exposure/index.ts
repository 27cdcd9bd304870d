/**
 * Public Lambda functions (DESIGN.md §3.3): resource policies of the function, its aliases and
 * versions, and its URL configurations, read into six exposure classes. Whether a condition
 * restricts the caller is decided by the shared `assessPrincipalRestriction` (domain/policy). Pure.
 */
export { analyzeExposure } from './analyze-exposure';
export { ExposureError, InvalidResourcePolicyError } from './errors';
export { decodeResourcePolicy, normalizeQualifier, qualifierOfArn } from './resource-policy';
export { exposureRules, exposureRuleSeverities, type ExposureRule } from './rules';
export type { ExposureInput, ExposureIssue, QualifiedPolicy } from './types';
