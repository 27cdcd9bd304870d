import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { snsMessageBody, type AlertMessage } from '../../domain/notifications/alert-message';
import type { AlertPublisher } from '../../domain/ports';
import { translateSdkError } from './sdk-errors';

/** IAM actions this adapter calls. */
export const alertTopicActions = ['sns:Publish'] as const;

/**
 * Publishes alerts to Warden's SNS topic (`warden-<stage>-alerts`): one Publish per alert with
 * `MessageStructure: 'json'` (text for email, Lambda and SQS subscribers, the AWS Chatbot JSON for
 * HTTPS subscribers such as Chatbot; see alert-message.ts), the subject, and the message
 * attributes `severity`, `ruleId`, `action`, `account` as String for subscription filter policies.
 */
export class AlertTopic implements AlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** @throws the translated SDK error (throttling and 5xx are retryable). */
  async publish(message: AlertMessage): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: message.subject,
          Message: snsMessageBody(message),
          MessageStructure: 'json',
          MessageAttributes: messageAttributes(message),
        }),
      );
    } catch (error) {
      throw translateSdkError(error, 'sns:Publish');
    }
  }
}

/** The attributes as SNS String attributes (empty values are not allowed by SNS and are left out). */
export function messageAttributes(message: AlertMessage): Record<string, MessageAttributeValue> {
  const { severity, ruleId, action, account } = message.attributes;
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of [
    ['severity', severity],
    ['ruleId', ruleId],
    ['action', action],
    ['account', account],
  ] as const) {
    if (value !== '') attributes[name] = { DataType: 'String', StringValue: value };
  }
  return attributes;
}
