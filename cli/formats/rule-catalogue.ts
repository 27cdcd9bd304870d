import { exposureRules } from '../../domain/exposure';
import { POLICY_RULES } from '../../domain/policy';
import { secretRuleSeverities } from '../../domain/secrets';
import type { SarifRuleInput } from './sarif';

/**
 * Every rule the IAM, secrets and exposure analyzers can raise, described for SARIF's
 * `tool.driver.rules` (title, default severity, help).
 */

const SECRET_TITLES: Readonly<Record<string, string>> = {
  'lambda-env-secret-aws-credentials': 'AWS credentials in Lambda environment variables',
  'lambda-env-secret-private-key': 'Private key in Lambda environment variables',
  'lambda-env-secret-vendor-token': 'Vendor API token in Lambda environment variables',
  'lambda-env-secret-token': 'Bearer token or JWT in Lambda environment variables',
  'lambda-env-secret-credential-url': 'URL with a password in Lambda environment variables',
  'lambda-env-secret-named': 'Secret-named Lambda environment variable with a plausible secret value',
  'lambda-env-secret-high-entropy': 'High-entropy token in Lambda environment variables',
};

const SECRET_HELP =
  'Environment variables are readable with lambda:GetFunctionConfiguration and copied into every version. Keep secrets in Secrets Manager or an SSM SecureString and pass a reference; rotate an exposed secret.';

const EXPOSURE_TITLES: Readonly<Record<string, string>> = {
  'lambda-public-invoke': 'Lambda function invocable by anyone',
  'lambda-public-url': 'Public Lambda function URL',
  'lambda-latent-public-url': 'Lambda function URL without authentication',
  'lambda-any-account-url': 'Lambda function URL callable by any AWS account',
  'lambda-cross-account': 'Lambda function shared with another account',
  'lambda-confused-deputy': 'Service principal without source scoping on a Lambda function',
};

const POLICY_HELP: Readonly<Record<string, string>> = {
  'trust-policy': 'Warden reads who may assume the role. Name the trusted principals and add conditions that really restrict the caller (aws:PrincipalOrgID, aws:SourceArn, aws:SourceAccount, the OIDC sub claim).',
  'dangerous-grammar': 'The statement does not mean what it seems to. Write positive Action, Resource and Principal elements and exact-match operators.',
  default: 'Warden evaluates the effective permissions of every policy of the principal together. Narrow the actions and resources to what the workload needs.',
};

/** The rule catalogue (sorted by id). */
export function wardenRules(): SarifRuleInput[] {
  const policy = Object.values(POLICY_RULES).map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    category: r.category,
    help: `${r.title} (IAM ${r.category}). ${POLICY_HELP[r.category] ?? POLICY_HELP.default}`,
  }));
  const secrets = Object.entries(secretRuleSeverities).map(([id, severity]) => ({ id, title: SECRET_TITLES[id] ?? id, severity, category: 'secrets', help: SECRET_HELP }));
  const exposure = Object.values(exposureRules).map((r) => ({ id: r.id, title: EXPOSURE_TITLES[r.id] ?? r.id, severity: r.severity, category: 'exposure', help: r.why }));
  return [...policy, ...secrets, ...exposure].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
