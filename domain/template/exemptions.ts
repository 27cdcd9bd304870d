import type { WardenConfig } from '../config';
import { decide } from '../decide';
import type { TemplateResourceResult } from './types';

/**
 * Applies Warden's decisions to a scan (DESIGN.md §4): a finding exempt by the resource's
 * `warden:exempt` tag in the template or by a configured exemption, or whose rule is `off`, is
 * ignored, and the result says why. Exemptions that expired or do not parse are named, not honoured.
 */
export function applyDecisions(results: readonly TemplateResourceResult[], config: WardenConfig, now: Date): TemplateResourceResult[] {
  return results.map((result) => {
    const reasons: string[] = [];
    const kept = result.findings.filter((finding) => {
      const principal = finding.subject && finding.subject.kind !== 'function' && finding.subject.kind !== 'policy' ? finding.subject.arn : undefined;
      const decision = decide(finding, config, { tags: result.tags ?? {}, now, recentActions: 0, ...(principal ? { principalArn: principal } : {}) });
      if (decision.action !== 'ignore') return true;
      if (!reasons.includes(decision.reason)) reasons.push(decision.reason);
      return false;
    });
    const ignored = result.findings.length - kept.length;
    if (ignored === 0) return result;
    const note = `${ignored} ignored (${reasons.join('; ')})`;
    const outcome = kept.length > 0 ? result.outcome : 'ignored';
    const reason = kept.length > 0 ? `${result.reason}; ${note}` : `${note}; ${result.reason.replace(/^\d+ findings?: /, '')}`;
    return { ...result, outcome, reason, findings: kept };
  });
}
