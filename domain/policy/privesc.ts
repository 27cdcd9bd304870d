import data from './data/privesc-combinations.json';

/**
 * Privilege-escalation combinations (DESIGN.md §3.1 item 2), merged from public research and
 * shipped as data (`data/privesc-combinations.json`, a copy of `shared/data`). A principal that is
 * allowed every action of one combination, on resources that can reach a target, can gain more
 * privilege than it was given.
 */

/** What the combination needs besides the actions. */
export type Prerequisite = 'target-principal-or-policy' | 'role-trusting-service' | 'existing-privileged-resource';

/** One combination. */
export interface PrivescCombination {
  /** Stable id: the lowercase actions joined by `+`. */
  readonly id: string;
  /** A human name, taken from the research that describes it. */
  readonly name: string;
  /** Lowercase action names or patterns (`iam:put*`). */
  readonly actions: readonly string[];
  readonly passRole: boolean;
  readonly prerequisite: Prerequisite;
  /** Research that names the method, by project. */
  readonly sources: Readonly<Record<string, readonly string[]>>;
}

const PREREQUISITES: readonly Prerequisite[] = ['target-principal-or-policy', 'role-trusting-service', 'existing-privileged-resource'];
/** Which research's wording names a combination best, in order of preference. */
const NAME_SOURCES = ['rhino', 'pathfinding', 'cloudsplaining', 'prowler', 'pmapper', 'parliament'];

interface RawCombination {
  readonly actions: readonly string[];
  readonly passRole: boolean;
  readonly prerequisite: string;
  readonly sources: Readonly<Record<string, readonly string[]>>;
}

function nameOf(raw: RawCombination): string {
  for (const source of NAME_SOURCES) {
    const first = raw.sources[source]?.[0];
    if (first) return first;
  }
  return raw.actions.join(' + ');
}

function toCombination(raw: RawCombination): PrivescCombination {
  const prerequisite = PREREQUISITES.find((p) => p === raw.prerequisite);
  if (!prerequisite) throw new RangeError('privesc data: unknown prerequisite');
  const actions = raw.actions.map((a) => a.toLowerCase());
  return { id: actions.join('+'), name: nameOf(raw), actions, passRole: raw.passRole, prerequisite, sources: raw.sources };
}

/** Every combination, in the data file's order. */
export const PRIVESC_COMBINATIONS: readonly PrivescCombination[] = (data.combinations as readonly RawCombination[]).map(toCombination);
