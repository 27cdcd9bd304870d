import type { Severity } from '../findings/finding';

/** How sure a stage is that a value is a live secret. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * The stage of DESIGN.md §3.2 that decided: 0 normalise (empty values), 1 known formats,
 * 2 not-secret shapes, 3 key names, 4 entropy.
 */
export type Stage = 0 | 1 | 2 | 3 | 4;

/** What the detector concludes about one value. */
export type Verdict = 'secret' | 'not-secret' | 'neutral';

/**
 * One secret found in one environment variable. It names the variable and where inside the
 * value the secret sits, never the value: no prefix, suffix, masked form or length.
 */
export interface SecretMatch {
  /** The environment variable's name. */
  readonly variable: string;
  /** Stable rule id, one per family of secrets (see `secretRules`). */
  readonly ruleId: string;
  /** The precise format, e.g. `github-token`, `database-url`, `password`. */
  readonly kind: string;
  readonly confidence: Confidence;
  readonly severity: Severity;
  readonly stage: Stage;
  /** HMAC-SHA256(per-deployment key, secret), 16 hex characters: recognisable, not recoverable. */
  readonly fingerprint: string;
  /** A path inside the value (`json:$.db.password`, `url:password`, `field:Password`); absent for the whole value. */
  readonly location?: string;
}

/** The result of scanning one function configuration's environment. */
export type EnvironmentScan =
  | { readonly status: 'scanned'; readonly matches: readonly SecretMatch[] }
  /** Values could not be read (`Environment.Error`, KMS): never reported as clean. */
  | { readonly status: 'unknown'; readonly reason: string };

/** Options of {@link SecretMatch} production. */
export interface ScanOptions {
  /** Per-deployment HMAC key (at least 16 bytes); never logged, never emitted. */
  readonly fingerprintKey: string | Uint8Array;
}

/** The verdict on one `(key, value)` pair, without fingerprint (tests, benchmark, templates). */
export interface Classification {
  readonly verdict: Verdict;
  readonly ruleId?: string;
  readonly kind?: string;
  readonly confidence?: Confidence;
  readonly severity?: Severity;
  readonly stage: Stage;
  /** For `not-secret`: which shape or name decided (`arn`, `placeholder`, `reference-name`, …). */
  readonly reason?: string;
}
