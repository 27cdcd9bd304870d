import type { Detector, DetectorFunction } from './detector';
import { eventSourceOf } from './detector';

/** Looks detectors up by the event that triggers them. */
export class DetectorRegistry {
  private readonly byEvent = new Map<string, Detector[]>();

  constructor(readonly all: readonly Detector[]) {
    const ids = new Set<string>();
    for (const detector of all) {
      if (ids.has(detector.metadata.id)) throw new Error(`duplicate detector id ${detector.metadata.id}`);
      ids.add(detector.metadata.id);
      for (const name of detector.trigger.eventNames) {
        const key = keyOf(eventSourceOf(detector.trigger.source), name);
        this.byEvent.set(key, [...(this.byEvent.get(key) ?? []), detector]);
      }
    }
  }

  /** The detectors a change triggers, in registration order. */
  for(eventSource: string, eventName: string): readonly Detector[] {
    return this.byEvent.get(keyOf(eventSource, eventName)) ?? [];
  }

  /** True when at least one detector handles the event. */
  handles(eventSource: string, eventName: string): boolean {
    return this.for(eventSource, eventName).length > 0;
  }

  /** Only the detectors that run in one function (a Lambda handler serves one of them). */
  only(fn: DetectorFunction): DetectorRegistry {
    return new DetectorRegistry(this.all.filter((detector) => detector.runsIn === fn));
  }
}

function keyOf(eventSource: string, eventName: string): string {
  return `${eventSource}#${eventName}`;
}
