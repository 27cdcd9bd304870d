/**
 * notifySlack end to end: the webhook URL is a SecureString in (moto's) SSM, the "Slack" webhook a
 * receiver on 127.0.0.1. It gets a valid Block Kit payload, a 429 is retried, and neither the
 * payload nor anything the handler returns carries a secret value or the webhook URL.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';
import type { Finding } from '../../../domain/findings';
import { buildAlertMessage } from '../../../domain/notifications/alert-message';
import { handler } from '../../../handlers/notify-slack';
import { resetMoto } from '../moto';

const SECRET = 'xoxb-2468013579-1357924680-Zq8RvT2mLp5XwK9sNc3Bd7Hf';
const received: { body: string; status: number }[] = [];
let answers: number[] = [];
let server: Server;
let webhook = '';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  await resetMoto();
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const status = answers.shift() ?? 200;
      received.push({ body, status });
      response.writeHead(status, status === 429 ? { 'retry-after': '1' } : {});
      response.end(status === 200 ? 'ok' : 'rate_limited');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/${'x'.repeat(24)}`;
  await new SSMClient({}).send(new PutParameterCommand({ Name: '/warden/itest/slack-webhook', Type: 'SecureString', Value: webhook }));
  process.env.WARDEN_SLACK_WEBHOOK_PARAMETER = '/warden/itest/slack-webhook';
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const finding: Finding = {
  id: 'f-1',
  ruleId: 'lambda-env-secret-known-format',
  category: 'secrets',
  severity: 'critical',
  resourceArn: 'arn:aws:lambda:us-east-1:123456789012:function:billing',
  title: 'Slack bot token in SLACK_BOT_TOKEN of billing',
  // A detector never puts a value here; the alert must not render it even if one did.
  evidence: { variable: 'SLACK_BOT_TOKEN', fingerprint: 'a1b2c3d4e5f60718', value: SECRET },
  eventId: 'e-1',
  correlationId: 'c-1',
  accountId: '123456789012',
  region: 'us-east-1',
};

function snsEvent(): SNSEvent {
  const alert = buildAlertMessage({ finding, decision: { action: 'notify', reason: 'mode notify (global mode)' }, actions: [] });
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:warden-itest-alerts:1',
        Sns: {
          Type: 'Notification',
          MessageId: 'm-1',
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:warden-itest-alerts',
          Subject: alert.subject,
          Message: alert.text,
          Timestamp: '2026-11-23T10:00:00Z',
          SignatureVersion: '1',
          Signature: 'x',
          SigningCertUrl: 'https://example.com/cert',
          UnsubscribeUrl: 'https://example.com/unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
}

it('posts a Block Kit message to the webhook read from SSM, retrying a 429', async () => {
  answers = [429, 200];
  const result = await handler(snsEvent());
  expect(result).toEqual({ posted: 1 });
  expect(received.map((r) => r.status)).toEqual([429, 200]);
  const payload = JSON.parse(received[1]?.body ?? '{}') as { text: string; blocks: { type: string; text: { type: string; text: string } }[] };
  expect(payload.text).toMatch(/^\[Warden\] CRITICAL alert: Slack bot token/);
  expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section']);
  expect(payload.blocks[0]?.text.type).toBe('plain_text');
  expect(payload.blocks[1]?.text.type).toBe('mrkdwn');
  expect(payload.blocks[1]?.text.text.length).toBeLessThanOrEqual(3000);
  for (const { body } of received) {
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain(SECRET.slice(-12));
    expect(body).not.toContain(webhook);
  }
  expect(JSON.stringify(result)).not.toContain(webhook);
});
