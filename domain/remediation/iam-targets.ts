import type { Finding } from '../findings';
import type { GroupState, RoleState, StateReaders, UserState } from '../ports';

/**
 * Helpers shared by the IAM remediations: which principal a finding is about, the SDK parameter
 * names per principal kind, and reading documents the way IAM returns them (URL-encoded).
 */

/** An IAM principal kind as the SDK spells it in action and parameter names. */
export type PrincipalKind = 'Role' | 'User' | 'Group';

/** The role, user or group a finding is about. */
export interface PrincipalRef {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly arn: string;
}

const KINDS = { role: 'Role', user: 'User', group: 'Group' } as const;

/** The principal of a finding whose subject is a role, user or group; undefined otherwise. */
export function principalOfFinding(finding: Finding): PrincipalRef | undefined {
  const subject = finding.subject;
  if (subject === undefined || (subject.kind !== 'role' && subject.kind !== 'user' && subject.kind !== 'group')) return undefined;
  return { kind: KINDS[subject.kind], name: subject.name, arn: subject.arn };
}

/** `{RoleName: name}` / `{UserName: …}` / `{GroupName: …}`. */
export function nameParam(principal: PrincipalRef): Record<string, string> {
  return { [`${principal.kind}Name`]: principal.name };
}

/** The principal's live state, or undefined when it is gone. */
export async function readPrincipal(principal: PrincipalRef, readers: StateReaders): Promise<RoleState | UserState | GroupState | undefined> {
  const iam = readers.iam;
  if (iam === undefined) return undefined;
  if (principal.kind === 'Role') return iam.getRole(principal.name);
  if (principal.kind === 'User') return iam.getUser(principal.name);
  return iam.getGroup(principal.name);
}

/** A document as IAM returns it (JSON, or URL-encoded JSON) decoded to JSON text, byte for byte otherwise. */
export function decodedDocument(raw: string): string {
  if (raw.trimStart().startsWith('{')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** True when two documents are the same JSON (key order and whitespace aside). */
export function sameJson(a: string, b: string): boolean {
  const canonical = (text: string): string | undefined => {
    try {
      return JSON.stringify(sortKeys(JSON.parse(decodedDocument(text)) as unknown));
    } catch {
      return undefined;
    }
  };
  const left = canonical(a);
  return left !== undefined && left === canonical(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}

/** Every statement reference (`{policy, source, index}`) in a finding's evidence, at any depth. */
export function statementRefs(evidence: unknown): { readonly policy?: string; readonly source?: string }[] {
  const refs: { policy?: string; source?: string }[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record['index'] === 'number' && typeof record['source'] === 'string') {
      refs.push({ source: record['source'], ...(typeof record['policy'] === 'string' ? { policy: record['policy'] } : {}) });
    }
    for (const child of Object.values(record)) walk(child, depth + 1);
  };
  walk(evidence, 0);
  return refs;
}

/** The trigger parameter, or undefined. */
export function triggerParam(finding: Finding, key: string): string | undefined {
  const value = finding.trigger?.params[key];
  return value === undefined || value === '' ? undefined : value;
}

/** What reading a role, user or group with its policies costs (the IAM reader's calls). */
export const PRINCIPAL_READS = [
  'iam:GetRole',
  'iam:GetUser',
  'iam:GetGroup',
  'iam:ListRolePolicies',
  'iam:ListUserPolicies',
  'iam:ListGroupPolicies',
  'iam:GetRolePolicy',
  'iam:GetUserPolicy',
  'iam:GetGroupPolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListAttachedUserPolicies',
  'iam:ListAttachedGroupPolicies',
  'iam:ListGroupsForUser',
] as const;
