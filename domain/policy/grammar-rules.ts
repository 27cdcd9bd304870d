import { expandActionPattern, type PatternExpansion } from './action-patterns';
import { IAM_DATA_UPDATED_AT } from './catalogue';
import { findContradiction, operatorText } from './conditions';
import { refOf, type StatementRef } from './effective';
import { issue, POLICY_RULES, type PolicyIssue } from './issues';
import type { ConditionClause, PolicyDocument, Statement } from './types';

/**
 * Dangerous grammar (DESIGN.md §3.1 category 7), judged statement by statement: constructs that
 * grant more than they appear to, or deny less.
 */

/** The policy a document belongs to, for statement references. */
export interface DocumentSource {
  readonly name: string;
  readonly arn?: string;
  readonly source: StatementRef['source'];
  readonly document: PolicyDocument;
}

/** Global keys that hold several values; `ForAllValues` on any other `aws:` key is a mistake. */
const MULTI_VALUED_GLOBAL_KEYS = new Set([
  'aws:tagkeys',
  'aws:principalorgpaths',
  'aws:calledvia',
  'aws:principalservicenameslist',
  'aws:sourceorgpaths',
  'aws:resourceorgpaths',
]);

const EXACT_OPERATORS = new Set(['stringequals', 'stringnotequals', 'stringequalsignorecase', 'stringnotequalsignorecase']);

function singleValued(key: string): boolean {
  const lower = key.toLowerCase();
  if (lower.startsWith('aws:')) return !MULTI_VALUED_GLOBAL_KEYS.has(lower.split('/')[0] ?? lower);
  return lower === 'sts:externalid' || lower.endsWith(':sub');
}

type Check = (statement: Statement, document: PolicyDocument) => Omit<PolicyIssue, 'evidence'> & { evidence: Record<string, unknown> } | undefined;

const notAction: Check = (s) =>
  s.effect === 'Allow' && s.notActions
    ? issue(POLICY_RULES.grammarAllowNotAction, {
        why: 'Allow with NotAction grants every action except those listed, including every action AWS adds in the future.',
        fix: 'Replace NotAction with an Action list of what is needed; to carve out exceptions, pair an Allow with an explicit Deny.',
        evidence: { notActions: s.notActions, grantsFutureActions: true },
      })
    : undefined;

const notResource: Check = (s) =>
  s.effect === 'Allow' && s.notResources
    ? issue(POLICY_RULES.grammarAllowNotResource, {
        why: 'Allow with NotResource grants the actions on every resource except those listed, including resources created later.',
        fix: 'Replace NotResource with a Resource list of what is needed.',
        evidence: { notResources: s.notResources },
      })
    : undefined;

const notPrincipal: Check = (s) =>
  s.effect === 'Allow' && s.notPrincipal
    ? issue(POLICY_RULES.grammarAllowNotPrincipal, {
        why: 'Allow with NotPrincipal grants access to every principal except those listed, anonymous callers included.',
        fix: 'Name the principals that may act in Principal instead.',
        evidence: { notPrincipal: s.notPrincipal },
      })
    : undefined;

function clauseEvidence(clauses: readonly ConditionClause[]): { key: string; operator: string }[] {
  return clauses.map((c) => ({ key: c.key, operator: operatorText(c) }));
}

const forAllValues: Check = (s) => {
  const bad = s.conditions.filter((c) => c.setQualifier === 'ForAllValues' && singleValued(c.key));
  return bad.length > 0
    ? issue(POLICY_RULES.grammarForAllValues, {
        why: 'ForAllValues on a single-valued key is true when the key is missing, so the condition lets requests without it through.',
        fix: 'Drop the ForAllValues: qualifier (use the plain operator) for single-valued keys.',
        evidence: { clauses: clauseEvidence(bad) },
      })
    : undefined;
};

const wildcardExact: Check = (s) => {
  const bad = s.conditions.filter((c) => EXACT_OPERATORS.has(c.operator.toLowerCase()) && c.values.some((v) => v.includes('*')));
  return bad.length > 0
    ? issue(POLICY_RULES.grammarWildcardStringEquals, {
        why: 'StringEquals compares * literally, so the condition does not match what its author probably meant.',
        fix: 'Use StringLike (or ArnLike for ARNs) when the value is a pattern.',
        evidence: { clauses: clauseEvidence(bad) },
      })
    : undefined;
};

function unknownReason(expansion: PatternExpansion): string {
  if (expansion.malformed) return 'not of the form service:action';
  if (expansion.unknownService) return 'unknown service prefix';
  return 'no such action';
}

function unknownPatterns(patterns: readonly string[] | undefined): { pattern: string; reason: string }[] {
  // Loops that allocate only for what they report: these run on every statement of every principal.
  const unknown: { pattern: string; reason: string }[] = [];
  for (const pattern of patterns ?? []) {
    const expansion = expandActionPattern(pattern);
    if (expansion.matched === 0) unknown.push({ pattern, reason: unknownReason(expansion) });
  }
  return unknown;
}

const unknownActions: Check = (s) => {
  const unknown = unknownPatterns(s.actions ?? s.notActions);
  if (unknown.length === 0) return undefined;
  if (s.effect === 'Deny') {
    return issue(POLICY_RULES.grammarDenyUnknownAction, {
      why: 'A Deny of actions that do not exist denies nothing: the guard it was meant to be is missing.',
      fix: 'Correct the action names (check the service prefix and spelling against the IAM reference).',
      evidence: { unknownActions: unknown, catalogueDate: IAM_DATA_UPDATED_AT },
    });
  }
  // Fail closed: an unknown service may be newer than the catalogue and hold dangerous actions.
  const unknownService = unknown.some((u) => u.reason === 'unknown service prefix');
  return issue(POLICY_RULES.grammarUnknownAction, {
    severity: unknownService ? 'medium' : 'low',
    why: `Warden's action catalogue (data of ${IAM_DATA_UPDATED_AT.slice(0, 10)}) does not know these actions; a service newer than the catalogue may grant anything, so Warden treats them as possibly dangerous.`,
    fix: 'Correct the action names, or review them by hand if they belong to a service newer than the catalogue.',
    evidence: { unknownActions: unknown, catalogueDate: IAM_DATA_UPDATED_AT },
  });
};

function prefixWildcards(patterns: readonly string[] | undefined): { pattern: string; matchedActions: number }[] {
  const found: { pattern: string; matchedActions: number }[] = [];
  for (const pattern of patterns ?? []) {
    if (!pattern.includes('*') && !pattern.includes('?')) continue;
    if (/^\*+(:\*+)?$/.test(pattern)) continue;
    const expansion = expandActionPattern(pattern);
    if (expansion.servicePrefixWildcard) found.push({ pattern, matchedActions: expansion.matched });
  }
  return found;
}

const prefixWildcard: Check = (s) => {
  const found = prefixWildcards(s.actions ?? s.notActions);
  return found.length > 0
    ? issue(POLICY_RULES.grammarServicePrefixWildcard, {
        why: 'A wildcard in the service prefix matches services by name, including services AWS adds later; Warden treats it as matching them (fail closed).',
        fix: 'Spell out the service prefixes.',
        evidence: { patterns: found },
      })
    : undefined;
};

function hasVariable(s: Statement): boolean {
  const values = [...(s.resources ?? []), ...(s.notResources ?? []), ...s.conditions.flatMap((c) => c.values)];
  return values.some((v) => v.includes('${'));
}

const literalVariable: Check = (s, document) =>
  document.version !== '2012-10-17' && hasVariable(s)
    ? issue(POLICY_RULES.grammarPolicyVariableLiteral, {
        why: `Policy variables need Version 2012-10-17; under ${document.version ?? 'a missing Version'} \${…} is compared literally, so the statement does not do what it says.`,
        fix: 'Set "Version": "2012-10-17".',
        evidence: { version: document.version ?? null },
      })
    : undefined;

const unsatisfiable: Check = (s) => {
  const reason = findContradiction(s.conditions);
  return reason
    ? issue(POLICY_RULES.grammarUnsatisfiableCondition, {
        why: 'The statement can never apply because its conditions contradict each other.',
        fix: 'Correct or remove the condition (a Deny with it protects nothing; an Allow with it grants nothing).',
        evidence: { reason },
      })
    : undefined;
};

const CHECKS: readonly Check[] = [notAction, notResource, notPrincipal, forAllValues, wildcardExact, unknownActions, prefixWildcard, literalVariable, unsatisfiable];

/** Category 7 issues of one document; each cites its statement. */
export function grammarIssues(policy: DocumentSource): PolicyIssue[] {
  // AWS writes and maintains its managed policies (some still name retired services): a grammar
  // finding there is noise its holder cannot act on. What they grant is still fully analysed.
  if (policy.arn !== undefined && /^arn:aws(?:-cn|-us-gov)?:iam::aws:policy\//.test(policy.arn)) return [];
  const out: PolicyIssue[] = [];
  for (const statement of policy.document.statements) {
    const ref = refOf(policy, statement);
    for (const check of CHECKS) {
      const found = check(statement, policy.document);
      if (found) out.push({ ...found, evidence: { statement: ref, ...found.evidence } });
    }
  }
  return out;
}
