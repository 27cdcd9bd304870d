import type { Finding } from '../findings';
import { functionOfFinding, type FunctionRef } from './lambda-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * Plaintext secrets in a function's environment (DESIGN.md §5): notify; with the optional kill
 * switch (`secrets.killSwitch`), also set the function's reserved concurrency to 0 so nothing runs
 * it until a person rotates the secret. Undo restores the exact prior reserved concurrency, or
 * removes the setting when there was none. The environment itself is never read or stored here.
 */

/** The live facts the planner needs. */
export interface ConcurrencyState {
  readonly fn: FunctionRef;
  readonly killSwitch: boolean;
  /** The reserved concurrency now; undefined when none is set. */
  readonly reserved?: number;
}

/** The plan for a re-read state. Pure. */
export function planKillSwitch(finding: Finding, state: ConcurrencyState): Prepared {
  const { fn, reserved } = state;
  if (!state.killSwitch) return { kind: 'none', reason: 'the secrets kill switch is off (secrets.killSwitch): reported only' };
  if (reserved === 0) return { kind: 'none', reason: `${fn.arn} already has reserved concurrency 0` };
  const plan: Plan = {
    remediationId: killSwitchConcurrency.id,
    findingId: finding.id,
    steps: [
      {
        step: 'set-reserved-concurrency-0',
        target: fn.arn,
        call: { action: 'lambda:PutFunctionConcurrency', params: { FunctionName: fn.arn, ReservedConcurrentExecutions: 0 } },
        inverse:
          reserved === undefined
            ? { action: 'lambda:DeleteFunctionConcurrency', params: { FunctionName: fn.arn } }
            : { action: 'lambda:PutFunctionConcurrency', params: { FunctionName: fn.arn, ReservedConcurrentExecutions: reserved } },
      },
    ],
  };
  return { kind: 'plan', plan, priorState: { reservedConcurrency: reserved ?? null }, resourceArn: fn.arn, revertsChange: false };
}

/** Stop a function that holds a plaintext secret from running (opt-in). */
export const killSwitchConcurrency: Remediation = {
  id: 'kill-switch-concurrency',
  title: 'Kill switch: reserved concurrency 0',
  permissions: ['lambda:ListTags', 'lambda:PutFunctionConcurrency', 'lambda:GetFunctionConcurrency'],
  undoPermissions: ['lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'],

  appliesTo(finding: Finding): boolean {
    return finding.ruleId.startsWith('lambda-env-secret') && functionOfFinding(finding) !== undefined;
  },

  async prepare(finding, context) {
    const fn = functionOfFinding(finding);
    const lambda = context.readers.lambda;
    if (fn === undefined || lambda === undefined) return { kind: 'none', reason: 'no function or no Lambda state to read' };
    if (!context.config.secrets.killSwitch) return planKillSwitch(finding, { fn, killSwitch: false });
    const reserved = await lambda.getReservedConcurrency(fn.region, fn.name);
    return planKillSwitch(finding, { fn, killSwitch: true, ...(reserved === undefined ? {} : { reserved }) });
  },
};
