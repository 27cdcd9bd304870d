import type { Finding } from '../findings';

/** The function a Lambda finding is about: unqualified ARN, name, region and qualifier. */
export interface FunctionRef {
  /** Unqualified function ARN: steps name it so the writer calls the function's own region. */
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  /** Alias or version; undefined for the unqualified function (`$LATEST`). */
  readonly qualifier?: string;
}

const FUNCTION_ARN = /^(?<base>arn:[^:]+:lambda:(?<region>[a-z0-9-]+):\d{12}:function:(?<name>[A-Za-z0-9_-]+))(?::(?<qualifier>[A-Za-z0-9$_-]+))?$/;

/** The function of a finding whose subject is a function; undefined otherwise. */
export function functionOfFinding(finding: Finding): FunctionRef | undefined {
  const subject = finding.subject;
  if (subject?.kind !== 'function') return undefined;
  const groups = FUNCTION_ARN.exec(subject.arn)?.groups;
  const base = groups?.['base'];
  const region = subject.region ?? groups?.['region'];
  if (base === undefined || region === undefined) return undefined;
  const raw = subject.qualifier ?? groups?.['qualifier'];
  const qualifier = raw === undefined || raw === '$LATEST' ? undefined : raw;
  return { arn: base, name: groups?.['name'] ?? subject.name, region, ...(qualifier === undefined ? {} : { qualifier }) };
}

/** `{FunctionName, Qualifier?}` for a step. */
export function functionParams(fn: FunctionRef): Record<string, string> {
  return { FunctionName: fn.arn, ...(fn.qualifier === undefined ? {} : { Qualifier: fn.qualifier }) };
}

/** The target shown for a step: the qualified ARN when there is a qualifier. */
export function functionTarget(fn: FunctionRef): string {
  return fn.qualifier === undefined ? fn.arn : `${fn.arn}:${fn.qualifier}`;
}
