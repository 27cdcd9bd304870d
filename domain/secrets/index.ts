/**
 * Plaintext secrets in Lambda environment variables (DESIGN.md §3.2): a staged detector over
 * `(key, value)` pairs whose output is redacted by construction — variable name, rule, kind,
 * confidence, severity, stage, keyed fingerprint and location path; never the value. Pure.
 */
export { classifyVariable } from './classify';
export { InvalidFingerprintKeyError, SecretScanError } from './errors';
export { FINGERPRINT_LENGTH, fingerprint } from './fingerprint';
export { knownFormatKinds } from './known-formats';
export { secretRules, secretRuleSeverities, type SecretRuleId } from './rules';
export { scanEnvironment } from './scan-environment';
export type { Classification, Confidence, EnvironmentScan, ScanOptions, SecretMatch, Stage, Verdict } from './types';
