import { severityRank, type Severity } from '../findings/finding';
import { characterClasses, isRandomLooking, isTokenShaped } from './entropy';
import { AWS_ACCESS_KEY_ID, CREDENTIAL_URL_KINDS, findKnownFormats, type FormatHit } from './known-formats';
import { classifyKey, normalizeKey, type KeyClass } from './key-names';
import { fieldParts, jsonParts, parseUrl, type ParsedUrl, type Part } from './normalize';
import { isPlaceholder, notSecretReason } from './not-secrets';
import { secretRules, type SecretRuleId } from './rules';
import type { Classification, Confidence, Stage, Verdict } from './types';

/**
 * The staged decision of DESIGN.md §3.2 for one value: normalise (0), known formats (1), not
 * secrets (2), key names (3), entropy (4); the first stage that decides wins. Structured values
 * are decided by their parts.
 */

/** A secret found in a value. `secret` is what gets fingerprinted; it never leaves the domain. */
export interface SecretHit {
  readonly ruleId: SecretRuleId;
  readonly kind: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly stage: Stage;
  readonly secret: string;
  readonly location?: string;
}

/** The decision on one value, with every secret found in it. */
export interface ValueResult {
  readonly verdict: Verdict;
  readonly stage: Stage;
  readonly hits: readonly SecretHit[];
  readonly reason?: string;
}

/** What is known about the value's name and place. */
interface Subject {
  /** Normalised names from the variable inward, joined by `_` (for vendor-name formats). */
  readonly keyText: string;
  /** The class of the name that describes this value, after inheritance. */
  readonly keyClass: KeyClass;
  readonly location?: string;
}

/** Facts about the rest of the environment. */
export interface ScanContext {
  /** An AWS access key id appears somewhere in the environment: secret keys beside it form a pair. */
  readonly awsKeyIdNearby: boolean;
}

const MAX_NESTING = 4;
const DATABASE_SCHEMES = /^(?:postgres|postgresql|mysql|mysqlx|mariadb|mongodb|mongodb\+srv|redis|rediss|amqp|amqps|mssql|sqlserver|oracle|cockroachdb|clickhouse|neo4j|neo4j\+s|bolt|couchbase|couchbases|cassandra|memcached|nats|kafka)$/;

function decided(verdict: Verdict, stage: Stage, reason?: string): ValueResult {
  return reason === undefined ? { verdict, stage, hits: [] } : { verdict, stage, hits: [], reason };
}

function join(parent: string | undefined, child: string): string {
  return parent === undefined ? child : `${parent}/${child}`;
}

function childSubject(parent: Subject, part: Part): Subject {
  const own = part.key === '' ? { kind: 'neutral' as const } : classifyKey(part.key);
  const inherit = part.inheritsName && own.kind === 'neutral' && parent.keyClass.kind === 'secret';
  const keyText = part.key === '' ? parent.keyText : `${parent.keyText}_${normalizeKey(part.key)}`;
  return { keyText, keyClass: inherit ? parent.keyClass : own, location: join(parent.location, part.location) };
}

function hitFromFormat(hit: FormatHit, location: string | undefined): SecretHit {
  const { kind, ruleId, severity, confidence } = hit.rule;
  const base = { kind, ruleId, severity, confidence, stage: 1 as const, secret: hit.secret };
  return location === undefined ? base : { ...base, location };
}

function combine(results: readonly ValueResult[], fallback: ValueResult): ValueResult {
  const hits = results.flatMap((r) => r.hits);
  if (hits.length > 0) return { verdict: 'secret', stage: Math.min(...hits.map((h) => h.stage)) as Stage, hits };
  if (results.some((r) => r.verdict === 'neutral')) return decided('neutral', 4);
  return fallback;
}

function urlPasswordResult(url: ParsedUrl, subject: Subject): ValueResult {
  const password = url.password;
  if (password === undefined) return decided('not-secret', 2, 'url-without-credentials');
  if (password.length === 0 || isPlaceholder(password) || /\$\{|\{\{|^%\w+%$/.test(password)) {
    return decided('not-secret', 2, 'placeholder-password');
  }
  const kind = DATABASE_SCHEMES.test(url.scheme) ? CREDENTIAL_URL_KINDS.database : CREDENTIAL_URL_KINDS.basicAuth;
  const hit: SecretHit = {
    ruleId: secretRules.credentialUrl,
    kind,
    severity: 'high',
    confidence: 'high',
    stage: 1,
    secret: password,
    location: join(subject.location, 'url:password'),
  };
  return { verdict: 'secret', stage: 1, hits: [hit] };
}

function classifyUrl(url: ParsedUrl, value: string, subject: Subject, context: ScanContext, depth: number): ValueResult {
  const semicolon = value.indexOf(';');
  const extra = semicolon >= 0 ? (fieldParts(value.slice(semicolon + 1)) ?? []) : [];
  const parts = [...url.query, ...extra];
  const children = parts.map((part) => classifyValue(part.value, childSubject(subject, part), context, depth + 1));
  return combine([urlPasswordResult(url, subject), ...children], decided('not-secret', 2, 'url-without-credentials'));
}

function classifyParts(parts: readonly Part[], subject: Subject, context: ScanContext, depth: number): ValueResult {
  const children = parts.map((part) => classifyValue(part.value, childSubject(subject, part), context, depth + 1));
  return combine(children, decided('not-secret', parts.length === 0 ? 0 : 2, 'no-secret-parts'));
}

const WORD_LIKE = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)$/;
/**
 * Lower-case words joined by separators, with short version-like pieces: `reset-email-v2`. The
 * two kinds of piece are disjoint (letters only / holding a digit) so the pattern cannot
 * backtrack exponentially; it is only tried on short values.
 */
const WORD_IDENTIFIER = /^(?:[a-z]+|(?=[a-z]{0,2}\d)[a-z0-9]{1,3})(?:[-_.](?:[a-z]+|(?=[a-z]{0,2}\d)[a-z0-9]{1,3}))+$|^[A-Z]+(?:[-_.][A-Z0-9]+)+$/;
const MAX_IDENTIFIER = 64;
/** `user:password`, as basic-auth values are written. */
const USER_PASSWORD = /^[^:\s]{1,64}:[^:\s]{6,}$/;

/** Stage 3's plausibility test: the confidence a secret-saying name earns with this value. */
function plausibility(value: string, keyClass: KeyClass & { kind: 'secret' }): Confidence | undefined {
  if (value.length < 6) return undefined;
  if ((WORD_LIKE.test(value) && value.length <= 12) || (value.length <= MAX_IDENTIFIER && WORD_IDENTIFIER.test(value))) return undefined;
  const random = isRandomLooking(value.replace(/[-_.]/g, '')) || isTokenShaped(value);
  if (!keyClass.strong && !random && !USER_PASSWORD.test(value)) return undefined;
  const spaces = value.split(' ').length - 1;
  if (spaces >= 3 && keyClass.name !== 'password') return undefined;
  return random || (value.length >= 12 && characterClasses(value) >= 3) ? 'high' : 'medium';
}

function byName(value: string, subject: Subject): ValueResult | undefined {
  const keyClass = subject.keyClass;
  if (keyClass.kind === 'config') return decided('not-secret', 3, 'config-name');
  if (keyClass.kind === 'reference') return decided('not-secret', 3, 'reference-name');
  if (keyClass.kind !== 'secret') return undefined;
  const confidence = plausibility(value, keyClass);
  if (!confidence) return decided('not-secret', 3, 'implausible-value');
  const base = { ruleId: secretRules.namedSecret, kind: keyClass.name, severity: 'high' as const, confidence, stage: 3 as const, secret: value };
  const hit: SecretHit = subject.location === undefined ? base : { ...base, location: subject.location };
  return { verdict: 'secret', stage: 3, hits: [hit] };
}

function byEntropy(value: string, subject: Subject): ValueResult {
  if (!isTokenShaped(value)) return decided('neutral', 4);
  const base = { ruleId: secretRules.highEntropy, kind: 'high-entropy-string', severity: 'medium' as const, confidence: 'low' as const, stage: 4 as const, secret: value };
  const hit: SecretHit = subject.location === undefined ? base : { ...base, location: subject.location };
  return { verdict: 'secret', stage: 4, hits: [hit] };
}

function classifyStructured(value: string, subject: Subject, context: ScanContext, depth: number): ValueResult | undefined {
  if (depth >= MAX_NESTING) return undefined;
  const url = parseUrl(value);
  if (url) return classifyUrl(url, value, subject, context, depth);
  const fields = fieldParts(value);
  return fields ? classifyParts(fields, subject, context, depth) : undefined;
}

/**
 * Hits in the parts of a structured value that a whole-value format did not already cover: in
 * `aws_access_key_id=AKIA… aws_secret_access_key=…` the id is found whole, the key by its field.
 */
function partHitsBeyond(structured: ValueResult | undefined, formats: readonly SecretHit[]): SecretHit[] {
  if (!structured) return [];
  return structured.hits.filter((hit) => !formats.some((f) => f.secret.includes(hit.secret) || hit.secret.includes(f.secret)));
}

/** Decides one value under one subject: the stages in order, structured values by their parts. */
function classifyValue(raw: string, subject: Subject, context: ScanContext, depth: number): ValueResult {
  const value = raw.trim();
  if (value.length === 0) return decided('not-secret', 0, 'empty');
  const json = depth < MAX_NESTING ? jsonParts(value) : undefined;
  if (json) return classifyParts(json, subject, context, depth);
  const formats = findKnownFormats(value, subject.keyText, context.awsKeyIdNearby).map((f) => hitFromFormat(f, subject.location));
  const structured = classifyStructured(value, subject, context, depth);
  if (formats.length > 0) return { verdict: 'secret', stage: 1, hits: [...formats, ...partHitsBeyond(structured, formats)] };
  if (structured) return structured;
  const reason = notSecretReason(value, subject.keyClass, subject.keyText);
  if (reason) return decided('not-secret', 2, reason);
  return byName(value, subject) ?? byEntropy(value, subject);
}

/** Classifies a variable's value in an environment described by `context`. */
export function classifyInContext(key: string, value: string, context: ScanContext): ValueResult {
  return classifyValue(value, { keyText: normalizeKey(key), keyClass: classifyKey(key) }, context, 0);
}

const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { high: 3, medium: 2, low: 1 };

/** The most important hit: most severe, then most confident, then earliest stage. */
export function strongestHit(hits: readonly SecretHit[]): SecretHit | undefined {
  return [...hits].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
      a.stage - b.stage,
  )[0];
}

/**
 * Pure verdict on one `(key, value)` pair, without a fingerprint: for tests, the benchmark and
 * template scanning. An AWS secret key counts as paired when an access key id is in the same value.
 */
export function classifyVariable(key: string, value: string): Classification {
  const result = classifyInContext(key, value, { awsKeyIdNearby: AWS_ACCESS_KEY_ID.test(value) });
  const top = strongestHit(result.hits);
  if (!top) return result.reason === undefined ? { verdict: result.verdict, stage: result.stage } : { verdict: result.verdict, stage: result.stage, reason: result.reason };
  return { verdict: 'secret', ruleId: top.ruleId, kind: top.kind, confidence: top.confidence, severity: top.severity, stage: top.stage };
}
