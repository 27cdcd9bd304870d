/**
 * EventBridge only receives "AWS API Call via CloudTrail" events while a trail logs management
 * (write) events (DESIGN.md §1). Warden checks this at start and in every sweep.
 */
export interface TrailState {
  readonly name: string;
  readonly homeRegion: string;
  readonly isMultiRegion: boolean;
  readonly isLogging: boolean;
  /** True when the trail records write management events (classic or advanced selectors). */
  readonly logsWriteManagementEvents: boolean;
}

/** Whether CloudTrail feeds EventBridge in a region, and why not. */
export type TrailCoverage = { readonly covered: true; readonly trail: string } | { readonly covered: false; readonly reason: string };

/** Pure: does some trail deliver write management events for `region`? */
export function assessTrailCoverage(trails: readonly TrailState[], region: string): TrailCoverage {
  const applicable = trails.filter((trail) => trail.isMultiRegion || trail.homeRegion === region);
  if (applicable.length === 0) return { covered: false, reason: `no trail covers ${region}` };
  const active = applicable.find((trail) => trail.isLogging && trail.logsWriteManagementEvents);
  if (active) return { covered: true, trail: active.name };
  const logging = applicable.filter((trail) => trail.isLogging);
  if (logging.length === 0) return { covered: false, reason: `trails covering ${region} have logging off: ${names(applicable)}` };
  return { covered: false, reason: `trails covering ${region} do not record write management events: ${names(logging)}` };
}

function names(trails: readonly TrailState[]): string {
  return trails.map((trail) => trail.name).join(', ');
}
