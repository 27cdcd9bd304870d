/**
 * The compact text encoding of the IAM action catalogue (`catalogue.generated.ts`), shared by the
 * generator (encode) and the runtime (decode) so both agree on one alphabet.
 *
 * Action names are split into words (`Get`, `Bucket`, `Policy`); the ~2 700 distinct words go into
 * a dictionary ordered by frequency and each name becomes a run of word codes (one character for
 * frequent words, two for the rest) ended by a terminator that also encodes the access level.
 * Resource types are per-service ARN globs; each action lists its types by index. This keeps
 * ~22 000 actions in a module of a couple of hundred kilobytes that decodes in milliseconds.
 */

/** Access levels of the IAM service authorization reference. */
export type AccessLevel = 'Read' | 'Write' | 'List' | 'Tagging' | 'Permissions management';

/** Terminators of an action name, one per access level (index = level code). */
export const LEVEL_TERMINATORS = '!#$%&';
export const ACCESS_LEVELS: readonly AccessLevel[] = ['Read', 'Write', 'List', 'Tagging', 'Permissions management'];

/** Every printable ASCII character that needs no escaping in a JSON string, minus terminators. */
export const TOKEN_ALPHABET = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
  .filter((c) => c !== '"' && c !== '\\' && !LEVEL_TERMINATORS.includes(c))
  .join('');

/** Alphabet of resource-type counts and indexes. */
export const INDEX_ALPHABET = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
  .filter((c) => c !== '"' && c !== '\\')
  .join('');

/** Splits an action name into words; concatenating the words gives the name back. */
export function splitWords(name: string): string[] {
  return name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[^A-Za-z0-9]+|./g) ?? [];
}

/** Number of one-character word codes, given the dictionary size: the rest take two characters. */
export function singleCodeCount(words: number): number {
  const size = TOKEN_ALPHABET.length;
  for (let leads = 0; leads < size; leads++) {
    if (size - leads + leads * size >= words) return size - leads;
  }
  throw new RangeError('dictionary too large for the token alphabet');
}

/** The code of word number `index` (frequency order). */
export function wordCode(index: number, singles: number): string {
  if (index < singles) return TOKEN_ALPHABET.charAt(index);
  const rest = index - singles;
  const size = TOKEN_ALPHABET.length;
  return TOKEN_ALPHABET.charAt(singles + Math.floor(rest / size)) + TOKEN_ALPHABET.charAt(rest % size);
}

/** Characters per resource-type index (and per count) for a service with `count` types. */
export function indexWidth(count: number): number {
  return count < INDEX_ALPHABET.length ? 1 : 2;
}

/** Encodes a number below `INDEX_ALPHABET.length ** width` in `width` characters. */
export function encodeIndex(value: number, width: number): string {
  const size = INDEX_ALPHABET.length;
  if (width === 1) return INDEX_ALPHABET.charAt(value);
  return INDEX_ALPHABET.charAt(Math.floor(value / size)) + INDEX_ALPHABET.charAt(value % size);
}

/** One decoded action of a service. */
export interface DecodedAction {
  readonly name: string;
  readonly level: number;
  readonly resourceTypes: readonly number[];
}

/** Character code → position in an alphabet (-1 when absent), for fast decoding. */
function lookup(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const TOKEN_LOOKUP = lookup(TOKEN_ALPHABET);
const LEVEL_LOOKUP = lookup(LEVEL_TERMINATORS);
const INDEX_LOOKUP = lookup(INDEX_ALPHABET);

function decodeNames(stream: string, words: readonly string[], singles: number): { name: string; level: number }[] {
  const size = TOKEN_ALPHABET.length;
  const out: { name: string; level: number }[] = [];
  let name = '';
  for (let i = 0; i < stream.length; i++) {
    const char = stream.charCodeAt(i) & 127;
    const level = LEVEL_LOOKUP[char] ?? -1;
    if (level >= 0) {
      out.push({ name, level });
      name = '';
      continue;
    }
    const code = TOKEN_LOOKUP[char] ?? 0;
    const index = code < singles ? code : singles + (code - singles) * size + (TOKEN_LOOKUP[stream.charCodeAt(++i) & 127] ?? 0);
    name += words[index] ?? '';
  }
  return out;
}

function decodeIndexes(stream: string, count: number, width: number): number[][] {
  const size = INDEX_ALPHABET.length;
  const read = (at: number): number => {
    const first = INDEX_LOOKUP[stream.charCodeAt(at) & 127] ?? 0;
    return width === 1 ? first : first * size + (INDEX_LOOKUP[stream.charCodeAt(at + 1) & 127] ?? 0);
  };
  const out: number[][] = [];
  let at = 0;
  for (let action = 0; action < count; action++) {
    // The count of types uses the same width as the indexes: an action may have over 93 types.
    const n = read(at);
    at += width;
    const list: number[] = [];
    for (let k = 0; k < n; k++, at += width) list.push(read(at));
    out.push(list);
  }
  return out;
}

/** Decodes one service's encoded actions. */
export function decodeServiceActions(names: string, indexes: string, globCount: number, words: readonly string[], singles: number): DecodedAction[] {
  const decoded = decodeNames(names, words, singles);
  const types = decodeIndexes(indexes, decoded.length, indexWidth(globCount));
  return decoded.map((action, i) => ({ name: action.name, level: action.level, resourceTypes: types[i] ?? [] }));
}
