/**
 * Glob matching with IAM's grammar: only `*` (any run of characters) and `?` (one character) are
 * wildcards; every other character is literal. Used for Warden's own-role patterns and, with
 * `caseInsensitive`, for IAM action names (which are case-insensitive, unlike ARNs).
 */
export interface WildcardOptions {
  /** IAM action names compare case-insensitively; resource ARNs do not. */
  readonly caseInsensitive?: boolean;
  /** `?` matches one character in IAM; set false where only `*` is a wildcard. */
  readonly questionMark?: boolean;
}

const cache = new Map<string, RegExp>();

/** Compiles `pattern` into an anchored regular expression (memoised). */
export function wildcardToRegExp(pattern: string, options: WildcardOptions = {}): RegExp {
  const questionMark = options.questionMark ?? true;
  const key = `${options.caseInsensitive ? 'i' : 's'}${questionMark ? 'q' : 'n'}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?' && questionMark) source += '.';
    else source += char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  const compiled = new RegExp(`^${source}$`, options.caseInsensitive ? 'is' : 's');
  if (cache.size > 10_000) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** True when `value` matches the wildcard `pattern`. */
export function matchesWildcard(pattern: string, value: string, options: WildcardOptions = {}): boolean {
  return wildcardToRegExp(pattern, options).test(value);
}
