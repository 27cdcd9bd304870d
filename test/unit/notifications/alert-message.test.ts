import fc from 'fast-check';
import type { Decision } from '../../../domain/decide';
import type { Finding } from '../../../domain/findings';
import {
  RENDERED_EVIDENCE_KEYS,
  alertSubject,
  buildAlertMessage,
  evidenceLines,
  snsMessageBody,
  type AlertInput,
} from '../../../domain/notifications/alert-message';
import type { ActionView } from '../../../domain/remediation/plan';

const ROLE = 'arn:aws:iam::123456789012:role/app';
const UNDO = 'warden undo u-0123456789abcdef0123 --live --ledger-table warden-prod-ledger';
const CANARY = 'AKIAWARDENCANARY0001/wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-0123456789',
    ruleId: 'iam-admin-equivalent',
    category: 'admin-equivalent',
    severity: 'critical',
    resourceArn: ROLE,
    title: 'Role app can do everything',
    evidence: {
      via: 'all-actions-all-resources',
      actions: ['iam:PassRole', 'iam:CreateAccessKey'],
      actionCount: 2,
      statements: [{ source: 'inline', policy: 'data', index: 0, sid: 'AllowAll' }],
      grantsFutureActions: true,
    },
    why: 'The principal may perform every action on every resource.',
    fix: 'Grant only the actions the workload uses.',
    widened: true,
    eventId: 'event-1',
    correlationId: 'event-1',
    accountId: '123456789012',
    region: 'us-east-1',
    ...overrides,
  };
}

const enforce: Decision = { action: 'enforce', reason: 'mode enforce (global mode) with iam-inline-rollback' };
const notify: Decision = { action: 'notify', reason: 'mode notify (global mode)' };
const applied: ActionView[] = [{ step: 'restore-inline-policy', target: ROLE, status: 'applied', undoId: 'u-0123456789abcdef0123' }];
const planned: ActionView[] = [{ step: 'restore-inline-policy', target: ROLE, status: 'planned', undoId: 'u-0123456789abcdef0123' }];

const before = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
const after = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

function input(overrides: Partial<AlertInput> = {}): AlertInput {
  return {
    finding: finding(),
    decision: enforce,
    actions: applied,
    actor: { principalArn: 'arn:aws:sts::123456789012:assumed-role/dev/alice', sourceIp: '203.0.113.7', userAgent: 'aws-cli/2.15.0 Python/3.11' },
    change: { label: 'inline policy data of role app', before, after },
    undoCommand: UNDO,
    ...overrides,
  };
}

/** Every string Warden would send for an alert. */
function everything(message: ReturnType<typeof buildAlertMessage>): string {
  return [message.subject, message.text, JSON.stringify(message.chatbot), JSON.stringify(message.attributes), snsMessageBody(message)].join('\n');
}

describe('alert subject', () => {
  it.each([
    [enforce, applied, '[Warden] CRITICAL remediated: Role app can do everything'],
    [enforce, [{ ...applied[0], status: 'failed' }] as ActionView[], '[Warden] CRITICAL remediation FAILED: Role app can do everything'],
    [notify, planned, '[Warden] CRITICAL alert: Role app can do everything'],
  ])('%j', (decision, actions, subject) => {
    expect(alertSubject(finding(), decision, actions)).toBe(subject);
  });

  it('stays under 100 printable ASCII characters on one line', () => {
    const subject = alertSubject(finding({ title: `Rôle “app” ✓\nline two ${'x'.repeat(300)}` }), enforce, applied);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('buildAlertMessage: text body', () => {
  const message = buildAlertMessage(input());

  it('says who made the change', () => {
    expect(message.text).toContain('WHO\n  Principal: arn:aws:sts::123456789012:assumed-role/dev/alice\n  Source IP: 203.0.113.7\n  User agent: aws-cli/2.15.0 Python/3.11');
  });

  it('shows what changed as a before/after diff', () => {
    expect(message.text).toContain('WHAT CHANGED\n  inline policy data of role app:');
    expect(message.text).toContain('  -       "Action": "s3:GetObject",');
    expect(message.text).toContain('  +       "Action": "*",');
  });

  it('says why it is a problem, with whitelisted evidence', () => {
    expect(message.text).toContain('WHY IT IS A PROBLEM\n  Role app can do everything\n  The principal may perform every action on every resource.');
    expect(message.text).toContain('  actions: iam:PassRole, iam:CreateAccessKey');
    expect(message.text).toContain('  statements: data statement 0 (AllowAll)');
  });

  it('says what Warden did and how to undo it, exactly', () => {
    expect(message.text).toContain('WHAT WARDEN DID\n  Decision: enforce — mode enforce (global mode) with iam-inline-rollback\n  Warden did:\n  [applied] restore-inline-policy → arn:aws:iam::123456789012:role/app');
    expect(message.text).toContain('  Suggested fix: Grant only the actions the workload uses.');
    expect(message.text).toContain(`UNDO\n  ${UNDO}`);
  });

  it('in notify mode says what Warden would do and that nothing changed', () => {
    const text = buildAlertMessage(input({ decision: notify, actions: planned })).text;
    expect(text).toContain('WHAT WARDEN WOULD DO\n  Decision: notify — mode notify (global mode)\n  Nothing was changed. In enforce mode Warden would:\n  [planned] restore-inline-policy');
    expect(text).toContain(`UNDO\n  Nothing to undo now. Once enforced, undo with:\n  ${UNDO}`);
  });

  it('copes with no actor, no change, no actions, no undo', () => {
    const text = buildAlertMessage(input({ actor: undefined, change: undefined, actions: [], undoCommand: undefined, decision: notify })).text;
    expect(text).toContain('Principal: unknown');
    expect(text).toContain('(no policy document change recorded)');
    expect(text).toContain('Nothing was changed.');
    expect(text).toContain('UNDO\n  Nothing to undo.');
  });

  it('strips control characters from every field', () => {
    const text = buildAlertMessage(input({ actor: { userAgent: 'evil\r\nBcc: x@example.com\u0007' } })).text;
    expect(text).toContain('User agent: evil Bcc: x@example.com');
    expect(text).not.toContain('\r');
  });
});

describe('buildAlertMessage: attributes, Chatbot and SNS body', () => {
  const message = buildAlertMessage(input());

  it('has message attributes for subscription filters', () => {
    expect(message.attributes).toEqual({ severity: 'critical', ruleId: 'iam-admin-equivalent', action: 'enforce', account: '123456789012' });
  });

  it('has an AWS Chatbot custom notification', () => {
    expect(message.chatbot).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: message.subject, keywords: ['critical', 'iam-admin-equivalent', 'enforce'] },
      metadata: { threadId: ROLE, relatedResources: [ROLE], additionalContext: { severity: 'critical', ruleId: 'iam-admin-equivalent', account: '123456789012' } },
    });
    expect(message.chatbot.content.nextSteps[0]).toBe(`Undo: \`${UNDO}\``);
    expect(message.chatbot.content.description).toContain('```\n');
    expect(message.chatbot.content.description.length).toBeLessThanOrEqual(3500);
  });

  it('publishes per protocol: text for people and Lambda, the Chatbot JSON over HTTPS', () => {
    const body = JSON.parse(snsMessageBody(message)) as Record<string, string>;
    expect(body['default']).toBe(message.text);
    expect(body['email']).toBe(message.text);
    expect(body['lambda']).toBe(message.text);
    expect(JSON.parse(body['https'] ?? '')).toEqual(message.chatbot);
    expect(body['sms']).toBe(message.subject);
  });

  it('keeps a huge diff within limits', () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 3000 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })) });
    const huge = buildAlertMessage(input({ change: { label: 'x', before: undefined, after: big } }));
    expect(huge.text.length).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(snsMessageBody(huge))).toBeLessThan(256 * 1024);
  });
});

describe('redaction: only whitelisted fields are rendered', () => {
  const hostile = finding({
    evidence: {
      actions: ['iam:PassRole'],
      secretValue: CANARY,
      environment: { DB_PASSWORD: CANARY },
      statements: [{ source: 'inline', policy: 'data', index: 0, sid: 'S', document: CANARY }],
      resources: [{ arn: CANARY }, 'arn:aws:s3:::bucket'],
      target: { nested: CANARY },
      via: [[CANARY]],
    },
  });
  const extra = { ...hostile, rawEvent: { requestParameters: { environment: { variables: { TOKEN: CANARY } } } } } as Finding;
  const message = buildAlertMessage(input({ finding: extra }));

  it('never renders a value outside the whitelist, nested objects, or unknown finding fields', () => {
    expect(everything(message)).not.toContain(CANARY);
    expect(everything(message)).not.toContain('CANARY');
  });

  it('names the fields it does not show', () => {
    expect(message.text).toContain('other fields (not shown): environment, secretValue, target, via');
    expect(message.text).toContain('resources: arn:aws:s3:::bucket');
  });

  it('holds for any evidence shape (property)', () => {
    const key = fc.oneof(fc.constantFrom(...RENDERED_EVIDENCE_KEYS), fc.string({ minLength: 1, maxLength: 12 }));
    const leaf = fc.constant(CANARY);
    const nested = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 3 })),
    })).node;
    // Canaries only ever sit inside objects or nested arrays, never as a whitelisted scalar.
    const wrapped = fc.oneof(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), nested, { minKeys: 1, maxKeys: 3 }), fc.array(fc.array(nested, { minLength: 1 }), { minLength: 1 }));
    fc.assert(
      fc.property(fc.dictionary(key, wrapped, { maxKeys: 6 }), (evidence) => {
        const lines = evidenceLines(evidence).join('\n');
        expect(lines).not.toContain(CANARY);
      }),
    );
  });

  it('renders a statement reference from policy, index and Sid only', () => {
    expect(evidenceLines({ statement: { policy: 'p', index: 2, sid: 'X', secret: CANARY } })).toEqual(['statement: p statement 2 (X)']);
  });
});
