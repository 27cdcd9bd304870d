/**
 * Character statistics for stage 4 of DESIGN.md §3.2 and for telling token-like path segments
 * from words. Counting uses a reused table: the detector scans tens of thousands of values a second.
 */

const counts = new Uint16Array(128);

/** Shannon entropy in bits per character (non-ASCII characters count as one symbol each). */
export function shannonEntropy(value: string): number {
  const length = Math.min(value.length, 1024);
  if (length === 0) return 0;
  const others = new Map<number, number>();
  for (let i = 0; i < length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 128) counts[code] = (counts[code] ?? 0) + 1;
    else others.set(code, (others.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (let i = 0; i < length; i += 1) {
    const code = value.charCodeAt(i);
    const n = code < 128 ? (counts[code] ?? 0) : 0;
    if (n === 0) continue;
    const p = n / length;
    bits -= p * Math.log2(p);
    counts[code] = 0; // each symbol contributes once, and the table is left clean
  }
  for (const n of others.values()) bits -= (n / length) * Math.log2(n / length);
  return bits;
}

/** How many of lower-case, upper-case, digit and other characters the value contains. */
export function characterClasses(value: string): number {
  return Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/[0-9]/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
}

const TOKEN_CHARSET = /^[A-Za-z0-9+/=_.~-]+$/;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * True for a run of characters that reads as random rather than as words: at least 16
 * characters, letters of both cases and digits (or base64 symbols), and high entropy.
 */
export function isRandomLooking(value: string): boolean {
  if (value.length < 16 || !TOKEN_CHARSET.test(value) || HEX.test(value)) return false;
  const hasMixedLetters = /[a-z]/.test(value) && /[A-Z]/.test(value);
  const hasDigitOrSymbol = /[0-9+/]/.test(value);
  if (!hasMixedLetters || !hasDigitOrSymbol) return false;
  return shannonEntropy(value) >= (value.length >= 32 ? 4.0 : 3.5);
}

const WORD = /^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+|\d+)$/;

/**
 * Stage 4's test: a single token (no spaces) of at least 20 characters that reads as random:
 * either its longest run between `-`, `_`, `.` separators does, or it has no word among its
 * pieces (base64url tokens contain separators too). Generated names that mix words with a random
 * suffix (`orders-stack-Fn-AbCdEf12GhIj`) and pure hex (hashes, ids) are not token-shaped.
 */
export function isTokenShaped(value: string): boolean {
  if (value.length < 20 || value.length > 1024 || !TOKEN_CHARSET.test(value)) return false;
  const segments = value.split(/[-_.]/);
  const longest = segments.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (longest.length >= 16) return isRandomLooking(longest);
  const wordy = segments.some((segment) => segment.length >= 3 && WORD.test(segment));
  return !wordy && isRandomLooking(segments.join(''));
}
