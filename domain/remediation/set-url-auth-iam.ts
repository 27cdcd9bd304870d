import type { Finding } from '../findings';
import type { FunctionUrlState } from '../ports';
import { functionOfFinding, functionParams, functionTarget, type FunctionRef } from './lambda-targets';
import type { Plan } from './plan';
import type { Prepared, Remediation } from './remediation';

/**
 * A function URL with `AuthType NONE` → set `AuthType AWS_IAM` (DESIGN.md §5). The URL is kept:
 * deleting it would lose its address for good (a new URL gets a new one). Only the auth type
 * changes; CORS and invoke mode stay as they are. Undo sets `NONE` again; the whole prior URL
 * configuration is saved in the ledger.
 */

const RULES = new Set(['lambda-public-url', 'lambda-latent-public-url']);

/** The live facts the planner needs. */
export interface UrlState {
  readonly fn: FunctionRef;
  /** The URL configuration of the function or its qualifier; undefined when it has none. */
  readonly url?: FunctionUrlState;
}

/** The plan for a re-read state. Pure. */
export function planUrlAuth(finding: Finding, state: UrlState): Prepared {
  const { fn, url } = state;
  if (url === undefined) return { kind: 'none', reason: `${functionTarget(fn)} has no function URL any more` };
  if (url.authType !== 'NONE') return { kind: 'none', reason: `the URL of ${functionTarget(fn)} already uses ${url.authType}` };
  const plan: Plan = {
    remediationId: setUrlAuthIam.id,
    findingId: finding.id,
    steps: [
      {
        step: 'set-url-auth-iam',
        target: functionTarget(fn),
        call: { action: 'lambda:UpdateFunctionUrlConfig', params: { ...functionParams(fn), AuthType: 'AWS_IAM' } },
        inverse: { action: 'lambda:UpdateFunctionUrlConfig', params: { ...functionParams(fn), AuthType: 'NONE' } },
      },
    ],
  };
  const prior = { functionUrl: url.functionUrl, functionArn: url.functionArn, authType: url.authType, ...(url.invokeMode === undefined ? {} : { invokeMode: url.invokeMode }) };
  return { kind: 'plan', plan, priorState: { urlConfig: prior }, resourceArn: fn.arn, revertsChange: false };
}

function urlOf(urls: readonly FunctionUrlState[], fn: FunctionRef): FunctionUrlState | undefined {
  return urls.find((url) => (fn.qualifier === undefined ? url.functionArn === fn.arn || url.functionArn === `${fn.arn}:$LATEST` : url.functionArn === `${fn.arn}:${fn.qualifier}`));
}

/** Require IAM authentication on a public function URL. */
export const setUrlAuthIam: Remediation = {
  id: 'set-url-auth-iam',
  title: 'Require AWS_IAM auth on the function URL',
  permissions: ['lambda:ListTags', 'lambda:UpdateFunctionUrlConfig', 'lambda:GetFunctionUrlConfig', 'lambda:ListFunctionUrlConfigs'],
  undoPermissions: ['lambda:UpdateFunctionUrlConfig'],

  appliesTo(finding: Finding): boolean {
    return RULES.has(finding.ruleId) && functionOfFinding(finding) !== undefined;
  },

  async prepare(finding, context) {
    const fn = functionOfFinding(finding);
    const lambda = context.readers.lambda;
    if (fn === undefined || lambda === undefined) return { kind: 'none', reason: 'no function or no Lambda state to read' };
    const url = urlOf(await lambda.listUrlConfigs(fn.region, fn.name), fn);
    return planUrlAuth(finding, { fn, ...(url === undefined ? {} : { url }) });
  },
};
