import { z } from 'zod';
import { CorruptLedgerError, recordStatuses, stepStatuses, type JsonValue, type LastKnownGood, type LedgerRecord } from '../../domain/remediation/ledger-record';

/**
 * Validation of what the ledger stores, shared by the DynamoDB and file adapters: whatever comes
 * back from storage is checked before the domain sees it, and a mismatch is a
 * {@link CorruptLedgerError} (naming the field, never its value).
 */

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));

const stepCall = z.object({ action: z.string().min(1), params: z.record(z.string(), json) });

const plan = z.object({
  remediationId: z.string().min(1),
  findingId: z.string().min(1),
  steps: z.array(z.object({ step: z.string().min(1), target: z.string(), call: stepCall, inverse: stepCall })),
});

const stepRecord = z.object({
  status: z.enum(stepStatuses as [string, ...string[]]),
  reason: z.string().optional(),
  at: z.string().optional(),
});

const ledgerRecord = z.object({
  undoId: z.string().min(1),
  eventId: z.string().min(1),
  findingId: z.string().min(1),
  correlationId: z.string(),
  resourceArn: z.string().min(1),
  remediationId: z.string().min(1),
  plan,
  priorState: z.record(z.string(), json),
  steps: z.array(stepRecord),
  status: z.enum(recordStatuses as [string, ...string[]]),
  reason: z.string().optional(),
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  expiresAt: z.number().int(),
});

const lastKnownGood = z.object({
  key: z.string().min(1),
  document: z.string(),
  recordedAt: z.string().min(1),
  eventId: z.string().optional(),
});

function problems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Validates a stored remediation record. @throws CorruptLedgerError */
export function decodeLedgerRecord(raw: unknown, where: string): LedgerRecord {
  const result = ledgerRecord.safeParse(raw);
  if (!result.success) throw new CorruptLedgerError(`${where}: not a ledger record (${problems(result.error)})`);
  const record = result.data as LedgerRecord;
  if (record.steps.length !== record.plan.steps.length) throw new CorruptLedgerError(`${where}: step statuses do not match the plan`);
  return record;
}

/** Validates a stored last-known-good entry. @throws CorruptLedgerError */
export function decodeLastKnownGood(raw: unknown, where: string): LastKnownGood {
  const result = lastKnownGood.safeParse(raw);
  if (!result.success) throw new CorruptLedgerError(`${where}: not a last-known-good entry (${problems(result.error)})`);
  return result.data;
}

/** Parses JSON text stored by an adapter. @throws CorruptLedgerError */
export function parseStoredJson(text: unknown, where: string): unknown {
  if (typeof text !== 'string') throw new CorruptLedgerError(`${where}: expected JSON text`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CorruptLedgerError(`${where}: invalid JSON`);
  }
}
