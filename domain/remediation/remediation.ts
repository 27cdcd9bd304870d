import type { WardenConfig } from '../config';
import type { Finding } from '../findings';
import type { PolicyChange } from '../notifications/alert-message';
import type { Ledger, StateReaders } from '../ports';
import type { PriorState } from './ledger-record';
import type { Plan } from './plan';

/**
 * A remediation (DESIGN.md §5): one file, its id equal to the file name, the IAM permissions its
 * steps need, and a planner. Planning has two halves: `prepare` re-reads the live state (Cloud
 * Custodian style: the finding says where to look, never what is there) and the ledger's
 * last-known-good documents, then calls the file's pure planner, which is what benchmarks time.
 */

/** What a remediation may read while preparing a plan. */
export interface RemediationContext {
  readonly readers: StateReaders;
  /** Only last-known-good documents are read while planning. */
  readonly ledger: Pick<Ledger, 'lastKnownGood'>;
  readonly config: WardenConfig;
  readonly now: Date;
}

/** A plan ready to decide on and run, with everything the ledger and the alert need. */
export interface PreparedPlan {
  readonly kind: 'plan';
  readonly plan: Plan;
  /** The exact state the plan replaces (documents decoded), stored in the ledger record. */
  readonly priorState: PriorState;
  /** The resource the circuit breaker counts actions on (the principal, policy or function). */
  readonly resourceArn: string;
  /** True when the plan reverts an IAM change (see PlanFacts in decide.ts). */
  readonly revertsChange: boolean;
  /**
   * The remediation's own judgement, from re-read state, of whether the change widened access;
   * used by the decision only when the finding does not say.
   */
  readonly widened?: boolean;
  /** The document change the plan undoes, for the alert's before/after diff. */
  readonly change?: PolicyChange;
}

/**
 * Nothing to plan: `none` — nothing to change (already fixed, resource gone, kill switch off);
 * `fallback` — no exact prior state, so the principal is quarantined instead (DESIGN.md §5).
 */
export type NoPlan = { readonly kind: 'none'; readonly reason: string } | { readonly kind: 'fallback'; readonly reason: string };

/** The outcome of preparing a remediation. */
export type Prepared = PreparedPlan | NoPlan;

/** A remediation: one file with its id, the IAM permissions its steps need, and a planner. */
export interface Remediation {
  readonly id: string;
  readonly title: string;
  /**
   * IAM actions the remediator's role needs: the forward steps and the reads that prepare and
   * verify them. The contract test checks the remediate role grants every one.
   */
  readonly permissions: readonly string[];
  /**
   * IAM actions the inverses need. `warden undo` runs them with the operator's credentials, so
   * the remediate role is not given the power to re-attach or re-open what it removed.
   */
  readonly undoPermissions: readonly string[];
  /** True when this remediation can act on the finding (pure, by rule and trigger). */
  appliesTo(finding: Finding): boolean;
  /** Re-reads live state and plans. @throws WardenError when state cannot be read (retryable or not). */
  prepare(finding: Finding, context: RemediationContext): Promise<Prepared>;
}
