import type { Finding } from '../findings';
import type { Plan } from './plan';

/** A remediation: one file with its id, the IAM permissions its steps need, and a pure planner. */
export interface Remediation {
  readonly id: string;
  readonly title: string;
  /** IAM actions the remediator's role needs for the steps and their inverses. */
  readonly permissions: readonly string[];
  /** True when this remediation can act on the finding. */
  appliesTo(finding: Finding): boolean;
  /** The plan, or undefined when nothing would change. Pure. */
  plan(finding: Finding): Plan | undefined;
}
