export { atLeast, findingId, severities, severityRank, type Evidence, type Finding, type FindingSubject, type FindingTrigger, type Severity } from './finding';
export { InvalidFindingEventError, parseFindingEvent } from './finding-event';
