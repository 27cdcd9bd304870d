import {
  AccessDeniedError,
  ResourceGoneError,
  ServiceUnavailableError,
  ThrottledError,
  UnexpectedServiceError,
  WardenError,
} from '../../domain/errors';

/**
 * Translation of AWS SDK v3 failures into Warden's error types (DESIGN.md §9), applied at the
 * adapter boundary so SDK error classes never reach the domain.
 *
 * Messages name the operation and the error code only. The service's own message is left out on
 * purpose: validation errors echo request values ("Value '…' at 'environment.variables' failed to
 * satisfy constraint"), and those may be secrets. The original error stays available as `cause`
 * for debugging; loggers must not serialise `cause` wholesale.
 */

/** Error codes, compared without a trailing `Exception` (IAM says `NoSuchEntity`, Lambda `…Exception`). */
const GONE_CODES = new Set(['NoSuchEntity', 'ResourceNotFound', 'NotFound', 'NoSuchResource']);
const DENIED_CODES = new Set([
  'AccessDenied',
  'UnauthorizedOperation',
  'Unauthorized',
  'UnrecognizedClient',
  'InvalidClientTokenId',
  'ExpiredToken',
  'KMSAccessDenied',
]);
const THROTTLED_CODES = new Set([
  'Throttling',
  'TooManyRequests',
  'RequestLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'ProvisionedThroughputExceeded',
  'PriorRequestNotComplete',
]);
const UNAVAILABLE_CODES = new Set([
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'Service', // Lambda's ServiceException (HTTP 500)
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Node network error codes found in a message. The SDK's retry middleware wraps errors it does
 * not recognise as `Error` (one from another realm, as under jest's vm) into "AWS SDK error wrapper
 * for Error: connect ECONNREFUSED …", dropping `code`; only the code token is taken, never the text.
 */
const NETWORK_CODES = [...UNAVAILABLE_CODES].filter((code) => /^E[A-Z_]+$/.test(code));
const NETWORK_CODE_IN_MESSAGE = new RegExp(`\\b(${NETWORK_CODES.join('|')})\\b`);

/** What an SDK (or Node network) error says about itself, read defensively. */
interface ErrorFacts {
  /** Candidate codes, normalised (no `Exception` suffix). */
  readonly codes: readonly string[];
  /** The code to show in messages. */
  readonly displayCode: string;
  readonly status?: number;
  readonly throttling: boolean;
  readonly serverFault: boolean;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function normaliseCode(code: string): string {
  return code.endsWith('Exception') && code !== 'Exception' ? code.slice(0, -'Exception'.length) : code;
}

/** Collects codes from `Code` (query protocols), `name` (SDK classes), `code` (Node) and `cause.code`. */
function readFacts(error: unknown): ErrorFacts {
  const record = asRecord(error);
  const name = stringField(record, 'name');
  const raw = [
    stringField(record, 'Code'),
    name === 'Error' ? undefined : name, // a plain Error's name says nothing
    stringField(record, 'code'),
    stringField(asRecord(record?.['cause']), 'code'),
  ].filter((code): code is string => code !== undefined);
  if (raw.length === 0) {
    const fromMessage = NETWORK_CODE_IN_MESSAGE.exec(stringField(record, 'message') ?? '')?.[1];
    if (fromMessage !== undefined) raw.push(fromMessage);
  }
  const metadata = asRecord(record?.['$metadata']);
  const status = metadata?.['httpStatusCode'];
  return {
    codes: raw.map(normaliseCode),
    displayCode: raw[0] ?? 'UnknownError',
    ...(typeof status === 'number' ? { status } : {}),
    throttling: asRecord(record?.['$retryable'])?.['throttling'] === true,
    serverFault: record?.['$fault'] === 'server',
  };
}

type Kind = 'gone' | 'denied' | 'throttled' | 'unavailable' | 'unexpected';

/** Codes decide first (a 400 can be throttling); the HTTP status only when no code is known. */
function classify(facts: ErrorFacts): Kind {
  const has = (set: ReadonlySet<string>): boolean => facts.codes.some((code) => set.has(code));
  if (has(GONE_CODES)) return 'gone';
  if (has(DENIED_CODES)) return 'denied';
  if (has(THROTTLED_CODES) || facts.throttling) return 'throttled';
  if (has(UNAVAILABLE_CODES)) return 'unavailable';
  return classifyStatus(facts);
}

function classifyStatus(facts: ErrorFacts): Kind {
  const { status } = facts;
  if (status === 404) return 'gone';
  if (status === 403) return 'denied';
  if (status === 429) return 'throttled';
  if ((status !== undefined && status >= 500) || facts.serverFault) return 'unavailable';
  return 'unexpected';
}

const CONSTRUCTORS: Record<Kind, new (message: string, options?: { cause?: unknown }) => WardenError> = {
  gone: ResourceGoneError,
  denied: AccessDeniedError,
  throttled: ThrottledError,
  unavailable: ServiceUnavailableError,
  unexpected: UnexpectedServiceError,
};

/**
 * Translates any error thrown by an AWS SDK v3 call into a {@link WardenError}.
 *
 * @param error - what the SDK threw (service exception, Node network error, anything).
 * @param context - the operation, e.g. `iam:GetRole`; must not contain request parameters.
 * @returns the matching Warden error, with `error` as its `cause`. Warden errors pass through.
 */
export function translateSdkError(error: unknown, context: string): WardenError {
  if (error instanceof WardenError) return error;
  const facts = readFacts(error);
  const status = facts.status === undefined ? '' : ` (HTTP ${facts.status})`;
  const Constructor = CONSTRUCTORS[classify(facts)];
  return new Constructor(`${context} failed: ${facts.displayCode}${status}`, { cause: error });
}

/**
 * True when `error` says the resource does not exist: `NoSuchEntity`, `ResourceNotFoundException`,
 * HTTP 404, or an already translated {@link ResourceGoneError}.
 */
export function isNotFound(error: unknown): boolean {
  if (error instanceof ResourceGoneError) return true;
  if (error instanceof WardenError) return false;
  return classify(readFacts(error)) === 'gone';
}
