import type { Severity } from '../findings/finding';

/**
 * Rule ids of the secrets detector: one per family, so configuration can set a mode per family
 * (for example keep `lambda-env-secret-high-entropy` in notify while enforcing the others). The
 * precise format is the match's `kind`.
 *
 * | rule id | kinds | severity |
 * |---|---|---|
 * | `lambda-env-secret-aws-credentials` | `aws-access-key-pair` (critical), `aws-secret-access-key`, `aws-session-token` (high), `aws-access-key-id` alone (low) | per kind |
 * | `lambda-env-secret-private-key` | `private-key`, `age-secret-key` | high |
 * | `lambda-env-secret-vendor-token` | `github-token`, `slack-token`, `stripe-secret-key`, … (see known-formats.ts) | high, some medium |
 * | `lambda-env-secret-token` | `jwt`, `bearer-token`, `basic-auth-header` | medium |
 * | `lambda-env-secret-credential-url` | `database-url`, `basic-auth-url` | high |
 * | `lambda-env-secret-named` | `password`, `secret`, `token`, `api-key`, `private-key`, `connection-string`, `credentials`, `auth`, `key` | high |
 * | `lambda-env-secret-high-entropy` | `high-entropy-string` | medium (confidence low) |
 */
export const secretRules = {
  awsCredentials: 'lambda-env-secret-aws-credentials',
  privateKey: 'lambda-env-secret-private-key',
  vendorToken: 'lambda-env-secret-vendor-token',
  token: 'lambda-env-secret-token',
  credentialUrl: 'lambda-env-secret-credential-url',
  namedSecret: 'lambda-env-secret-named',
  highEntropy: 'lambda-env-secret-high-entropy',
} as const;

/** One of the secrets detector's rule ids. */
export type SecretRuleId = (typeof secretRules)[keyof typeof secretRules];

/** Every rule id with the most severe finding it can raise (for the detector registry and docs). */
export const secretRuleSeverities: Readonly<Record<SecretRuleId, Severity>> = {
  [secretRules.awsCredentials]: 'critical',
  [secretRules.privateKey]: 'high',
  [secretRules.vendorToken]: 'high',
  [secretRules.token]: 'medium',
  [secretRules.credentialUrl]: 'high',
  [secretRules.namedSecret]: 'high',
  [secretRules.highEntropy]: 'medium',
};
