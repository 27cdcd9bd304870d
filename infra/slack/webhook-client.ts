import { ServiceUnavailableError, ThrottledError, UnexpectedServiceError } from '../../domain/errors';
import type { SlackMessage } from '../../domain/notifications/slack-message';

/** How many times a 429 or 5xx is retried before the SNS delivery fails to its DLQ. */
const maxAttempts = 4;

/** Posts to a Slack incoming webhook, retrying 429 (honouring Retry-After) and 5xx. */
export class SlackWebhookClient {
  constructor(
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async post(webhookUrl: string, message: SlackMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.send(webhookUrl, message);
      if (response.ok) return;
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) throw new UnexpectedServiceError(`Slack webhook answered ${response.status}`);
      if (attempt >= maxAttempts) {
        throw response.status === 429 ? new ThrottledError('Slack webhook kept answering 429') : new ServiceUnavailableError(`Slack webhook answered ${response.status}`);
      }
      await this.sleep(delayOf(response, attempt));
    }
  }

  private async send(webhookUrl: string, message: SlackMessage): Promise<Response> {
    try {
      return await this.fetchImpl(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    } catch (error) {
      // The URL is a credential: never put it in the message.
      throw new ServiceUnavailableError('Slack webhook unreachable', { cause: error });
    }
  }
}

function delayOf(response: Response, attempt: number): number {
  const retryAfter = Number(response.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter, 30) * 1000;
  return Math.min(2 ** attempt * 250, 5000);
}
