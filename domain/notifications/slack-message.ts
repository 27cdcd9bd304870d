/** A Slack Block Kit message for an incoming webhook. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

const maxSectionText = 2900; // Slack rejects section text over 3,000 characters.

/**
 * Block Kit message for one Warden notification (an SNS subject and text body). The body is
 * Warden's own text, which never holds a secret value; it is cut to Slack's limits.
 */
export function slackMessageOf(subject: string, body: string): SlackMessage {
  const title = subject.trim() === '' ? 'Warden notification' : subject.trim();
  return {
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(body)) } },
    ],
  };
}

function cut(text: string): string {
  return text.length <= maxSectionText ? text : `${text.slice(0, maxSectionText)}…`;
}

/** Slack's mrkdwn treats &, < and > as control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
