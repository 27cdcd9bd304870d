import { parseConfig, type WardenConfig } from '../../domain/config';
import { ConfigError } from '../../domain/errors';

/**
 * Builds Warden's configuration from the Lambda environment (set from the stage parameters in
 * serverless.yml). Invalid values fail closed with a ConfigError at cold start.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): WardenConfig {
  return parseConfig(
    dropUndefined({
      mode: nonEmpty(env.WARDEN_MODE),
      ruleModes: parseJsonVariable('WARDEN_RULE_MODES', env.WARDEN_RULE_MODES),
      protectedPrincipals: list(env.WARDEN_PROTECTED_PRINCIPALS),
      selfArnPatterns: list(env.WARDEN_SELF_ARNS),
      slackWebhookParameter: nonEmpty(env.WARDEN_SLACK_WEBHOOK_PARAMETER),
      homeRegion: nonEmpty(env.WARDEN_HOME_REGION),
      exemptions: parseJsonVariable('WARDEN_EXEMPTIONS', env.WARDEN_EXEMPTIONS),
      quarantine: parseJsonVariable('WARDEN_QUARANTINE', env.WARDEN_QUARANTINE),
      circuitBreaker: parseJsonVariable('WARDEN_CIRCUIT_BREAKER', env.WARDEN_CIRCUIT_BREAKER),
      secrets: parseJsonVariable('WARDEN_SECRETS', env.WARDEN_SECRETS),
    }),
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function list(value: string | undefined): string[] | undefined {
  const text = nonEmpty(value);
  return text === undefined ? undefined : text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

function parseJsonVariable(name: string, value: string | undefined): unknown {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON`, { cause: error });
  }
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
