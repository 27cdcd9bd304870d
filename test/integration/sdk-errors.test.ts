import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { ResourceNotFoundException, ServiceException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import {
  AccessDeniedError,
  InvalidInputError,
  ResourceGoneError,
  ServiceUnavailableError,
  ThrottledError,
  UnexpectedServiceError,
} from '../../domain/errors';
import { isNotFound, translateSdkError } from '../../infra/aws/sdk-errors';

/** An error shaped like what SDK v3 throws for an unmodelled service error. */
function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}): Error {
  const error = new Error(`service said something about ${name}`);
  error.name = name;
  return Object.assign(error, status === undefined ? {} : { $metadata: { httpStatusCode: status } }, extra);
}

/** A Node network error (no `name` worth reading, a `code`). */
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

const status = (httpStatusCode: number): { httpStatusCode: number } => ({ httpStatusCode });
const metadata = { httpStatusCode: 404, requestId: 'r' };
/** What the SDK's retry middleware wraps: a Node error from another realm (jest's vm) loses its `code`. */
const WRAPPED = 'Error: connect ECONNREFUSED 127.0.0.1:1';

describe('translateSdkError', () => {
  const cases: ReadonlyArray<[string, unknown, new (...args: never[]) => Error]> = [
    ['IAM NoSuchEntity (modelled class)', new NoSuchEntityException({ message: 'gone', $metadata: metadata }), ResourceGoneError],
    ['Lambda ResourceNotFoundException', new ResourceNotFoundException({ message: 'gone', $metadata: metadata }), ResourceGoneError],
    ['bare 404', sdkError('UnknownError', 404), ResourceGoneError],
    ['AccessDenied (IAM, query protocol)', sdkError('AccessDenied', 403), AccessDeniedError],
    ['AccessDeniedException (Lambda, JSON)', sdkError('AccessDeniedException', 403), AccessDeniedError],
    ['UnauthorizedOperation', sdkError('UnauthorizedOperation', 400), AccessDeniedError],
    ['bare 403', sdkError('SomethingElse', 403), AccessDeniedError],
    ['Throttling with HTTP 400', sdkError('Throttling', 400), ThrottledError],
    ['ThrottlingException', sdkError('ThrottlingException', 400), ThrottledError],
    ['TooManyRequestsException (modelled)', new TooManyRequestsException({ message: 'slow', $metadata: status(429) }), ThrottledError],
    ['RequestLimitExceeded', sdkError('RequestLimitExceeded', 503), ThrottledError],
    ['bare 429', sdkError('UnknownError', 429), ThrottledError],
    ['SDK throttling marker', sdkError('Weird', 400, { $retryable: { throttling: true } }), ThrottledError],
    ['ServiceUnavailable', sdkError('ServiceUnavailable', 503), ServiceUnavailableError],
    ['InternalFailure', sdkError('InternalFailure', 500), ServiceUnavailableError],
    ['Lambda ServiceException', new ServiceException({ message: 'boom', $metadata: status(500) }), ServiceUnavailableError],
    ['bare 502 (HTML body, SyntaxError)', sdkError('SyntaxError', 502), ServiceUnavailableError],
    ['TimeoutError', sdkError('TimeoutError'), ServiceUnavailableError],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), ServiceUnavailableError],
    ['ECONNRESET', networkError('ECONNRESET'), ServiceUnavailableError],
    ['ENOTFOUND wrapped as cause', Object.assign(new Error('fetch failed'), { cause: { code: 'ENOTFOUND' } }), ServiceUnavailableError],
    ['network error wrapped by the SDK retry middleware', new Error(`AWS SDK error wrapper for ${WRAPPED}`), ServiceUnavailableError],
    ['ValidationError 400', sdkError('ValidationError', 400), UnexpectedServiceError],
    ['InvalidParameterValueException', sdkError('InvalidParameterValueException', 400), UnexpectedServiceError],
    ['a string', 'oops', UnexpectedServiceError],
    ['undefined', undefined, UnexpectedServiceError],
  ];

  it.each(cases)('%s', (_label, error, expected) => {
    const translated = translateSdkError(error, 'iam:GetRole');
    expect(translated).toBeInstanceOf(expected);
    expect(translated.cause).toBe(error);
    expect(translated.message.startsWith('iam:GetRole failed: ')).toBe(true);
  });

  it('names the operation, the code and the status', () => {
    const translated = translateSdkError(sdkError('AccessDenied', 403), 'lambda:GetFunctionConfiguration');
    expect(translated.message).toBe('lambda:GetFunctionConfiguration failed: AccessDenied (HTTP 403)');
    expect(translated.retryable).toBe(false);
  });

  it('never copies the service message, which may echo request values', () => {
    const error = sdkError('InvalidParameterValueException', 400);
    error.message = "1 validation error: Value 'sk_live_supersecret' at 'environment.variables' failed";
    const translated = translateSdkError(error, 'lambda:UpdateFunctionConfiguration');
    expect(translated.message).not.toContain('sk_live_supersecret');
    expect(translated.message).toBe('lambda:UpdateFunctionConfiguration failed: InvalidParameterValueException (HTTP 400)');
  });

  it('marks throttling and outages retryable, the rest not', () => {
    expect(translateSdkError(sdkError('Throttling', 400), 'x').retryable).toBe(true);
    expect(translateSdkError(networkError('ETIMEDOUT'), 'x').retryable).toBe(true);
    expect(translateSdkError(sdkError('NoSuchEntity', 404), 'x').retryable).toBe(false);
  });

  it('passes Warden errors through unchanged', () => {
    const original = new InvalidInputError('bad');
    expect(translateSdkError(original, 'x')).toBe(original);
  });

  it('does not read network codes from the message of an error that has a code', () => {
    const error = sdkError('ValidationException', 400);
    error.message = 'value ECONNRESET is not allowed';
    expect(translateSdkError(error, 'x')).toBeInstanceOf(UnexpectedServiceError);
  });

  it('uses the Node error code for network errors', () => {
    expect(translateSdkError(networkError('ECONNREFUSED'), 'iam:GetRole').message).toBe('iam:GetRole failed: ECONNREFUSED');
  });
});

describe('isNotFound', () => {
  it.each([
    ['NoSuchEntityException', true, new NoSuchEntityException({ message: 'x', $metadata: metadata })],
    ['ResourceNotFoundException', true, new ResourceNotFoundException({ message: 'x', $metadata: metadata })],
    ['translated ResourceGoneError', true, new ResourceGoneError('gone')],
    ['bare 404', true, sdkError('UnknownError', 404)],
    ['AccessDenied', false, sdkError('AccessDenied', 403)],
    ['translated AccessDeniedError', false, new AccessDeniedError('no')],
    ['network error', false, networkError('ECONNREFUSED')],
    ['null', false, null],
  ])('%s → %s', (_label, expected, error) => {
    expect(isNotFound(error)).toBe(expected);
  });
});
