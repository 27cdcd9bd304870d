import { analyzeExposure } from '../exposure';
import type { Finding } from '../findings';
import type { FunctionUrlState } from '../ports';
import { functionOfFinding, functionParams, functionTarget, type FunctionRef } from './lambda-targets';
import type { JsonValue } from './ledger-record';
import type { Plan, PlanStep, StepCall } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * Public statements of a function's resource policy → remove only those statements, by Sid
 * (DESIGN.md §5); every other statement stays. Each removed statement is saved in the ledger as
 * it was, and its inverse is the `AddPermission` call that re-creates it exactly. A statement
 * `AddPermission` cannot re-create (a condition key it has no parameter for, several actions, no
 * Sid) is not removed: the plan is refused and the finding is only reported, since its undo could
 * not be exact. Which statements are public is decided again on the re-read policy by the same
 * analysis the detector uses, never taken from the finding.
 */

const RULES = new Set(['lambda-public-invoke', 'lambda-any-account-url']);

/** The live facts the planner needs. */
export interface StatementsState {
  readonly fn: FunctionRef;
  readonly accountId: string;
  /** The raw resource policy of the function or qualifier; undefined when it has none. */
  readonly policy?: string;
  readonly urlConfigs: readonly FunctionUrlState[];
}

type RawStatement = Readonly<Record<string, unknown>>;

/** The Sids of the statements the finding's rule flags on the re-read policy. */
export function publicSids(ruleId: string, state: StatementsState): string[] {
  const functionArn = functionTarget(state.fn);
  const issues = analyzeExposure({ functionArn, accountId: state.accountId, urlConfigs: state.urlConfigs, policies: [{ ...(state.fn.qualifier === undefined ? {} : { qualifier: state.fn.qualifier }), policy: state.policy }] });
  const sids = new Set<string>();
  for (const issue of issues.filter((i) => i.ruleId === ruleId && i.qualifier === state.fn.qualifier)) {
    const evidence = issue.evidence;
    const refs = [evidence, ...asArray(evidence['invokeFunctionUrlStatements']), ...asArray(evidence['invokeFunctionStatements'])];
    for (const ref of refs) if (typeof ref['sid'] === 'string') sids.add(ref['sid']);
  }
  return [...sids];
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object') : [];
}

const CONDITION_PARAMS: readonly { operator: string; key: string; param: string }[] = [
  { operator: 'ArnLike', key: 'aws:sourcearn', param: 'SourceArn' },
  { operator: 'StringEquals', key: 'aws:sourceaccount', param: 'SourceAccount' },
  { operator: 'StringEquals', key: 'aws:principalorgid', param: 'PrincipalOrgID' },
  { operator: 'StringEquals', key: 'lambda:functionurlauthtype', param: 'FunctionUrlAuthType' },
  { operator: 'StringEquals', key: 'lambda:eventsourcetoken', param: 'EventSourceToken' },
];

/** Keys a statement written by AddPermission has; any other key could not be re-created. */
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

function principalParam(principal: unknown): string | undefined {
  if (principal === '*') return '*';
  if (principal === null || typeof principal !== 'object') return undefined;
  const entries = Object.entries(principal as Record<string, unknown>);
  if (entries.length !== 1) return undefined;
  const [kind, value] = entries[0] as [string, unknown];
  if (typeof value !== 'string' || (kind !== 'AWS' && kind !== 'Service')) return undefined;
  return value;
}

function conditionParams(condition: unknown): Record<string, string | boolean> | undefined {
  if (condition === undefined) return {};
  if (condition === null || typeof condition !== 'object') return undefined;
  const params: Record<string, string | boolean> = {};
  for (const [operator, clauses] of Object.entries(condition as Record<string, unknown>)) {
    if (clauses === null || typeof clauses !== 'object') return undefined;
    for (const [key, value] of Object.entries(clauses as Record<string, unknown>)) {
      if (operator === 'Bool' && key.toLowerCase() === 'lambda:invokedviafunctionurl' && value === 'true') {
        params['InvokedViaFunctionUrl'] = true;
        continue;
      }
      const known = CONDITION_PARAMS.find((entry) => entry.operator === operator && entry.key === key.toLowerCase());
      if (known === undefined || typeof value !== 'string') return undefined;
      params[known.param] = value;
    }
  }
  return params;
}

/** The AddPermission call that re-creates a statement exactly; undefined when none can. */
export function addPermissionFor(fn: FunctionRef, statement: RawStatement): StepCall | undefined {
  const sid = statement['Sid'];
  const action = statement['Action'];
  const principal = principalParam(statement['Principal']);
  const conditions = conditionParams(statement['Condition']);
  const extra = Object.keys(statement).filter((key) => !STATEMENT_KEYS.has(key));
  if (extra.length > 0 || typeof sid !== 'string' || typeof action !== 'string' || statement['Effect'] !== 'Allow' || principal === undefined || conditions === undefined) return undefined;
  return { action: 'lambda:AddPermission', params: { ...functionParams(fn), StatementId: sid, Action: action, Principal: principal, ...conditions } };
}

function statementsOf(policy: string | undefined): RawStatement[] {
  if (policy === undefined) return [];
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    const list = Array.isArray(parsed.Statement) ? (parsed.Statement as unknown[]) : parsed.Statement === undefined ? [] : [parsed.Statement];
    return list.filter((item): item is RawStatement => item !== null && typeof item === 'object');
  } catch {
    return [];
  }
}

/** The plan for a re-read state. Pure. */
export function planStatementRemoval(finding: Finding, state: StatementsState): Prepared {
  const { fn } = state;
  const sids = publicSids(finding.ruleId, state);
  if (sids.length === 0) return { kind: 'none', reason: `no public statement left in the policy of ${functionTarget(fn)}` };
  const statements = statementsOf(state.policy);
  const steps: PlanStep[] = [];
  const saved: Record<string, JsonValue> = {};
  for (const sid of sids) {
    const statement = statements.find((s) => s['Sid'] === sid);
    const inverse = statement === undefined ? undefined : addPermissionFor(fn, statement);
    if (statement === undefined || inverse === undefined) return { kind: 'none', reason: `statement ${sid} cannot be re-created exactly by AddPermission: not removed, only reported` };
    saved[sid] = statement as JsonValue;
    steps.push({ step: 'remove-statement', target: `${functionTarget(fn)}#${sid}`, call: { action: 'lambda:RemovePermission', params: { ...functionParams(fn), StatementId: sid } }, inverse });
  }
  const plan: Plan = { remediationId: removePublicStatements.id, findingId: finding.id, steps };
  return { kind: 'plan', plan, priorState: { statements: saved }, resourceArn: fn.arn, revertsChange: false };
}

/** Remove only the statements that open the function to anyone. */
export const removePublicStatements: Remediation = {
  id: 'remove-public-statements',
  title: 'Remove the public statements of the resource policy',
  permissions: ['lambda:ListTags', 'lambda:RemovePermission', 'lambda:GetPolicy', 'lambda:ListFunctionUrlConfigs', 'lambda:GetFunctionUrlConfig'],
  undoPermissions: ['lambda:AddPermission'],

  appliesTo(finding: Finding): boolean {
    return RULES.has(finding.ruleId) && functionOfFinding(finding) !== undefined;
  },

  async prepare(finding, context) {
    const fn = functionOfFinding(finding);
    const lambda = context.readers.lambda;
    if (fn === undefined || lambda === undefined) return { kind: 'none', reason: 'no function or no Lambda state to read' };
    const [policy, urlConfigs] = await Promise.all([lambda.getPolicy(fn.region, fn.name, fn.qualifier), lambda.listUrlConfigs(fn.region, fn.name)]);
    return planStatementRemoval(finding, { fn, accountId: finding.accountId, urlConfigs, ...(policy === undefined ? {} : { policy }) });
  },
};
