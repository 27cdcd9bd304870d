import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { severities, type Finding } from './finding';

const findingSchema = z
  .object({
    id: z.string().min(1),
    ruleId: z.string().min(1),
    category: z.string().min(1),
    severity: z.enum(severities),
    resourceArn: z.string().min(1),
    title: z.string(),
    evidence: z.record(z.unknown()),
    why: z.string().optional(),
    fix: z.string().optional(),
    widened: z.boolean().optional(),
    subject: z
      .object({
        kind: z.enum(['role', 'user', 'group', 'policy', 'function']),
        name: z.string(),
        arn: z.string(),
        region: z.string().optional(),
        qualifier: z.string().optional(),
      })
      .optional(),
    trigger: z.object({ eventName: z.string(), params: z.record(z.string()) }).optional(),
    eventId: z.string().min(1),
    correlationId: z.string().min(1),
    accountId: z.string(),
    region: z.string(),
  })
  .passthrough();

const findingEventSchema = z.object({ id: z.string(), 'detail-type': z.literal('Warden Finding'), detail: findingSchema }).passthrough();

/** A finding event that is not one Warden published: dropped, never retried. */
export class InvalidFindingEventError extends InvalidInputError {
  override readonly name = 'InvalidFindingEventError';
}

/** Reads a "Warden Finding" event from Warden's bus back into a {@link Finding}. */
export function parseFindingEvent(event: unknown): Finding {
  const parsed = findingEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidFindingEventError(`not a Warden finding event: ${problems.join('; ')}`);
  }
  return parsed.data.detail;
}
