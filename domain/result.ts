import type { Finding } from './findings';
import type { ActionView } from './remediation/plan';

/** What Warden concluded about one event or resource (DESIGN.md §7). */
export type Outcome = 'finding' | 'clean' | 'ignored' | 'unresolved' | 'error';

/** The result object `warden replay --format json` prints, one per event. */
export interface EventResult {
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly outcome: Outcome;
  /** One line: why ignored/unresolved/error, or a summary. */
  readonly reason: string;
  readonly findings: readonly Finding[];
  readonly actions: readonly ActionView[];
}
