import { z } from 'zod';

/**
 * Schemas of the two shapes Warden receives: a CloudTrail record, bare (from a log file or
 * `lookup-events`) or wrapped in an EventBridge "AWS API Call via CloudTrail" event.
 * Unknown fields pass through: CloudTrail adds fields over time and Warden must not reject them.
 */
const sessionIssuerSchema = z
  .object({
    type: z.string().optional(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    userName: z.string().optional(),
  })
  .passthrough();

/** The caller, as CloudTrail records it. */
export const userIdentitySchema = z
  .object({
    type: z.string().optional(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    accessKeyId: z.string().optional(),
    userName: z.string().optional(),
    invokedBy: z.string().optional(),
    sessionContext: z
      .object({ sessionIssuer: sessionIssuerSchema.optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const objectOrNull = z.record(z.unknown()).nullable().optional();

/** One CloudTrail record (eventVersion 1.x). */
export const cloudTrailRecordSchema = z
  .object({
    eventVersion: z.string().optional(),
    userIdentity: userIdentitySchema.optional(),
    eventTime: z.string().min(1),
    eventSource: z.string().min(1),
    eventName: z.string().min(1),
    awsRegion: z.string().min(1),
    sourceIPAddress: z.string().optional(),
    userAgent: z.string().optional(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    requestParameters: objectOrNull,
    responseElements: objectOrNull,
    requestID: z.string().optional(),
    eventID: z.string().min(1),
    readOnly: z.boolean().optional(),
    eventType: z.string().optional(),
    recipientAccountId: z.string().optional(),
  })
  .passthrough();

/** The EventBridge envelope around a CloudTrail record. */
export const eventBridgeEnvelopeSchema = z
  .object({
    version: z.string().optional(),
    id: z.string().min(1),
    'detail-type': z.string().min(1),
    source: z.string().min(1),
    account: z.string().optional(),
    time: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.unknown()).optional(),
    detail: z.unknown(),
  })
  .passthrough();

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;
