import type { Severity } from '../findings/finding';
import { secretRules, type SecretRuleId } from './rules';
import type { Confidence } from './types';

/**
 * Stage 1 of DESIGN.md §3.2: formats that are secrets by their shape alone (vendor prefixes,
 * PEM headers, JWTs) or by their shape under a vendor's variable name (a 32-hex Twilio token).
 * Patterns are searched anywhere in the value, so a token inside free text or a header is found.
 */
export interface FormatRule {
  readonly kind: string;
  readonly ruleId: SecretRuleId;
  readonly severity: Severity;
  readonly confidence: Confidence;
  /** Capture group 1, when present, is the secret to fingerprint; otherwise the whole match. */
  readonly pattern: RegExp;
  /** Only under names matching this (tested on the normalised key path, e.g. `TWILIO_AUTH_TOKEN`). */
  readonly keyPattern?: RegExp;
  /** Extra check on the secret, e.g. that a base64 body decodes to `user:password`. */
  readonly accept?: (secret: string) => boolean;
  /**
   * Literals of which the value must contain one for the pattern to be tried (empty: always
   * tried). All hints together form one pre-filter, so most values skip stage 1 in one test.
   */
  readonly hints: readonly string[];
}

/** A format found in a value. `secret` stays inside the domain: it is only fingerprinted. */
export interface FormatHit {
  readonly rule: FormatRule;
  readonly secret: string;
}

// Left/right boundaries: a token is not a slice of a longer identifier.
const L = '(?<![A-Za-z0-9_-])';
const R = '(?![A-Za-z0-9_-])';

function re(source: string, flags = ''): RegExp {
  return new RegExp(source, flags);
}

function vendor(kind: string, source: string, severity: Severity = 'high', hint: string | readonly string[] | undefined = literalHint(source)): FormatRule {
  const hints = hint === undefined ? [] : typeof hint === 'string' ? [hint] : hint;
  return { kind, ruleId: secretRules.vendorToken, severity, confidence: 'high', pattern: re(source), hints };
}

/** The longest plain literal right after the capture's opening parenthesis (`ghp_`, `xoxb-`). */
function literalHint(source: string): string | undefined {
  const body = source.slice(source.search(/\((?!\?)/) + 1);
  const literal = /^(?:[A-Za-z0-9_~:-]|\\[./-])+/.exec(body)?.[0].replace(/\\/g, '');
  return literal !== undefined && literal.length >= 3 ? literal : undefined;
}

function keyed(kind: string, keyPattern: RegExp, source: string, severity: Severity = 'high'): FormatRule {
  return { kind, ruleId: secretRules.vendorToken, severity, confidence: 'high', pattern: re(source), keyPattern, hints: [] };
}

function decodesToUserPassword(encoded: string): boolean {
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon >= 0 && colon < text.length - 1 && /^[\x20-\x7e]+$/.test(text);
}

/** Vendor tokens recognisable by their prefix or structure. */
const VENDOR_RULES: readonly FormatRule[] = [
  vendor('github-token', `${L}(gh[pousr]_[A-Za-z0-9]{36,251})${R}`, 'high', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']),
  vendor('github-token', `${L}(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${R}`),
  vendor('gitlab-token', `${L}(gl(?:pat|ptt|rt|dt|cbt|soat)-[A-Za-z0-9_-]{20,})`, 'high', ['glpat-', 'glptt-', 'glrt-', 'gldt-', 'glcbt-', 'glsoat-']),
  vendor('slack-token', `${L}(xox[baprse]-(?:\\d+-)+[A-Za-z0-9-]{10,})`, 'high', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-']),
  vendor('slack-token', `${L}(xapp-\\d-[A-Z0-9]{8,12}-\\d{10,16}-[a-f0-9]{32,80})${R}`),
  vendor('slack-webhook', '(https://hooks\\.slack\\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,14}/[A-Za-z0-9]{18,40})', 'medium', 'hooks.slack.com'),
  vendor('stripe-secret-key', `${L}((?:sk|rk)_live_[A-Za-z0-9]{20,247})${R}`, 'high', '_live_'),
  vendor('stripe-test-key', `${L}((?:sk|rk)_test_[A-Za-z0-9]{20,247})${R}`, 'medium', '_test_'),
  vendor('stripe-webhook-secret', `${L}(whsec_[A-Za-z0-9+/=]{24,64})${R}`),
  vendor('npm-token', `${L}(npm_[A-Za-z0-9]{36})${R}`),
  vendor('sendgrid-api-key', `${L}(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})${R}`),
  vendor('google-api-key', `${L}(AIza[0-9A-Za-z_-]{35})${R}`),
  vendor('google-oauth-client-secret', `${L}(GOCSPX-[A-Za-z0-9_-]{28})${R}`),
  vendor('anthropic-api-key', `${L}(sk-ant-(?:api|admin|oat|sid)\\d{2}-[A-Za-z0-9_-]{80,})`),
  vendor('openai-api-key', `${L}(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})`, 'high', 'sk-'),
  vendor('openai-api-key', `${L}(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})${R}`),
  vendor('openai-api-key', `${L}(sk-[A-Za-z0-9]{48})${R}`),
  vendor('mailgun-api-key', `${L}(key-[0-9a-f]{32})${R}`),
  vendor('mailgun-api-key', `${L}([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})${R}`, 'high', []),
  vendor('mailchimp-api-key', `${L}([0-9a-f]{32}-us\\d{1,2})${R}`, 'high', '-us'),
  vendor('shopify-token', `${L}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${R}`, 'high', 'shp'),
  vendor('atlassian-api-token', `${L}(AT(?:ATT|CTT)3[A-Za-z0-9_=-]{50,})`, 'high', ['ATATT3', 'ATCTT3']),
  vendor('azure-storage-key', '(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})', 'high', ['AccountKey=', 'SharedAccessKey=']),
  vendor('azure-sas-token', '(?:^|[?&;])sv=\\d{4}-\\d{2}-\\d{2}&(?:[^&\\s]*&)*?sig=([A-Za-z0-9%+/=]{30,})', 'high', 'sig='),
  vendor('azure-ad-client-secret', '(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])', 'high', 'Q~'),
  vendor('heroku-api-key', `${L}(HRKU-AA[0-9A-Za-z_-]{58})${R}`, 'high', 'HRKU-'),
  vendor('discord-bot-token', `${L}([MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38})${R}`, 'high', []),
  vendor('discord-webhook', '(https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,68})', 'medium', '/api/webhooks/'),
  vendor('telegram-bot-token', '(?<![0-9])(\\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])', 'high', ':AA'),
  vendor('vault-token', `${L}(hv[sbr]\\.[A-Za-z0-9_-]{24,})`, 'high', ['hvs.', 'hvb.', 'hvr.']),
  vendor('square-access-token', `${L}(EAAA[A-Za-z0-9_-]{60})${R}`, 'high', 'EAAA'),
  vendor('square-access-token', `${L}(sq0atp-[A-Za-z0-9_-]{22})${R}`),
  vendor('square-oauth-secret', `${L}(sq0csp-[A-Za-z0-9_-]{43})${R}`),
  vendor('huggingface-token', `${L}(hf_[A-Za-z]{34})${R}`),
  vendor('digitalocean-token', `${L}(do[por]_v1_[a-f0-9]{64})${R}`, 'high', ['dop_v1_', 'doo_v1_', 'dor_v1_']),
  vendor('linear-api-key', `${L}(lin_api_[A-Za-z0-9]{40})${R}`),
  vendor('postman-api-key', `${L}(PMAK-[a-f0-9]{24}-[a-f0-9]{34})${R}`),
  vendor('newrelic-api-key', `${L}(NRAK-[A-Z0-9]{27})${R}`),
  vendor('sentry-token', `${L}(sntry[su]_[A-Za-z0-9+/=_]{40,})`, 'high', 'sntry'),
  vendor('databricks-token', `${L}(dapi[a-f0-9]{32}(?:-\\d)?)${R}`),
  vendor('pulumi-token', `${L}(pul-[a-f0-9]{40})${R}`),
  vendor('doppler-token', `${L}(dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44})${R}`, 'high', 'dp.'),
  vendor('grafana-token', `${L}(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${R}`),
  vendor('grafana-token', `${L}(glc_[A-Za-z0-9+/]{32,400}={0,2})`),
  vendor('mapbox-secret-token', `${L}(sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,})`, 'high', 'sk.eyJ'),
  vendor('fcm-server-key', `${L}(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{120,})`, 'high', ':APA91b'),
  vendor('contentful-token', `${L}(CFPAT-[A-Za-z0-9_-]{43})${R}`),
  vendor('planetscale-token', `${L}(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})${R}`, 'high', 'pscale_'),
  vendor('supabase-access-token', `${L}(sbp_[a-f0-9]{40})${R}`),
  vendor('terraform-cloud-token', `${L}([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})${R}`, 'high', '.atlasv1.'),
  vendor('notion-token', `${L}(ntn_\\d{11}[A-Za-z0-9]{35})${R}`),
  vendor('airtable-token', `${L}(pat[A-Za-z0-9]{14}\\.[a-f0-9]{64})${R}`, 'high', 'pat'),
  vendor('groq-api-key', `${L}(gsk_[A-Za-z0-9]{52})${R}`),
  vendor('onepassword-service-token', `${L}(ops_eyJ[A-Za-z0-9+/=_-]{100,})`, 'high', 'ops_eyJ'),
];

/** Formats only the variable's name makes recognisable (bare hex or UUID tokens). */
const KEYED_RULES: readonly FormatRule[] = [
  keyed('twilio-auth-token', /TWILIO/, '^([0-9a-f]{32})$'),
  keyed('datadog-api-key', /(?:^|_)(?:DD|DATADOG)_(?:API|APP|APPLICATION)_?KEY(?:_|$)/, '^([0-9a-f]{32}|[0-9a-f]{40})$'),
  keyed('algolia-admin-key', /ALGOLIA(?!.*SEARCH).*(?:ADMIN|WRITE|API)_?KEY/, '^([0-9a-f]{32})$'),
  keyed('pagerduty-token', /PAGERDUTY|(?:^|_)PD_/, '^([A-Za-z0-9_+-]{20}|[a-f0-9]{32})$'),
  keyed('heroku-api-key', /HEROKU/, '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'),
  keyed('vault-token', /VAULT/, '^(s\\.[A-Za-z0-9]{24})$'),
  keyed('cloudflare-api-token', /CLOUDFLARE|(?:^|_)CF_/, '^([A-Za-z0-9_-]{40}|[a-f0-9]{37})$'),
  keyed('azure-storage-key', /(?:^|_)(?:ACCOUNT|SHARED_ACCESS|STORAGE(?:_ACCOUNT)?)_KEY(?:_|$)/, '^([A-Za-z0-9+/]{40,}={0,2})$'),
];

/** Private keys and other key material. */
const PRIVATE_KEY_RULES: readonly FormatRule[] = [
  {
    kind: 'private-key',
    ruleId: secretRules.privateKey,
    severity: 'high',
    confidence: 'high',
    pattern: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?-----(?:\\n|\\r|\s|[A-Za-z0-9+/=:,-]){40,})/,
    hints: ['PRIVATE KEY'],
  },
  {
    kind: 'private-key',
    ruleId: secretRules.privateKey,
    severity: 'high',
    confidence: 'high',
    pattern: /(PuTTY-User-Key-File-\d: [\s\S]{40,})/,
    hints: ['PuTTY-User-Key-File-'],
  },
  { kind: 'age-secret-key', ruleId: secretRules.privateKey, severity: 'high', confidence: 'high', pattern: /(AGE-SECRET-KEY-1[0-9A-Z]{58})/, hints: ['AGE-SECRET-KEY-'] },
];

/** Generic bearer credentials. */
const TOKEN_RULES: readonly FormatRule[] = [
  {
    kind: 'jwt',
    ruleId: secretRules.token,
    severity: 'medium',
    confidence: 'high',
    pattern: re(`${L}(eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{16,})${R}`),
    hints: ['eyJ'],
  },
  {
    kind: 'bearer-token',
    ruleId: secretRules.token,
    severity: 'medium',
    confidence: 'medium',
    pattern: /(?:^|[\s:=])(?:Bearer|Token)\s+([A-Za-z0-9._~+/-]{20,}=*)/,
    hints: ['Bearer', 'Token'],
  },
  {
    kind: 'basic-auth-header',
    ruleId: secretRules.token,
    severity: 'high',
    confidence: 'high',
    pattern: /(?:^|[\s:=])Basic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/,
    accept: decodesToUserPassword,
    hints: ['Basic'],
  },
];

/** AWS credentials other than the secret access key (which needs pairing or a name). */
const AWS_RULES: readonly FormatRule[] = [
  {
    kind: 'aws-session-token',
    ruleId: secretRules.awsCredentials,
    severity: 'high',
    confidence: 'high',
    pattern: /((?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9/+=]{100,})/,
    hints: ['IQoJb3JpZ2luX2Vj', 'ZXIvYXdzE'],
  },
  {
    kind: 'aws-access-key-id',
    ruleId: secretRules.awsCredentials,
    severity: 'low',
    confidence: 'high',
    pattern: /(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])/,
    hints: ['AKIA', 'ASIA'],
  },
];

/** Every stage-1 format, in reporting order (key material first, then vendors, then generic). */
export const FORMAT_RULES: readonly FormatRule[] = [...PRIVATE_KEY_RULES, ...AWS_RULES, ...VENDOR_RULES, ...KEYED_RULES, ...TOKEN_RULES];

/** An AWS access key id anywhere in `text` (used to pair secret access keys across variables). */
export const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])/;

const AWS_SECRET_SHAPE = /^[A-Za-z0-9/+]{40}$/;
const AWS_SECRET_NAME = /AWS.*SECRET|SECRET_?ACCESS_?KEY/;
const PAIRED_SECRET_NAME = /SECRET|(?:^|_)SK(?:_|$)/;

/**
 * True when a value is a template or example rather than a key: a long run of one character,
 * `EXAMPLE` (AWS documentation keys), or too few distinct characters to be random.
 */
export function isDegenerateToken(secret: string): boolean {
  if (/EXAMPLE|[xX]{6,}|0{8,}|\*{3,}|\.{3,}/.test(secret)) return true;
  const tail = secret.slice(-16);
  return new Set(tail).size <= 3;
}

function looksRandom(value: string): boolean {
  const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9/+]/.test(value));
  return classes >= 3;
}

/**
 * The AWS secret access key rule: 40 base64 characters under a name that says AWS secret, or
 * under a secret-ish name when an access key id is in the same environment (a pair: critical).
 */
export function findAwsSecretKey(value: string, keyText: string, awsKeyIdNearby: boolean): FormatHit | undefined {
  const trimmed = value.trim();
  if (!AWS_SECRET_SHAPE.test(trimmed) || !looksRandom(trimmed) || isDegenerateToken(trimmed)) return undefined;
  const named = AWS_SECRET_NAME.test(keyText);
  if (!named && !(awsKeyIdNearby && PAIRED_SECRET_NAME.test(keyText))) return undefined;
  const paired = awsKeyIdNearby;
  const rule: FormatRule = {
    kind: paired ? 'aws-access-key-pair' : 'aws-secret-access-key',
    ruleId: secretRules.awsCredentials,
    severity: paired ? 'critical' : 'high',
    confidence: 'high',
    pattern: AWS_SECRET_SHAPE,
    hints: [],
  };
  return { rule, secret: trimmed };
}

const UNKEYED_RULES = FORMAT_RULES.filter((rule) => rule.keyPattern === undefined);
const rulesByKey = new Map<string, readonly FormatRule[]>();

/** The rules that apply under a name: every unkeyed rule, plus the vendor-name rules it matches (memoised). */
function rulesFor(keyText: string): readonly FormatRule[] {
  const hit = rulesByKey.get(keyText);
  if (hit) return hit;
  const keyedRules = KEYED_RULES.filter((rule) => rule.keyPattern?.test(keyText));
  const rules = keyedRules.length === 0 ? UNKEYED_RULES : FORMAT_RULES.filter((r) => !r.keyPattern || keyedRules.includes(r));
  if (rulesByKey.size > 5_000) rulesByKey.clear();
  rulesByKey.set(keyText, rules);
  return rules;
}

/** One test that tells whether any hinted rule can match. */
const PREFILTER = new RegExp(
  [...new Set(FORMAT_RULES.flatMap((rule) => rule.hints))].map((h) => h.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
);
/** No stage-1 format is shorter than this. */
const SHORTEST_FORMAT = 14;

function hitOf(rule: FormatRule, value: string, hinted: boolean): FormatHit | undefined {
  if (rule.hints.length > 0 && (!hinted || !rule.hints.some((h) => value.includes(h)))) return undefined;
  const match = rule.pattern.exec(value);
  if (!match) return undefined;
  const secret = match[1] ?? match[0];
  if (isDegenerateToken(secret)) return undefined;
  if (rule.accept && !rule.accept(secret)) return undefined;
  return { rule, secret };
}

/**
 * Every stage-1 format in `value` (at most one hit per rule). `keyText` is the normalised key
 * path (`TWILIO_AUTH_TOKEN`); `awsKeyIdNearby` says an access key id is in the same environment.
 */
export function findKnownFormats(value: string, keyText: string, awsKeyIdNearby: boolean): FormatHit[] {
  const hits: FormatHit[] = [];
  if (value.length < SHORTEST_FORMAT) return hits;
  const aws = findAwsSecretKey(value, keyText, awsKeyIdNearby);
  if (aws) hits.push(aws);
  const hinted = PREFILTER.test(value);
  for (const rule of rulesFor(keyText)) {
    const hit = hitOf(rule, value, hinted);
    if (hit && !hits.some((h) => h.secret.includes(hit.secret) || hit.secret.includes(h.secret))) hits.push(hit);
  }
  return hits;
}

/** Kinds of credential URLs (decided in classify.ts from the URL's password). */
export const CREDENTIAL_URL_KINDS = { database: 'database-url', basicAuth: 'basic-auth-url' } as const;

/** The distinct stage-1 formats (kinds) the detector knows. */
export function knownFormatKinds(): readonly string[] {
  const extra = ['aws-secret-access-key', 'aws-access-key-pair', CREDENTIAL_URL_KINDS.database, CREDENTIAL_URL_KINDS.basicAuth];
  return [...new Set([...FORMAT_RULES.map((r) => r.kind), ...extra])];
}
