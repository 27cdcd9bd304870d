/**
 * Warden's error hierarchy (DESIGN.md §9). Every error Warden raises is a {@link WardenError};
 * each subclass says whether a retry can help, and only the handler wrapper acts on that.
 * Names are set explicitly because bundles are minified and class names would be mangled.
 */
export abstract class WardenError extends Error {
  /** True when the same call may succeed later (throttling, 5xx, a transient outage). */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input Warden cannot use: a malformed event, a bad file, an invalid argument. */
export class InvalidInputError extends WardenError {
  override readonly name: string = 'InvalidInputError';
  readonly retryable = false;
}

/** Configuration that fails validation. Warden fails closed on it. */
export class ConfigError extends WardenError {
  override readonly name = 'ConfigError';
  readonly retryable = false;
}

/** The resource the event names no longer exists. */
export class ResourceGoneError extends WardenError {
  override readonly name = 'ResourceGoneError';
  readonly retryable = false;
}

/** Warden's role may not read or change the resource. Reported, never retried forever. */
export class AccessDeniedError extends WardenError {
  override readonly name = 'AccessDeniedError';
  readonly retryable = false;
}

/** The service asked Warden to slow down. */
export class ThrottledError extends WardenError {
  override readonly name = 'ThrottledError';
  readonly retryable = true;
}

/** The service failed on its side (5xx, timeout, network). */
export class ServiceUnavailableError extends WardenError {
  override readonly name = 'ServiceUnavailableError';
  readonly retryable = true;
}

/** A call that failed for a reason no other class describes; not retried. */
export class UnexpectedServiceError extends WardenError {
  override readonly name = 'UnexpectedServiceError';
  readonly retryable = false;
}

/** True when `error` is a Warden error that a retry may cure. Unknown errors are not retried. */
export function isRetryable(error: unknown): boolean {
  return error instanceof WardenError && error.retryable;
}

/** A one-line, secret-free description of any thrown value, for results and logs. */
export function describeError(error: unknown): string {
  if (error instanceof WardenError) return `${error.name}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'unknown error';
}
