import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../../domain/errors';
import type { FingerprintKeySource } from '../../domain/ports';
import { SecureParameter } from './secure-parameter';

/**
 * The IAM actions reading the fingerprint key needs: Parameter Store passes the read through to
 * Secrets Manager, which checks GetSecretValue on the secret itself.
 */
export const fingerprintKeyActions = ['ssm:GetParameter', 'secretsmanager:GetSecretValue'] as const;

/** Parameter Store's reserved path that reads a Secrets Manager secret. */
export function secretReferenceName(secretId: string): string {
  return `/aws/reference/secretsmanager/${secretId}`;
}

/**
 * The deployment's fingerprint key, a Secrets Manager secret that CloudFormation generated
 * (nobody ever typed or saw it), read through Parameter Store's Secrets Manager reference: the
 * existing SSM client and {@link SecureParameter} serve, so the bundle carries no Secrets Manager
 * client. Read once per container, on first use, and kept for the container's life: a rotated key
 * only changes fingerprints, so a warm container may keep the old one.
 */
export class SecretFingerprintKey implements FingerprintKeySource {
  private readonly parameter: SecureParameter;

  constructor(secretId: string, client: SSMClient) {
    this.parameter = new SecureParameter(secretReferenceName(secretId), client, Number.POSITIVE_INFINITY);
  }

  fingerprintKey(): Promise<string> {
    return this.parameter.value();
  }
}

/** The key source named by `WARDEN_FINGERPRINT_SECRET` (the secret's name). Fails closed when unset. */
export function fingerprintSecretFromEnv(env: NodeJS.ProcessEnv): string {
  const name = env.WARDEN_FINGERPRINT_SECRET?.trim();
  if (name === undefined || name === '') throw new ConfigError('WARDEN_FINGERPRINT_SECRET is not set');
  return name;
}
