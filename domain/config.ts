import { z } from 'zod';
import { ConfigError } from './errors';

/** What Warden does with a finding (DESIGN.md §4). */
export const modes = ['off', 'notify', 'enforce'] as const;
export type Mode = (typeof modes)[number];

const modeSchema = z.enum(modes);

const exemptionSchema = z
  .object({
    /** Resource ARN pattern (`*` matches any characters). */
    resource: z.string().min(1),
    /** Rule id the exemption covers; all rules when absent. */
    ruleId: z.string().min(1).optional(),
    reason: z.string().min(1),
    /** ISO date after which the exemption no longer counts. */
    expires: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expires must be an ISO date'),
  })
  .strict();

/** Warden's configuration: the same for the Lambdas (from parameters) and the CLI (`--config`). */
export const configSchema = z
  .object({
    mode: modeSchema.default('notify'),
    ruleModes: z.record(z.string().min(1), modeSchema).default({}),
    protectedPrincipals: z.array(z.string().min(1)).default([]),
    selfArnPatterns: z.array(z.string().min(1)).default([]),
    exemptions: z.array(exemptionSchema).default([]),
    quarantine: z
      .object({
        style: z.enum(['surgical', 'deny-all']).default('surgical'),
        revokeSessions: z.boolean().default(false),
      })
      .strict()
      .default({}),
    circuitBreaker: z
      .object({
        maxActions: z.number().int().positive().default(5),
        windowMinutes: z.number().int().positive().default(60),
      })
      .strict()
      .default({}),
    secrets: z
      .object({ killSwitch: z.boolean().default(false) })
      .strict()
      .default({}),
    slackWebhookParameter: z.string().min(1).optional(),
    homeRegion: z.string().min(1).optional(),
  })
  .strict();

export type WardenConfig = z.infer<typeof configSchema>;

/**
 * Validates raw configuration and fills defaults. Fails closed: anything invalid is a
 * {@link ConfigError} naming every bad field, never a silently weaker setting.
 */
export function parseConfig(raw: unknown): WardenConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The configuration with every default. */
export const defaultConfig: WardenConfig = parseConfig({});
