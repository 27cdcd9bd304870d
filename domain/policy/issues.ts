import type { Severity } from '../findings/finding';
import { severities } from '../findings/finding';
import { catalogue } from './catalogue';
import type { StatementRef } from './effective';

/**
 * What the policy engine reports: pure data, without Finding ids or event context (the detector
 * maps these to Findings). Every issue carries a stable rule id, its category and severity, a
 * sentence saying why it matters, the narrowest fix Warden can suggest, and evidence: the
 * statements involved, the matched actions (capped list and count), escalation paths, and the
 * condition that failed to restrict. Never a secret value, never a whole document.
 */
export interface PolicyIssue {
  readonly ruleId: string;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** Static description of a rule. */
export interface PolicyRule {
  readonly id: string;
  readonly category: string;
  /** Severity before adjustments (a restricting condition lowers it by one step). */
  readonly severity: Severity;
  readonly title: string;
}

const rule = (id: string, category: string, severity: Severity, title: string): PolicyRule => ({ id, category, severity, title });

/** Every rule the policy engine can raise, by id (DESIGN.md §3.1 categories 1–7). */
export const POLICY_RULES = {
  adminEquivalent: rule('iam-admin-equivalent', 'admin-equivalent', 'critical', 'Administrator-equivalent permissions'),
  privilegeEscalation: rule('iam-privilege-escalation', 'privilege-escalation', 'critical', 'Privilege escalation path'),
  passRoleUnrestricted: rule('iam-passrole-unrestricted', 'passrole', 'high', 'iam:PassRole on any role without iam:PassedToService'),
  resourceExposure: rule('iam-resource-exposure', 'resource-exposure', 'high', 'Permissions management on all resources'),
  credentialsExposure: rule('iam-credentials-exposure', 'credentials-exposure', 'high', 'Actions that return credentials, on all resources'),
  dataExfiltration: rule('iam-data-exfiltration', 'data-exfiltration', 'high', 'Secret or data reads on all resources'),
  defenseEvasion: rule('iam-defense-evasion', 'defense-evasion', 'high', 'Can disable logging or threat detection'),
  serviceWildcard: rule('iam-service-wildcard', 'service-wildcard', 'medium', 'Every action of a service on all resources'),
  trustPublic: rule('iam-trust-public', 'trust-policy', 'critical', 'Role assumable by anyone'),
  trustCrossAccount: rule('iam-trust-cross-account', 'trust-policy', 'high', 'Role assumable from an untrusted account'),
  trustServiceUnscoped: rule('iam-trust-service-unscoped', 'trust-policy', 'medium', 'Service principal without source scoping'),
  trustOidcUnscoped: rule('iam-trust-oidc-unscoped', 'trust-policy', 'critical', 'OIDC federation without a subject/audience condition'),
  grammarAllowNotAction: rule('iam-grammar-allow-notaction', 'dangerous-grammar', 'medium', 'Allow with NotAction'),
  grammarAllowNotResource: rule('iam-grammar-allow-notresource', 'dangerous-grammar', 'medium', 'Allow with NotResource'),
  grammarAllowNotPrincipal: rule('iam-grammar-allow-notprincipal', 'dangerous-grammar', 'high', 'Allow with NotPrincipal'),
  grammarForAllValues: rule('iam-grammar-forallvalues-single-valued', 'dangerous-grammar', 'medium', 'ForAllValues on a single-valued key'),
  grammarWildcardStringEquals: rule('iam-grammar-wildcard-stringequals', 'dangerous-grammar', 'low', 'Wildcard under an exact-match operator'),
  grammarDenyUnknownAction: rule('iam-grammar-deny-unknown-action', 'dangerous-grammar', 'medium', 'Deny of unknown actions denies nothing'),
  grammarUnknownAction: rule('iam-grammar-unknown-action', 'dangerous-grammar', 'low', 'Allow of actions Warden does not know'),
  grammarServicePrefixWildcard: rule('iam-grammar-service-prefix-wildcard', 'dangerous-grammar', 'low', 'Wildcard in a service prefix'),
  grammarPolicyVariableLiteral: rule('iam-grammar-policy-variable-literal', 'dangerous-grammar', 'low', 'Policy variable compared literally'),
  grammarUnsatisfiableCondition: rule('iam-grammar-unsatisfiable-condition', 'dangerous-grammar', 'info', 'Condition that can never hold'),
} as const;

/** Every rule id, sorted. */
export const POLICY_RULE_IDS: readonly string[] = Object.values(POLICY_RULES)
  .map((r) => r.id)
  .sort();

/** Lists in evidence are capped; the count says how many there were. */
export const EVIDENCE_CAP = 20;
/** Statements cited per issue. */
export const STATEMENT_CAP = 10;

/** One step less severe (info stays info). */
export function lower(severity: Severity): Severity {
  return severities[Math.min(severities.indexOf(severity) + 1, severities.length - 1)] ?? severity;
}

/** Builds an issue from its rule. */
export function issue(r: PolicyRule, parts: { why: string; fix: string; evidence: Record<string, unknown>; severity?: Severity; title?: string }): PolicyIssue {
  return { ruleId: r.id, category: r.category, severity: parts.severity ?? r.severity, title: parts.title ?? r.title, why: parts.why, fix: parts.fix, evidence: parts.evidence };
}

/** `{ actions: [...first 20], actionCount }` from catalogue indexes. */
export function actionEvidence(indexes: readonly number[]): { actions: string[]; actionCount: number } {
  const names = catalogue().names;
  return { actions: indexes.slice(0, EVIDENCE_CAP).map((i) => names[i] ?? ''), actionCount: indexes.length };
}

/** Distinct statement references, capped. */
export function statementEvidence(refs: readonly (StatementRef | undefined)[]): StatementRef[] {
  const seen = new Set<string>();
  // Grants of one statement share its ref object: skip repeats before building a key.
  const seenRefs = new Set<StatementRef>();
  const out: StatementRef[] = [];
  for (const ref of refs) {
    if (out.length >= STATEMENT_CAP) break;
    if (!ref || seenRefs.has(ref)) continue;
    seenRefs.add(ref);
    const key = `${ref.source}\u0000${ref.policy}\u0000${ref.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}

/** The AWS spelling of a lowercase action, when the catalogue knows it. */
export function displayAction(lower: string): string {
  const index = catalogue().byLower.get(lower);
  return index === undefined ? lower : (catalogue().names[index] ?? lower);
}
