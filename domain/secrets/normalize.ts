/**
 * Stage 0 of DESIGN.md §3.2: look inside structured values. A value may be JSON, a URL (with
 * user-info and query parameters), a `;`-separated connection string or a `key=value` list; each
 * part becomes a child `(name, value)` pair with a location that names the path, never the value.
 */

/** A `(name, value)` pair found inside a value. */
export interface Part {
  /** The name that describes this value (the JSON key, field or parameter name). */
  readonly key: string;
  readonly value: string;
  /** Path inside the variable, e.g. `json:$.db.password`, `field:Password`, `url:query.token`. */
  readonly location: string;
  /** JSON members inherit a secret-saying parent name (`API_KEYS={"stripe": …}`); fields do not. */
  readonly inheritsName: boolean;
}

/** A URL split into the parts that can carry credentials. */
export interface ParsedUrl {
  readonly scheme: string;
  readonly password?: string;
  readonly query: readonly Part[];
}

const MAX_PARTS = 200;
const MAX_DEPTH = 8;
const SAFE_SEGMENT = /^[A-Za-z0-9_.@-]{1,64}$/;

/** A location segment taken from the value only when it is a plain name; otherwise `*`. */
export function safeSegment(name: string): string {
  return SAFE_SEGMENT.test(name) ? name : '*';
}

function walkJson(node: unknown, key: string, path: string, depth: number, out: Part[]): void {
  if (out.length >= MAX_PARTS || depth > MAX_DEPTH) return;
  if (typeof node === 'string') {
    out.push({ key, value: node, location: `json:${path}`, inheritsName: true });
  } else if (Array.isArray(node)) {
    node.forEach((item, index) => walkJson(item, key, `${path}[${index}]`, depth + 1, out));
  } else if (typeof node === 'object' && node !== null) {
    for (const [name, child] of Object.entries(node)) walkJson(child, name, `${path}.${safeSegment(name)}`, depth + 1, out);
  }
  // Numbers, booleans and null carry no secret text.
}

/** The string members of a JSON object or array value; `undefined` when the value is not one. */
export function jsonParts(value: string): Part[] | undefined {
  const first = value.charCodeAt(0); // values arrive trimmed
  if (first !== 0x7b && first !== 0x5b) return undefined; // `{` or `[`
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const out: Part[] = [];
  walkJson(parsed, '', '$', 0, out);
  return out;
}

const FIELD = /^\s*([A-Za-z_][\w .-]{0,63}?)\s*[=:]\s*(.*)$/s;

function fieldOf(segment: string): { key: string; value: string } | undefined {
  const match = FIELD.exec(segment);
  const key = match?.[1];
  const value = match?.[2];
  if (key === undefined || value === undefined || value.startsWith('=')) return undefined;
  return { key: key.trim(), value: value.trim().replace(/^(['"])(.*)\1$/s, '$2') };
}

function splitFields(value: string, separator: RegExp): Part[] | undefined {
  const segments = value.split(separator).filter((s) => s.trim().length > 0);
  if (segments.length < 2 && !(segments.length === 1 && value.includes('='))) return undefined;
  const parts: Part[] = [];
  for (const segment of segments.slice(0, MAX_PARTS)) {
    const field = fieldOf(segment);
    if (!field) return undefined;
    parts.push({ key: field.key, value: field.value, location: `field:${safeSegment(field.key)}`, inheritsName: false });
  }
  return parts;
}

/**
 * The fields of a connection string (`Server=x;Password=y`) or a `key=value` list separated by
 * `;`, `&`, `,` or whitespace (`host=db user=app password=…`). Every segment must be a field.
 */
export function fieldParts(value: string): Part[] | undefined {
  if (!value.includes('=')) return undefined;
  if (value.includes(';')) return splitFields(value, /;/);
  const separator = value.includes('&') ? /&/ : value.includes(',') ? /,/ : /\s+/;
  const parts = splitFields(value, separator);
  // A lone `k=v` only counts with a name-like key, so base64 padding is not a field.
  if (parts?.length === 1 && !/[_.-]|^[a-z]+$/i.test(parts[0]?.key ?? '')) return undefined;
  return parts;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const URL_START = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\//i;

function queryParts(query: string): Part[] {
  return query
    .split('&')
    .slice(0, MAX_PARTS)
    .flatMap((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) return [];
      const key = safeDecode(pair.slice(0, eq));
      return [{ key, value: safeDecode(pair.slice(eq + 1)), location: `url:query.${safeSegment(key)}`, inheritsName: false }];
    });
}

/** `user:password@` at the start of `rest`; unencoded `#`, `?` or `@` in a password are common. */
const LOOSE_USER_INFO = /^[^:/?#@\s]*:([^@\s/]*)@/;

function passwordOf(rest: string): string | undefined {
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    const colon = userInfo.indexOf(':');
    return colon >= 0 ? safeDecode(userInfo.slice(colon + 1)) : undefined;
  }
  // `host:8080/path?x=a@b` does not match: the password part may not contain `/`.
  const loose = LOOSE_USER_INFO.exec(rest);
  return loose?.[1] === undefined ? undefined : safeDecode(loose[1]);
}

/**
 * Splits a URL into scheme, password and query parameters. Hand-written rather than WHATWG
 * `URL`, which rejects multi-host database URLs (`mongodb://a:b@h1,h2/db`).
 */
export function parseUrl(value: string): ParsedUrl | undefined {
  const start = URL_START.exec(value);
  if (!start?.[1] || /\s/.test(value)) return undefined;
  const rest = value.slice(start[0].length);
  const password = passwordOf(rest);
  const queryStart = rest.indexOf('?');
  const query = queryStart >= 0 ? rest.slice(queryStart + 1).split('#')[0] ?? '' : '';
  return { scheme: start[1].toLowerCase(), ...(password === undefined ? {} : { password }), query: queryParts(query) };
}
