/**
 * A remediation is a plan as data (DESIGN.md §5): steps, each with its exact inverse, that one
 * executor turns into SDK calls. Notify mode shows the plan, enforce applies it, undo applies the
 * inverses in reverse order.
 */
export interface StepCall {
  /** The IAM action of the call, e.g. `iam:DetachRolePolicy`. */
  readonly action: string;
  /** The call's parameters, exactly as the executor passes them. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One step of a plan with the call that undoes it. */
export interface PlanStep {
  /** Short, stable step name shown to people (`detach-policy`, `set-auth-type`). */
  readonly step: string;
  /** ARN of what the step changes. */
  readonly target: string;
  readonly call: StepCall;
  readonly inverse: StepCall;
}

/** The steps a remediation would take for one finding. */
export interface Plan {
  readonly remediationId: string;
  readonly findingId: string;
  readonly steps: readonly PlanStep[];
}

/** How an action appears in a result (`actions[]` of DESIGN.md §7). */
export interface ActionView {
  readonly step: string;
  readonly target: string;
  readonly status: 'planned' | 'applied' | 'failed' | 'skipped';
  readonly undoId?: string;
  readonly reason?: string;
}
