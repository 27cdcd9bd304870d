export type { Actor, Change, EventRef } from './change';
export { normalizeEventName, serviceOf } from './event-name';
export { parseEvent, type ClassifyOptions, type EventVerdict, type IgnoreReason } from './parse-event';
export type { CloudTrailRecord, EventBridgeEnvelope } from './schemas';
