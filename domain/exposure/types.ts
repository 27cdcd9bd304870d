import type { Severity } from '../findings/finding';
import type { FunctionUrlState } from '../ports';

/** One resource-based policy: of the function (`qualifier` absent or `$LATEST`), an alias or a version. */
export interface QualifiedPolicy {
  /** Alias name or version number; absent (or `$LATEST`) for the unqualified function. */
  readonly qualifier?: string;
  /** The raw policy text `GetPolicy` returned; `undefined` when there is none. */
  readonly policy: string | undefined;
}

/** What the exposure analysis needs to know about one function (DESIGN.md §3.3). */
export interface ExposureInput {
  readonly functionArn: string;
  /** The function owner's account. */
  readonly accountId: string;
  /** URL configurations of `$LATEST` and of aliases. */
  readonly urlConfigs: readonly FunctionUrlState[];
  /** Policies of the function, every alias and every version. */
  readonly policies: readonly QualifiedPolicy[];
  /** Accounts the owner trusts: grants to them are not cross-account findings. */
  readonly trustedAccounts?: readonly string[];
  /** The owner's organization: `aws:PrincipalOrgID` equal to it keeps a grant inside. */
  readonly orgId?: string;
  /** A function-level public-access block is on: no policy statement counts as public. */
  readonly publicAccessBlock?: boolean;
}

/** One way the function is reachable by more principals than it should be. */
export interface ExposureIssue {
  readonly ruleId: string;
  readonly severity: Severity;
  /** One line a person understands. */
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  /** The alias or version the policy or URL belongs to; absent for the unqualified function. */
  readonly qualifier?: string;
  /** Statement index, Sid, principal, actions, the condition that failed to restrict, URL auth type. */
  readonly evidence: Readonly<Record<string, unknown>>;
}
