import { effectiveAccess, scratchPlanes, type EffectiveAccess, type PolicySourceKind } from './effective';
import { grammarIssues } from './grammar-rules';
import { identityIssues } from './identity-rules';
import type { PolicyIssue } from './issues';
import { analyzeTrustPolicy } from './trust';
import type { PolicyDocument } from './types';

/** One policy of a principal, already decoded (the detector resolves names to documents). */
export interface PrincipalPolicy {
  readonly name: string;
  readonly arn?: string;
  readonly source: PolicySourceKind;
  readonly document: PolicyDocument;
}

/**
 * Everything that decides a principal's permissions. `kind: 'policy'` analyses a managed policy
 * on its own (as if attached to an arbitrary principal); `arn` is then the policy's ARN.
 */
export interface PrincipalPolicies {
  readonly kind: 'role' | 'user' | 'group' | 'policy';
  readonly arn: string;
  readonly accountId: string;
  readonly policies: readonly PrincipalPolicy[];
  readonly boundary?: PolicyDocument;
  readonly trustPolicy?: PolicyDocument;
}

/** Accounts and organization a principal may trust. */
export interface AnalyzeOptions {
  readonly trustedAccounts?: readonly string[];
  readonly orgId?: string;
}

/** AWS-managed policies cannot be rewritten by the account, so they are no self-escalation target. */
function customerManagedArns(principal: PrincipalPolicies): string[] {
  return principal.policies
    .filter((p) => (p.source === 'managed' || p.source === 'group-managed') && p.arn !== undefined && !/^arn:[^:]+:iam::aws:policy\//.test(p.arn))
    .map((p) => p.arn as string);
}

/** The effective identity permissions of a principal (all its policies, Denies, boundary). */
export function principalAccess(principal: PrincipalPolicies): EffectiveAccess {
  return effectiveAccess(principal.policies, principal.boundary);
}

/**
 * Every issue of a principal: over-breadth of its effective permissions (categories 1–5), its
 * trust policy (6) and the dangerous grammar of each document (7). Deny-only and empty policies
 * yield nothing. Analyses documents, never policy names: a customer policy named
 * `AdministratorAccess` with a narrow document is clean.
 */
export function analyzePrincipal(principal: PrincipalPolicies, options: AnalyzeOptions = {}): readonly PolicyIssue[] {
  // The access does not outlive this call (issues keep statement references, not planes).
  const access = effectiveAccess(principal.policies, principal.boundary, scratchPlanes());
  const identity = identityIssues(access, {
    kind: principal.kind,
    arn: principal.arn,
    attachedPolicyArns: customerManagedArns(principal),
    hasBoundary: principal.boundary !== undefined,
  });
  const trust = principal.trustPolicy
    ? analyzeTrustPolicy(principal.trustPolicy, { accountId: principal.accountId, ...options })
    : [];
  const grammar = principal.policies.flatMap((p) => grammarIssues(p));
  return [...identity, ...trust, ...grammar];
}

/** Analyses one policy document on its own (e.g. a managed policy before it is attached). */
export function analyzePolicyDocument(document: PolicyDocument, meta: { readonly name: string; readonly arn: string; readonly accountId: string }): readonly PolicyIssue[] {
  return analyzePrincipal({ kind: 'policy', arn: meta.arn, accountId: meta.accountId, policies: [{ name: meta.name, arn: meta.arn, source: 'managed', document }] });
}
