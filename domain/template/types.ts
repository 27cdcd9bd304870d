import type { Finding } from '../findings';

/** A path inside the template, from its root (`['Resources', 'AppRole', 'Properties', …]`). */
export type TemplatePath = readonly (string | number)[];

/** Where in the template a finding points: a resource by logical id, and a property inside it. */
export interface TemplateLocation {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly path: TemplatePath;
}

/** A finding on a template resource: the finding as every command prints it, and where it is. */
export interface TemplateFinding extends Finding {
  readonly location: TemplateLocation;
  /** Other places involved (a policy resource attached to the role, the statements of a grant). */
  readonly relatedLocations?: readonly TemplateLocation[];
}

/** Outcome of one evaluated template resource (a principal, a policy, a function). */
export type TemplateOutcome = 'finding' | 'clean' | 'unresolved' | 'error' | 'ignored';

/** The verdict on one resource of the template. */
export interface TemplateResourceResult {
  readonly logicalId: string;
  readonly resourceType: string;
  /** The ARN Warden derived for it (intrinsics as `{placeholders}`). */
  readonly resourceArn: string;
  readonly outcome: TemplateOutcome;
  /** One line: a summary, or why something could not be judged. Never a value. */
  readonly reason: string;
  readonly findings: readonly TemplateFinding[];
  /** The resource's `Tags` as the template sets them (for `warden:exempt`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Pseudo-parameter values and trust context for a scan. */
export interface TemplateScanOptions {
  /** Names the template in finding ids (the file path), so ids are stable per file. */
  readonly source: string;
  /** `AWS::AccountId`; default the placeholder `{AccountId}`. */
  readonly accountId?: string;
  /** `AWS::Region`; default the placeholder `{Region}`. */
  readonly region?: string;
  /** `AWS::Partition`; default `aws`. */
  readonly partition?: string;
  /** Accounts the deploying account trusts (not cross-account findings). */
  readonly trustedAccounts?: readonly string[];
  /** The organization of the account (`aws:PrincipalOrgID` equal to it keeps a grant inside). */
  readonly orgId?: string;
  /** Per-deployment HMAC key for secret fingerprints (at least 16 bytes); never emitted. */
  readonly fingerprintKey: string | Uint8Array;
}

/** Everything a scan found, resource by resource, in template order. */
export interface TemplateScan {
  readonly results: readonly TemplateResourceResult[];
  /** Resources in the template (evaluated or not). */
  readonly resourceCount: number;
}
