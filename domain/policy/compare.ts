import { bitIndexes, isEmptySet, subtract, union, emptySet, type ActionSet } from './action-set';
import { principalAccess, type AnalyzeOptions, type PrincipalPolicies } from './analyze';
import { catalogue } from './catalogue';
import { assessPrincipalRestriction } from './conditions';
import type { Grant, StatementRef } from './effective';
import { EVIDENCE_CAP } from './issues';
import { specCovers, specText } from './resource-scope';
import type { PolicyDocument, Statement } from './types';

/**
 * "Widened?" (DESIGN.md §3.1, item 5 of the issue): does the new state grant anything the
 * last-known-good state did not? Warden remediates a change only when it widens access; breadth
 * that already existed is reported, not reverted.
 *
 * A grant of the new state is covered when grants of the old state, with resources that cover its
 * resource and conditions no narrower, together hold all its actions (future actions included).
 * Trust widens when a principal appears that could not assume the role before, or one that was
 * restricted by a condition no longer is.
 */

/** Actions newly granted on one resource. */
export interface AddedGrant {
  readonly statement: StatementRef;
  readonly resource: string;
  /** Newly granted catalogue actions (capped) and how many. */
  readonly actions: readonly string[];
  readonly actionCount: number;
  /** Actions AWS has not published yet are newly granted (wildcards, NotAction). */
  readonly futureActions: boolean;
}

/** The verdict of {@link compareAccess}. */
export interface AccessComparison {
  readonly widened: boolean;
  readonly added: {
    readonly grants: readonly AddedGrant[];
    /** Total newly granted catalogue actions over all grants (an action may count once per resource). */
    readonly actionCount: number;
    /** Trust principals that are new or no longer restricted, as `Type:value`. */
    readonly trust: readonly string[];
  };
}

/** Restricting conditions narrow a grant; two grants' conditions compare by their clauses. */
function conditionNoNarrower(old: Grant, next: Grant): boolean {
  if (old.condition.strength !== 'restricting') return true;
  return next.condition.strength === 'restricting' && JSON.stringify(old.condition.restrictingKeys) === JSON.stringify(next.condition.restrictingKeys);
}

function uncovered(grant: Grant, before: readonly Grant[]): ActionSet {
  let covering = emptySet();
  for (const old of before) {
    if (specCovers(old.resource, grant.resource) && conditionNoNarrower(old, grant)) covering = union(covering, old.actions);
  }
  return subtract(grant.actions, covering);
}

function addedGrants(before: PrincipalPolicies | undefined, after: PrincipalPolicies): AddedGrant[] {
  const old = before ? principalAccess(before).grants : [];
  const names = catalogue().names;
  const out: AddedGrant[] = [];
  for (const grant of principalAccess(after).grants) {
    const rest = uncovered(grant, old);
    if (isEmptySet(rest)) continue;
    const indexes = bitIndexes(rest.bits);
    out.push({
      statement: grant.ref,
      resource: specText(grant.resource),
      actions: indexes.slice(0, EVIDENCE_CAP).map((i) => names[i] ?? ''),
      actionCount: indexes.length,
      futureActions: rest.future.kind !== 'none',
    });
  }
  return out;
}

const STRENGTH_RANK = { unsatisfiable: 3, restricting: 2, weak: 1, none: 0 } as const;

function principalsOf(statement: Statement): string[] {
  if (statement.notPrincipal) return ['NotPrincipal:*'];
  const spec = statement.principal;
  if (spec === undefined) return [];
  if (spec === '*') return ['AWS:*'];
  return Object.entries(spec).flatMap(([type, values]) => (values as readonly string[]).map((v) => `${type}:${v}`));
}

/** Per trust principal, the strongest restriction any Allow statement puts on it (missing: cannot assume). */
function trustMap(doc: PolicyDocument | undefined, options: AnalyzeOptions & { accountId: string }): Map<string, number> {
  const map = new Map<string, number>();
  for (const statement of doc?.statements ?? []) {
    if (statement.effect !== 'Allow') continue;
    const rank = STRENGTH_RANK[assessPrincipalRestriction(statement.conditions, options).strength];
    if (rank === STRENGTH_RANK.unsatisfiable) continue;
    for (const principal of principalsOf(statement)) {
      // The weakest statement decides: any one of them lets the principal in.
      map.set(principal, Math.min(map.get(principal) ?? rank, rank));
    }
  }
  return map;
}

function addedTrust(before: PrincipalPolicies | undefined, after: PrincipalPolicies, options: AnalyzeOptions): string[] {
  const ctx = { ...options, accountId: after.accountId };
  const old = trustMap(before?.trustPolicy, ctx);
  const next = trustMap(after.trustPolicy, ctx);
  return [...next.entries()].filter(([principal, rank]) => !old.has(principal) || rank < (old.get(principal) ?? 0)).map(([principal]) => principal);
}

/**
 * Does `after` grant anything (an action on a resource, an action AWS may add, or the right to
 * assume the role) that `before` did not? `before` undefined means nothing was granted before.
 */
export function compareAccess(before: PrincipalPolicies | undefined, after: PrincipalPolicies, options: AnalyzeOptions = {}): AccessComparison {
  const grants = addedGrants(before, after);
  const trust = addedTrust(before, after, options);
  return {
    widened: grants.length > 0 || trust.length > 0,
    added: { grants: grants.slice(0, EVIDENCE_CAP), actionCount: grants.reduce((sum, g) => sum + g.actionCount, 0), trust },
  };
}
