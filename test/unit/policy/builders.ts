import { decodePolicy } from '../../../domain/policy/decode';
import type { PolicyIssue } from '../../../domain/policy/issues';
import type { PrincipalPolicies, PrincipalPolicy } from '../../../domain/policy/analyze';
import type { PolicyDocument } from '../../../domain/policy/types';

/** Test builders for policy documents and principals. */
export const ACCOUNT = '111122223333';
export const FOREIGN = '444455556666';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`;
export const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** A decoded document from statements (Version 2012-10-17 unless given; `null` omits it). */
export function doc(statements: unknown, version: string | null = '2012-10-17'): PolicyDocument {
  return decodePolicy(version === null ? { Statement: statements } : { Version: version, Statement: statements });
}

/** An inline policy. */
export function inline(statements: unknown, name = 'inline', version: string | null = '2012-10-17'): PrincipalPolicy {
  return { name, source: 'inline', document: doc(statements, version) };
}

/** A role with one inline policy made of `statements`. */
export function role(statements: unknown, extra: Partial<PrincipalPolicies> = {}): PrincipalPolicies {
  return { kind: 'role', arn: ROLE_ARN, accountId: ACCOUNT, policies: [inline(statements)], ...extra };
}

/** Sorted distinct rule ids. */
export function ruleIds(issues: readonly PolicyIssue[]): string[] {
  return [...new Set(issues.map((i) => i.ruleId))].sort();
}

/** The one issue with this rule id. */
export function only(issues: readonly PolicyIssue[], ruleId: string): PolicyIssue {
  const found = issues.filter((i) => i.ruleId === ruleId);
  if (found.length !== 1) throw new Error(`expected one ${ruleId}, got ${found.length}`);
  return found[0] as PolicyIssue;
}
