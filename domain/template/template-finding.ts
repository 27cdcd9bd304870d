import { findingId, type Evidence, type FindingSubject, type Severity } from '../findings';
import type { TemplateFinding, TemplateLocation, TemplateResourceResult } from './types';

/** An analyzer's issue before it is tied to the template. */
export interface TemplateIssue {
  readonly ruleId: string;
  readonly category: string;
  readonly severity: Severity;
  readonly title: string;
  readonly why?: string;
  readonly fix?: string;
  readonly evidence: Evidence;
}

/** What ties an issue to the template: subject, location, and a key that tells findings of one rule apart. */
export interface TemplateFindingContext {
  readonly source: string;
  readonly accountId: string;
  readonly region: string;
  readonly subject: FindingSubject;
  readonly location: TemplateLocation;
  readonly relatedLocations?: readonly TemplateLocation[];
  readonly key: string;
}

/**
 * A finding on a template resource. The id hashes rule, logical id and key with the template's
 * name standing in for the event id: the same template gives the same ids run after run.
 */
export function templateFinding(issue: TemplateIssue, context: TemplateFindingContext): TemplateFinding {
  const eventId = `template:${context.source}`;
  const { location } = context;
  return {
    id: findingId(issue.ruleId, `${context.subject.arn}#${location.logicalId}#${context.key}`, eventId),
    ruleId: issue.ruleId,
    category: issue.category,
    severity: issue.severity,
    resourceArn: context.subject.arn,
    title: `${issue.title} (${location.logicalId})`,
    evidence: { ...issue.evidence, logicalId: location.logicalId, resourceType: location.resourceType, propertyPath: formatPath(location.path) },
    ...(issue.why === undefined ? {} : { why: issue.why }),
    ...(issue.fix === undefined ? {} : { fix: issue.fix }),
    subject: context.subject,
    eventId,
    correlationId: eventId,
    accountId: context.accountId,
    region: context.region,
    location,
    ...(context.relatedLocations && context.relatedLocations.length > 0 ? { relatedLocations: context.relatedLocations } : {}),
  };
}

/** `Resources.AppRole.Properties.Policies[0].PolicyDocument` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`), '');
}

/** The result of one resource, from its findings and the notes on what could not be judged. */
export function result(logicalId: string, resourceType: string, resourceArn: string, findings: readonly TemplateFinding[], notes: readonly string[], summary: string): TemplateResourceResult {
  const unresolved = notes.length > 0 ? `; not judged: ${notes.join('; ')}` : '';
  const outcome = findings.length > 0 ? 'finding' : notes.length > 0 ? 'unresolved' : 'clean';
  const count = findings.length > 0 ? `${findings.length} finding${findings.length === 1 ? '' : 's'}: ` : '';
  return { logicalId, resourceType, resourceArn, outcome, reason: `${count}${summary}${unresolved}`, findings };
}
