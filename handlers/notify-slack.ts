import type { SNSEvent } from 'aws-lambda';
import { isRetryable } from '../domain/errors';
import { slackMessageOf } from '../domain/notifications/slack-message';
import { notifySlackDeps, type NotifySlackDeps } from '../infra/deps/notify-slack';
import { createLogger } from '../infra/observability/logger';

const logger = createLogger();
let deps: NotifySlackDeps | undefined;

/** SNS → Slack: posts each Warden notification to the incoming webhook kept in SSM (SecureString). */
export async function handler(event: SNSEvent): Promise<{ readonly posted: number }> {
  deps ??= notifySlackDeps();
  const url = await deps.webhookUrl.value();
  let posted = 0;
  for (const record of event.Records ?? []) {
    try {
      await deps.slack.post(url, slackMessageOf(record.Sns?.Subject ?? '', record.Sns?.Message ?? ''));
      posted++;
    } catch (error) {
      logger.error('slack post failed', { messageId: record.Sns?.MessageId, retryable: isRetryable(error), error: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  }
  return { posted };
}
