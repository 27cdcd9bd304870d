import { modes, type Mode, type WardenConfig } from './config';
import type { Finding } from './findings';
import { matchesWildcard } from './wildcard';

/**
 * The decision (DESIGN.md §4): the only place where modes are applied. Pure: everything it needs
 * (tags, the principal, the clock, the circuit breaker's count) is passed in.
 *
 * Order: (1) an exemption that is valid now → `ignore`; (2) the mode (per rule, else global):
 * `off` → `ignore`, `notify` → `notify`, an unknown value → `notify`; (3) `enforce` is then capped
 * at `notify` by anything that forbids acting: a protected principal, no plan, an IAM rollback for
 * a change that did not widen access, an open circuit breaker. Protected principals are therefore
 * "only reported" — unless the rule is `off`, which silences the rule for everyone.
 */

/** What Warden does with one finding. */
export type DecisionAction = 'ignore' | 'notify' | 'enforce';

/** The decision and a one-line reason people can read (it never holds a secret). */
export interface Decision {
  readonly action: DecisionAction;
  readonly reason: string;
}

/** What the decision needs to know about the remediation plan, when there is one. */
export interface PlanFacts {
  readonly remediationId: string;
  /**
   * True when the plan reverts an IAM change (detach, delete, put back the last-known-good
   * document, set the previous default version). Such a plan only runs for a finding whose
   * change `widened` access; pre-existing breadth is reported, never rolled back.
   */
  readonly revertsChange: boolean;
  /**
   * The remediation's own judgement, from re-read state, of whether the change widened access
   * (for example: the ledger's last-known-good document differs from the current one). Used only
   * when the finding does not say (`finding.widened` undefined); the finding's answer wins.
   */
  readonly widened?: boolean;
}

/** Facts about the finding's resource that the decision takes as input. */
export interface DecisionContext {
  /** Tags of the resource (principal or function). Keys compare case-insensitively. */
  readonly tags: Readonly<Record<string, string>>;
  /** The IAM principal the finding is about, when there is one. */
  readonly principalArn?: string;
  readonly now: Date;
  /** Actions Warden took on this resource within the circuit breaker's window (from the ledger). */
  readonly recentActions: number;
  /** The plan Warden would run; absent when no remediation applies (enforce then falls back to notify). */
  readonly plan?: PlanFacts;
}

/** The tag that exempts a resource. Its value: see {@link parseExemptionTag}. */
export const EXEMPT_TAG = 'warden:exempt';

/** The format of {@link EXEMPT_TAG}'s value, as shown to people. */
export const EXEMPT_TAG_FORMAT = 'reason=<text> expires=<YYYY-MM-DD>';

/** A parsed exemption tag value. */
export type ExemptionTag =
  | { readonly valid: true; readonly reason: string; readonly expires: Date; readonly expiresText: string }
  | { readonly valid: false; readonly problem: string };

const REASON_FIRST = /^\s*reason=(?<reason>.*?)\s+expires=(?<expires>\S+)\s*$/s;
const EXPIRES_FIRST = /^\s*expires=(?<expires>\S+)\s+reason=(?<reason>.*?)\s*$/s;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_REASON_SHOWN = 120;

/**
 * The instant an expiry text stops counting. A date alone (`2027-01-31`) counts through the end
 * of that day in UTC; a date-time with a zone counts until that instant. `undefined` when the
 * text is not such a date (or not a real calendar date, such as `2027-02-30`).
 */
export function expiryInstant(text: string): Date | undefined {
  const day = DATE_ONLY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = new Date(Date.UTC(year, month - 1, date));
    if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== date) return undefined;
    return new Date(start.getTime() + 24 * 60 * 60 * 1000);
  }
  if (!DATE_TIME.test(text)) return undefined;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? undefined : new Date(instant);
}

/**
 * Parses the value of the `warden:exempt` tag: `reason=<text> expires=<date>`, in either order,
 * separated by whitespace. The reason is free text (non-empty); the date is `YYYY-MM-DD` (valid
 * through that day, UTC) or an ISO date-time with a zone (`2027-01-31T18:00:00Z`). Only characters
 * that IAM and Lambda accept in tag values are needed (letters, digits, spaces, `_ . : / = + - @`),
 * which is why the separator is a space, not `;`. Example: `reason=load test INC-42 expires=2027-01-31`.
 */
export function parseExemptionTag(value: string): ExemptionTag {
  const match = REASON_FIRST.exec(value) ?? EXPIRES_FIRST.exec(value);
  const reason = match?.groups?.['reason']?.trim() ?? '';
  const expiresText = match?.groups?.['expires'] ?? '';
  if (!match) return { valid: false, problem: `malformed value (expected "${EXEMPT_TAG_FORMAT}")` };
  if (reason === '') return { valid: false, problem: 'no reason given' };
  const expires = expiryInstant(expiresText);
  if (expires === undefined) return { valid: false, problem: 'expires is not a date (YYYY-MM-DD)' };
  return { valid: true, reason, expires, expiresText };
}

/** The tag value under `key`, comparing keys case-insensitively (IAM forbids keys differing only by case). */
function tagValue(tags: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  const found = Object.keys(tags).find((name) => name.toLowerCase() === wanted);
  return found === undefined ? undefined : tags[found];
}

function shown(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= MAX_REASON_SHOWN ? oneLine : `${oneLine.slice(0, MAX_REASON_SHOWN)}…`;
}

/** Outcome of checking exemptions: the exemption that holds, plus notes on ones that do not. */
interface ExemptionCheck {
  readonly exemptBecause?: string;
  readonly notes: readonly string[];
}

function checkTagExemption(tags: Readonly<Record<string, string>>, now: Date): ExemptionCheck {
  const value = tagValue(tags, EXEMPT_TAG);
  if (value === undefined) return { notes: [] };
  const tag = parseExemptionTag(value);
  if (!tag.valid) return { notes: [`tag ${EXEMPT_TAG} not honoured: ${tag.problem}`] };
  if (tag.expires.getTime() <= now.getTime()) return { notes: [`tag ${EXEMPT_TAG} expired (${tag.expiresText})`] };
  return { exemptBecause: `exempt by tag ${EXEMPT_TAG} until ${tag.expiresText}: ${shown(tag.reason)}`, notes: [] };
}

function checkConfigExemptions(finding: Finding, config: WardenConfig, subjects: readonly string[], now: Date): ExemptionCheck {
  const notes: string[] = [];
  for (const exemption of config.exemptions) {
    if (exemption.ruleId !== undefined && exemption.ruleId !== finding.ruleId) continue;
    if (!subjects.some((arn) => matchesWildcard(exemption.resource, arn, { questionMark: false }))) continue;
    const expires = expiryInstant(exemption.expires) ?? new Date(Date.parse(exemption.expires));
    if (Number.isNaN(expires.getTime()) || expires.getTime() <= now.getTime()) {
      notes.push(`configured exemption ${exemption.resource} expired (${exemption.expires})`);
      continue;
    }
    return { exemptBecause: `exempt by configuration (${exemption.resource}) until ${exemption.expires}: ${shown(exemption.reason)}`, notes };
  }
  return { notes };
}

/** Role (or user) names that are CloudFormation / StackSets / CDK execution roles. */
const DEPLOYMENT_ROLE_PATTERNS = ['AWSCloudFormationStackSetExecutionRole', 'stacksets-exec-*', 'cdk-*-cfn-exec-role-*'];

const IAM_PRINCIPAL_ARN = /^arn:[^:]+:iam::[^:]*:(?<kind>role|user)\/(?<rest>.+)$/;

/** The kind, path and name of an IAM role or user ARN; undefined for any other ARN. */
function iamPrincipal(arn: string): { kind: string; path: string; name: string } | undefined {
  const match = IAM_PRINCIPAL_ARN.exec(arn);
  const rest = match?.groups?.['rest'];
  const kind = match?.groups?.['kind'];
  if (rest === undefined || kind === undefined) return undefined;
  const slash = rest.lastIndexOf('/');
  return { kind, path: slash < 0 ? '/' : `/${rest.slice(0, slash + 1)}`, name: rest.slice(slash + 1) };
}

function matchesPattern(pattern: string, arn: string, name: string | undefined): boolean {
  // Patterns are ARN patterns; a pattern without `arn:` is taken as a principal name pattern.
  const subject = pattern.startsWith('arn:') ? arn : name;
  return subject !== undefined && matchesWildcard(pattern, subject, { questionMark: false });
}

/**
 * Why a principal is protected (never modified, only reported), or undefined when it is not:
 * service-linked roles (path `/aws-service-role/`), IAM Identity Center roles (`AWSReservedSSO_*`),
 * Warden's own roles (`selfArnPatterns`), CloudFormation / StackSets / CDK execution roles, and the
 * configured `protectedPrincipals` (ARN patterns, or name patterns when they do not start with `arn:`).
 */
export function protectedPrincipalReason(arn: string, config: Pick<WardenConfig, 'protectedPrincipals' | 'selfArnPatterns'>): string | undefined {
  const principal = iamPrincipal(arn);
  if (principal?.kind === 'role' && principal.path.startsWith('/aws-service-role/')) return 'service-linked role';
  if (principal?.kind === 'role' && principal.name.startsWith('AWSReservedSSO_')) return 'IAM Identity Center (SSO) role';
  if (config.selfArnPatterns.some((pattern) => matchesWildcard(pattern, arn, { questionMark: false }))) return "Warden's own role";
  if (principal?.kind === 'role' && DEPLOYMENT_ROLE_PATTERNS.some((pattern) => matchesWildcard(pattern, principal.name, { questionMark: false }))) {
    return 'CloudFormation/StackSets/CDK execution role';
  }
  const listed = config.protectedPrincipals.find((pattern) => matchesPattern(pattern, arn, principal?.name));
  return listed === undefined ? undefined : `listed in protectedPrincipals (${listed})`;
}

/** The mode that applies to a rule and where it came from; `undefined` mode when the value is unknown. */
export function modeFor(ruleId: string, config: Pick<WardenConfig, 'mode' | 'ruleModes'>): { readonly mode?: Mode; readonly source: string } {
  const perRule: unknown = Object.hasOwn(config.ruleModes, ruleId) ? config.ruleModes[ruleId] : undefined;
  const value: unknown = perRule ?? config.mode;
  const source = perRule === undefined ? 'global mode' : `rule mode of ${ruleId}`;
  return isMode(value) ? { mode: value, source } : { source };
}

function isMode(value: unknown): value is Mode {
  return typeof value === 'string' && (modes as readonly string[]).includes(value);
}

function withNotes(reason: string, notes: readonly string[]): string {
  return notes.length === 0 ? reason : `${reason} (${notes.join('; ')})`;
}

/** Reasons that forbid acting on a finding although the mode is `enforce`; empty when it may act. */
function enforceBlockers(finding: Finding, config: WardenConfig, context: DecisionContext, subjects: readonly string[]): string[] {
  const blockers: string[] = [];
  for (const arn of subjects) {
    const why = protectedPrincipalReason(arn, config);
    if (why !== undefined) {
      blockers.push(`protected principal (${why}): reported, never modified`);
      break;
    }
  }
  if (context.plan === undefined) blockers.push('no remediation plan');
  else if (context.plan.revertsChange && (finding.widened ?? context.plan.widened) !== true) {
    blockers.push(`${context.plan.remediationId} reverts a change, but the change did not widen access over the last-known-good state`);
  }
  const { maxActions, windowMinutes } = config.circuitBreaker;
  if (!Number.isFinite(context.recentActions) || context.recentActions < 0) blockers.push('circuit breaker state unknown');
  else if (context.recentActions >= maxActions) {
    blockers.push(`circuit breaker open: ${context.recentActions} actions on this resource in ${windowMinutes} min (at most ${maxActions})`);
  }
  return blockers;
}

/**
 * Decides what to do with a finding. Pure.
 *
 * @param finding - the finding (its rule id, resource, and whether its change widened access).
 * @param config - the validated configuration, already lowered by the runtime switch ({@link applyModeSwitch}).
 * @param context - tags, principal, clock, recent actions on the resource, and the plan if any.
 * @returns `ignore` (exempt or off), `notify` or `enforce`, with a one-line reason.
 *
 * The circuit breaker allows at most `maxActions` actions per resource in the window: with
 * `recentActions` already taken, one more would be the `recentActions + 1`-th, so the breaker is
 * open when `recentActions >= maxActions`.
 */
export function decide(finding: Finding, config: WardenConfig, context: DecisionContext): Decision {
  const subjects = [...new Set([context.principalArn, finding.resourceArn].filter((arn): arn is string => arn !== undefined))];
  const byTag = checkTagExemption(context.tags, context.now);
  if (byTag.exemptBecause !== undefined) return { action: 'ignore', reason: byTag.exemptBecause };
  const byConfig = checkConfigExemptions(finding, config, subjects, context.now);
  if (byConfig.exemptBecause !== undefined) return { action: 'ignore', reason: withNotes(byConfig.exemptBecause, byTag.notes) };
  const notes = [...byTag.notes, ...byConfig.notes];

  const { mode, source } = modeFor(finding.ruleId, config);
  if (mode === undefined) return { action: 'notify', reason: withNotes(`unknown mode in ${source}: falling back to notify`, notes) };
  if (mode === 'off') return { action: 'ignore', reason: withNotes(`mode off (${source})`, notes) };
  if (mode === 'notify') return { action: 'notify', reason: withNotes(`mode notify (${source})`, notes) };

  const blockers = enforceBlockers(finding, config, context, subjects);
  if (blockers.length > 0) return { action: 'notify', reason: withNotes(`enforce withheld: ${blockers.join('; ')}`, notes) };
  return { action: 'enforce', reason: withNotes(`mode enforce (${source}) with ${context.plan?.remediationId ?? 'plan'}`, notes) };
}

// ---- The runtime switch (an SSM parameter) may only lower the mode ----

const MODE_RANK: Readonly<Record<Mode, number>> = { off: 0, notify: 1, enforce: 2 };

function lower(a: Mode, b: Mode): Mode {
  return MODE_RANK[a] <= MODE_RANK[b] ? a : b;
}

/** A mode after the runtime switch, with why. */
export interface SwitchedMode {
  readonly mode: Mode;
  readonly reason: string;
}

/**
 * Applies the runtime switch to one configured mode. The switch may only lower (enforce → notify →
 * off), never raise. `undefined` (no parameter) changes nothing. Surrounding whitespace and case are
 * ignored. Any other value is invalid and treated as `notify` (fail safe); the value itself is not
 * echoed.
 */
export function lowerMode(configured: Mode, switchValue: string | undefined): SwitchedMode {
  const base: Mode = isMode(configured) ? configured : 'notify';
  if (switchValue === undefined) return { mode: base, reason: 'no runtime switch' };
  const value = switchValue.trim().toLowerCase();
  if (!isMode(value)) {
    return { mode: lower(base, 'notify'), reason: 'invalid runtime switch value (expected off, notify or enforce): treated as notify' };
  }
  const mode = lower(base, value);
  if (mode === base && value !== base) return { mode, reason: `runtime switch ${value} cannot raise mode ${base}` };
  return { mode, reason: mode === base ? `runtime switch ${value} keeps mode ${base}` : `runtime switch lowered mode ${base} to ${mode}` };
}

/**
 * Lowers the global mode and every per-rule mode of a configuration by the runtime switch
 * ({@link lowerMode}); the result is what {@link decide} receives.
 */
export function applyModeSwitch(config: WardenConfig, switchValue: string | undefined): { readonly config: WardenConfig; readonly reason: string } {
  const global = lowerMode(config.mode, switchValue);
  const ruleModes = Object.fromEntries(Object.entries(config.ruleModes).map(([rule, mode]) => [rule, lowerMode(mode, switchValue).mode]));
  return { config: { ...config, mode: global.mode, ruleModes }, reason: global.reason };
}
