import type { Finding } from '../domain/findings';
import type { EventResult, Outcome } from '../domain/result';

/** Output formats of `warden replay`. */
export const replayFormats = ['table', 'json'] as const;
export type ReplayFormat = (typeof replayFormats)[number];

/** One JSON result per line (DESIGN.md §7): machines read it line by line. */
export function formatJsonLine(result: EventResult): string {
  return JSON.stringify({
    eventId: result.eventId,
    eventName: result.eventName,
    eventSource: result.eventSource,
    outcome: result.outcome,
    reason: result.reason,
    findings: result.findings.map(publicFinding),
    actions: result.actions,
  });
}

/** The finding as printed: the §7 fields plus the why and fix people need. */
export function publicFinding(finding: Finding): Record<string, unknown> {
  return {
    id: finding.id,
    ruleId: finding.ruleId,
    category: finding.category,
    severity: finding.severity,
    resourceArn: finding.resourceArn,
    title: finding.title,
    evidence: finding.evidence,
    ...(finding.why === undefined ? {} : { why: finding.why }),
    ...(finding.fix === undefined ? {} : { fix: finding.fix }),
    ...(finding.widened === undefined ? {} : { widened: finding.widened }),
  };
}

const colours: Record<Outcome, string> = { finding: '31', error: '35', unresolved: '33', clean: '32', ignored: '90' };

/** Renders results for a person: one line per event, findings and actions indented below it. */
export class TableFormatter {
  private readonly counts = new Map<Outcome, number>();

  constructor(private readonly colour: boolean) {}

  /** Lines for one result. */
  row(result: EventResult): string[] {
    this.counts.set(result.outcome, (this.counts.get(result.outcome) ?? 0) + 1);
    const outcome = this.paint(result.outcome.padEnd(10), colours[result.outcome]);
    const lines = [`${outcome} ${result.eventName.padEnd(28)} ${shortId(result.eventId)}  ${result.reason}`];
    for (const finding of result.findings) {
      lines.push(`           ${finding.severity.toUpperCase().padEnd(8)} ${finding.ruleId}  ${finding.resourceArn}`);
      lines.push(`                    ${finding.title}`);
    }
    for (const action of result.actions) {
      lines.push(`           ${action.status.padEnd(8)} ${action.step} ${action.target}${action.undoId ? `  (undo: warden undo ${action.undoId})` : ''}`);
    }
    return lines;
  }

  /** The closing summary line. */
  summary(): string {
    const total = [...this.counts.values()].reduce((sum, count) => sum + count, 0);
    const parts = (['finding', 'unresolved', 'error', 'clean', 'ignored'] as const).map((outcome) => `${this.counts.get(outcome) ?? 0} ${outcome}`);
    return `${total} event${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }

  private paint(text: string, code: string): string {
    return this.colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

function shortId(eventId: string): string {
  return eventId.length > 13 ? `${eventId.slice(0, 13)}…` : eventId;
}
