import type { Decision } from '../decide';
import type { Finding } from '../findings';
import type { ActionView } from '../remediation/plan';
import { documentDiff } from './policy-diff';

/**
 * The alert Warden publishes for one finding (DESIGN.md §6), for people and machines. Pure.
 *
 * Redaction by construction: the message renders ONLY named fields — the finding's rule, severity,
 * resource, title, why and fix; a whitelist of evidence keys ({@link RENDERED_EVIDENCE_KEYS}),
 * each as a short scalar or list of scalars; the actor fields passed explicitly; the before/after
 * diff of two POLICY documents; the actions and the undo command. Raw `evidence` is never
 * serialised: other keys are named, their values are not shown, and nested objects are dropped
 * (statement references excepted, of which only policy, index and Sid are read).
 *
 * SNS body ({@link snsMessageBody}): published with `MessageStructure: 'json'`, so each protocol
 * gets what it needs from one Publish: `default`, `email`, `lambda` (the Slack notifier), `sqs` →
 * the text body; `https` → the AWS Chatbot custom-notification JSON (Chatbot subscribes to the
 * topic over HTTPS; any other HTTPS subscriber gets the same structured JSON); `sms` → the subject.
 */

/** Who made the change (from the CloudTrail event), passed explicitly. */
export interface AlertActor {
  readonly principalArn?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** A change of a policy document: both sides as the event or an IAM read API gave them. */
export interface PolicyChange {
  /** What the document is, e.g. `inline policy read-all`, `trust policy`, `default version`. */
  readonly label: string;
  /** Absent: the document was created. */
  readonly before?: string;
  /** Absent: the document was deleted. */
  readonly after?: string;
}

/** Everything an alert is built from. */
export interface AlertInput {
  readonly finding: Finding;
  readonly decision: Decision;
  /** What Warden did (`applied`/`failed`/`skipped`) or would do (`planned`). */
  readonly actions: readonly ActionView[];
  readonly actor?: AlertActor;
  readonly change?: PolicyChange;
  /** The exact `warden undo …` command (see undoCommand), when there is something to undo. */
  readonly undoCommand?: string;
}

/** SNS message attributes, for subscription filter policies (all String). */
export interface AlertAttributes {
  readonly severity: string;
  readonly ruleId: string;
  readonly action: string;
  readonly account: string;
}

/** AWS Chatbot (Amazon Q Developer in chat applications) custom notification. */
export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
}

/** One alert: subject, text body, attributes and the Chatbot form. */
export interface AlertMessage {
  /** Printable ASCII, one line, under 100 characters (SNS rules for email subjects). */
  readonly subject: string;
  readonly text: string;
  readonly attributes: AlertAttributes;
  readonly chatbot: ChatbotNotification;
}

/** Evidence keys rendered in alerts; any other key is named but its value never shown. */
export const RENDERED_EVIDENCE_KEYS = [
  'via',
  'target',
  'actions',
  'actionCount',
  'services',
  'serviceCount',
  'resources',
  'statement',
  'statements',
  'restrictedBy',
  'restrictingKeys',
  'weaknesses',
  'strength',
  'grantsFutureActions',
  'unknownActions',
  'path',
  'combination',
  'provider',
  'principals',
  'authType',
  'qualifier',
  'version',
  'variable',
  'confidence',
] as const;

const MAX_SUBJECT = 99;
const MAX_FIELD = 300;
const MAX_LIST = 10;
const MAX_TEXT = 60_000;
const MAX_CHATBOT_DESCRIPTION = 3500;
const MAX_CHATBOT_TITLE = 250;

/** One line, no control characters, cut to `max` characters. */
function clean(value: string, max = MAX_FIELD): string {
  // eslint-disable-next-line no-control-regex
  const line = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Printable ASCII only (SNS subjects). */
function ascii(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}

/** What happened, in one word or two, for subjects and titles. */
export function outcomeOf(decision: Decision, actions: readonly ActionView[]): string {
  if (decision.action === 'ignore') return 'ignored';
  if (decision.action === 'notify') return 'alert';
  if (actions.some((action) => action.status === 'failed')) return 'remediation FAILED';
  return actions.some((action) => action.status === 'applied') ? 'remediated' : 'remediation pending';
}

/** The subject: `[Warden] CRITICAL remediated: <title>`, ASCII, under 100 characters. */
export function alertSubject(finding: Finding, decision: Decision, actions: readonly ActionView[]): string {
  const subject = ascii(clean(`[Warden] ${finding.severity.toUpperCase()} ${outcomeOf(decision, actions)}: ${finding.title}`, 1000));
  return subject.length <= MAX_SUBJECT ? subject : `${subject.slice(0, MAX_SUBJECT - 3)}...`;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A statement reference: only policy, index and Sid are read. */
function statementRef(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = value as { policy?: unknown; index?: unknown; sid?: unknown; source?: unknown };
  if (typeof ref.index !== 'number') return undefined;
  const where = typeof ref.policy === 'string' ? clean(ref.policy, 120) : typeof ref.source === 'string' ? clean(ref.source, 60) : 'policy';
  return `${where} statement ${ref.index}${typeof ref.sid === 'string' ? ` (${clean(ref.sid, 60)})` : ''}`;
}

function renderItem(value: unknown): string | undefined {
  if (isScalar(value)) return clean(String(value), 120);
  return statementRef(value);
}

/** A whitelisted evidence value as one line; undefined when it has no renderable form. */
function renderEvidenceValue(value: unknown): string | undefined {
  if (isScalar(value)) return clean(String(value));
  if (Array.isArray(value)) {
    const items = value.map(renderItem).filter((item): item is string => item !== undefined);
    if (items.length === 0) return undefined;
    const more = value.length > MAX_LIST ? ` (+${value.length - MAX_LIST} more)` : '';
    return clean(items.slice(0, MAX_LIST).join(', ') + more, 600);
  }
  return statementRef(value);
}

/** Evidence lines (`key: value`) from the whitelist, plus the names of fields not shown. */
export function evidenceLines(evidence: Readonly<Record<string, unknown>>): string[] {
  const allowed = new Set<string>(RENDERED_EVIDENCE_KEYS);
  const lines: string[] = [];
  const hidden: string[] = [];
  for (const key of Object.keys(evidence).sort()) {
    const rendered = allowed.has(key) ? renderEvidenceValue(evidence[key]) : undefined;
    if (rendered === undefined) hidden.push(clean(key, 40));
    else lines.push(`${key}: ${rendered}`);
  }
  if (hidden.length > 0) lines.push(`other fields (not shown): ${hidden.join(', ')}`);
  return lines;
}

function actionLine(action: ActionView): string {
  const reason = action.reason === undefined ? '' : ` — ${clean(action.reason, 200)}`;
  return `[${action.status}] ${clean(action.step, 60)} → ${clean(action.target)}${reason}`;
}

function whoLines(actor: AlertActor | undefined): string[] {
  return [
    `Principal: ${actor?.principalArn === undefined ? 'unknown' : clean(actor.principalArn)}`,
    `Source IP: ${actor?.sourceIp === undefined ? 'unknown' : clean(actor.sourceIp, 64)}`,
    `User agent: ${actor?.userAgent === undefined ? 'unknown' : clean(actor.userAgent, 200)}`,
  ];
}

function changeText(change: PolicyChange | undefined): string[] {
  if (change === undefined) return ['(no policy document change recorded)'];
  return [`${clean(change.label, 120)}:`, documentDiff(change.before, change.after)];
}

function doneLines(input: AlertInput): string[] {
  const { decision, actions } = input;
  const header = `Decision: ${decision.action} — ${clean(decision.reason, 600)}`;
  if (actions.length === 0) return [header, decision.action === 'enforce' ? 'No steps.' : 'Nothing was changed.'];
  const lead = decision.action === 'enforce' ? 'Warden did:' : 'Nothing was changed. In enforce mode Warden would:';
  return [header, lead, ...actions.map(actionLine)];
}

function undoLines(input: AlertInput): string[] {
  if (input.undoCommand === undefined) return ['Nothing to undo.'];
  const applied = input.actions.some((action) => action.status === 'applied');
  return applied ? [input.undoCommand] : ['Nothing to undo now. Once enforced, undo with:', input.undoCommand];
}

function section(title: string, lines: readonly string[]): string {
  return `${title}\n${lines.map((line) => line.split('\n').map((part) => `  ${part}`).join('\n')).join('\n')}`;
}

/** The text body (email, Slack, Lambda subscribers). */
function textBody(input: AlertInput, subject: string): string {
  const { finding } = input;
  const head = [
    subject,
    '',
    `Rule: ${clean(finding.ruleId, 100)} (${clean(finding.category, 60)}), severity ${finding.severity}`,
    `Resource: ${clean(finding.resourceArn)}`,
    `Account: ${clean(finding.accountId, 20)}  Region: ${clean(finding.region, 30)}`,
    `Event: ${clean(finding.eventId, 100)}  Finding: ${clean(finding.id, 60)}`,
  ].join('\n');
  const why = [clean(finding.title, 300), ...(finding.why === undefined ? [] : [clean(finding.why, 1000)]), ...evidenceLines(finding.evidence)];
  const body = [
    head,
    section('WHO', whoLines(input.actor)),
    section('WHAT CHANGED', changeText(input.change)),
    section('WHY IT IS A PROBLEM', why),
    section(input.decision.action === 'enforce' ? 'WHAT WARDEN DID' : 'WHAT WARDEN WOULD DO', [
      ...doneLines(input),
      ...(finding.fix === undefined ? [] : [`Suggested fix: ${clean(finding.fix, 1000)}`]),
    ]),
    section('UNDO', undoLines(input)),
  ].join('\n\n');
  return body.length <= MAX_TEXT ? body : `${body.slice(0, MAX_TEXT - 1)}…`;
}

/** Markdown for Chatbot's description: the same sections, shorter, the diff in a code block. */
function chatbotDescription(input: AlertInput): string {
  const { finding } = input;
  const diff = input.change === undefined ? '' : `\n*${clean(input.change.label, 120)}*\n\`\`\`\n${documentDiff(input.change.before, input.change.after).replace(/```/g, "'''")}\n\`\`\``;
  const parts = [
    `*Resource:* ${clean(finding.resourceArn)}`,
    `*Who:* ${whoLines(input.actor).join(' · ')}`,
    `*Why:* ${clean(finding.why ?? finding.title, 800)}`,
    ...evidenceLines(finding.evidence).map((line) => `• ${line}`),
    `*Decision:* ${input.decision.action} — ${clean(input.decision.reason, 400)}`,
    ...input.actions.map((action) => `• ${actionLine(action)}`),
  ];
  const text = parts.join('\n') + diff;
  return text.length <= MAX_CHATBOT_DESCRIPTION ? text : `${text.slice(0, MAX_CHATBOT_DESCRIPTION - 1)}…`;
}

function chatbotNotification(input: AlertInput, subject: string, attributes: AlertAttributes): ChatbotNotification {
  const { finding } = input;
  const nextSteps = [
    ...(input.undoCommand === undefined ? [] : [`Undo: \`${input.undoCommand}\``]),
    ...(finding.fix === undefined ? [] : [`Fix: ${clean(finding.fix, 400)}`]),
    `Review ${clean(finding.resourceArn)}`,
  ];
  return {
    version: '1.0',
    source: 'custom',
    id: clean(finding.id, 100),
    content: {
      textType: 'client-markdown',
      title: clean(subject, MAX_CHATBOT_TITLE),
      description: chatbotDescription(input),
      nextSteps,
      keywords: [attributes.severity, attributes.ruleId, attributes.action],
    },
    metadata: {
      threadId: clean(finding.resourceArn),
      summary: clean(subject, MAX_CHATBOT_TITLE),
      eventType: 'Warden Finding',
      relatedResources: [clean(finding.resourceArn)],
      additionalContext: { ...attributes, region: clean(finding.region, 30), findingId: clean(finding.id, 100), eventId: clean(finding.eventId, 100) },
    },
  };
}

/** Builds the alert for a finding, its decision and actions. Pure; renders only whitelisted fields. */
export function buildAlertMessage(input: AlertInput): AlertMessage {
  const { finding, decision } = input;
  const subject = alertSubject(finding, decision, input.actions);
  const attributes: AlertAttributes = {
    severity: finding.severity,
    ruleId: clean(finding.ruleId, 100) || 'unknown',
    action: decision.action,
    account: clean(finding.accountId, 20) || 'unknown',
  };
  return { subject, text: textBody(input, subject), attributes, chatbot: chatbotNotification(input, subject, attributes) };
}

/** The SNS `Message` for `MessageStructure: 'json'`: one body per protocol (see the file comment). */
export function snsMessageBody(message: AlertMessage): string {
  return JSON.stringify({
    default: message.text,
    email: message.text,
    lambda: message.text,
    sqs: message.text,
    https: JSON.stringify(message.chatbot),
    sms: message.subject,
  });
}
