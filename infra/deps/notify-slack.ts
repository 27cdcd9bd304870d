import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../../domain/errors';
import { baseClientConfig } from '../aws/client-config';
import { SecureParameter } from '../aws/secure-parameter';
import { SlackWebhookClient } from '../slack/webhook-client';

/** What `notifySlack` needs. */
export interface NotifySlackDeps {
  readonly webhookUrl: SecureParameter;
  readonly slack: SlackWebhookClient;
}

/** Dependencies of `notifySlack`; the webhook URL is read lazily and cached. */
export function notifySlackDeps(env: NodeJS.ProcessEnv = process.env): NotifySlackDeps {
  const parameter = env.WARDEN_SLACK_WEBHOOK_PARAMETER;
  if (parameter === undefined || parameter === '') throw new ConfigError('WARDEN_SLACK_WEBHOOK_PARAMETER is not set');
  return { webhookUrl: new SecureParameter(parameter, new SSMClient(baseClientConfig({}))), slack: new SlackWebhookClient() };
}
