/**
 * Lambda's CloudTrail event names carry the API version they were called with
 * (`UpdateFunctionConfiguration20150331v2`, `AddPermission20150331`, `CreateFunctionUrlConfig20211031`),
 * and the suffix changes as Lambda publishes new API versions, so Warden matches them by prefix
 * and works with the bare name. IAM event names never carry a suffix.
 */
const apiVersionSuffix = /^([A-Za-z]+?)(\d{8}(?:v\d+)?)$/;

/** The event name without Lambda's API-version suffix. */
export function normalizeEventName(eventName: string): string {
  const match = apiVersionSuffix.exec(eventName);
  return match?.[1] ?? eventName;
}

/** The service part of an event source: `iam.amazonaws.com` → `iam`. */
export function serviceOf(eventSource: string): string {
  const dot = eventSource.indexOf('.');
  return dot === -1 ? eventSource : eventSource.slice(0, dot);
}
