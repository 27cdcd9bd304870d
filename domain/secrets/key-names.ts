/**
 * Stage 3 of DESIGN.md §3.2: what a variable's name says. Names are split into upper-case words
 * (`dbPassword`, `DB_PASSWORD`, `db-password` → `DB PASSWORD`), then read from the end: a name
 * that ends in a reference word (`_ARN`, `_NAME`, `_ID`, `_PATH`, …) only points at a secret.
 */

/** What kind of secret a name announces. */
export type SecretNameKind =
  | 'password'
  | 'secret'
  | 'token'
  | 'api-key'
  | 'private-key'
  | 'connection-string'
  | 'credentials'
  | 'auth'
  | 'key';

/** The class of a variable name. */
export type KeyClass =
  /** Platform or library configuration (`POWERTOOLS_*`, `AWS_REGION`): never a secret by name. */
  | { readonly kind: 'config' }
  /** Names a secret without holding it (`DB_SECRET_NAME`, `API_KEY_ID`), a flag or a hash. */
  | { readonly kind: 'reference' }
  /** Says it holds a secret; `strong` names need no token-shaped value to be believed. */
  | { readonly kind: 'secret'; readonly name: SecretNameKind; readonly strong: boolean }
  | { readonly kind: 'neutral' };

const CONFIG_NAMES =
  /^(?:POWERTOOLS_\w*|AWS_(?:CA_BUNDLE|REGION|DEFAULT_REGION|EXECUTION_ENV|LAMBDA_\w+|XRAY_\w+|NODEJS_CONNECTION_REUSE_ENABLED|SDK_\w+|STS_REGIONAL_ENDPOINTS|USE_FIPS_ENDPOINT|USE_DUALSTACK_ENDPOINT|PROFILE|ENDPOINT_URL\w*|MAX_ATTEMPTS|RETRY_MODE)|_X_AMZN_\w+|_HANDLER|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|NODE_OPTIONS|NODE_ENV|NODE_EXTRA_CA_CERTS|LOG_LEVEL|TZ|LANG|PATH|LD_LIBRARY_PATH|PYTHONPATH|JAVA_TOOL_OPTIONS|SSL_CERT_FILE|REQUESTS_CA_BUNDLE)$/;

/** Last words that make a name a reference to a value, not the value. */
const REFERENCE_LAST = new Set(
  (
    'ARN ARNS NAME NAMES ID IDS PATH PATHS FILE FILES FILENAME PARAM PARAMS PARAMETER PARAMETERS URL URLS URI ' +
    'ENDPOINT ENDPOINTS HOST HOSTNAME PORT LENGTH LEN TTL ENABLED DISABLED REF REFERENCE LOCATION DIR DIRECTORY ' +
    'BUCKET TABLE QUEUE TOPIC REGION USER USERNAME LOGIN EMAIL TYPE MODE KIND FORMAT VERSION ALGORITHM ALG ' +
    'EXPIRY EXPIRES EXPIRATION LIFETIME TIMEOUT DURATION INTERVAL AGE SIZE COUNT LIMIT MAX MIN RETRIES POLICY ' +
    'ROTATION DAYS HOURS SECONDS MINUTES MS SCOPE SCOPES FIELD ALIAS PREFIX SUFFIX ISSUER AUDIENCE PROVIDER ' +
    'SOURCE BACKEND STAGE LABEL TAG FLAG FLAGS DESCRIPTION HELP MESSAGE TEXT TITLE HINT VAR VARIABLE ENV ' +
    'REQUIRED OPTIONAL STRATEGY SCHEME LOCATIONS TEMPLATE SID'
  ).split(' '),
);

/** Last two words that make a name a reference (`..._KEY_ID`, `PUBLIC_KEY`, `CLIENT_ID`). */
const REFERENCE_PAIRS = /(?:^|_)(?:KEY_ID|KEYID|PUBLIC_KEY|PUBLICKEY|PUB_KEY|CLIENT_ID|KEY_NAME|KEY_ALIAS|KEY_ARN|PUBLISHABLE_KEY|SITE_KEY|HEADER_NAME|ANON_KEY|KEY_VAULT)$/;

/** First words of flags (`ALLOW_EMPTY_PASSWORD`, `ENABLE_TOKEN_AUTH`). */
const FLAG_FIRST = new Set(['ALLOW', 'ENABLE', 'DISABLE', 'USE', 'REQUIRE', 'SKIP', 'IS', 'HAS', 'SHOULD', 'NO', 'RANDOM']);
const FLAG_ANYWHERE = /(?:^|_)(?:ALLOW_EMPTY|GENERATE|RANDOM|EMPTY)(?:_|$)/;

/** Words that name hashes and build identifiers: values under them are digests, not secrets. */
export const HASH_NAME = /(?:^|_)(?:COMMIT|GIT_SHA|SHA|SHA1|SHA256|SHA512|HASH|DIGEST|CHECKSUM|ETAG|REVISION|REV|INTEGRITY|BUILD|FINGERPRINT|MD5|CRC|CRC32)(?:_|$)/;

/** Secret words, tried in order; the first whose pattern appears in the name decides the kind. */
const SECRET_WORDS: readonly { readonly name: SecretNameKind; readonly pattern: RegExp; readonly strong: boolean }[] = [
  { name: 'private-key', pattern: /(?:^|_)(?:PRIVATE_?KEYS?|PRIV_KEY|SIGNING_KEYS?|ENCRYPTION_KEYS?|MASTER_KEY|SSH_KEY|PEM)(?:_|$)/, strong: true },
  { name: 'password', pattern: /(?:^|_)(?:PASSWORDS?|PASSWD|PWD|PASS|PASSPHRASE)(?:_|$)/, strong: true },
  { name: 'secret', pattern: /(?:^|_)(?:SECRETS?|CLIENT_SECRET|SECRET_KEY|PEPPER)(?:_|$)/, strong: true },
  { name: 'api-key', pattern: /(?:^|_)(?:API_?KEYS?|ACCESS_?KEYS?|ACCOUNT_?KEY|SHARED_?ACCESS_?KEY|LICENSE_KEYS?|HMAC|HMAC_KEY|SAS|SUBSCRIPTION_KEY|APP_KEY)(?:_|$)/, strong: true },
  { name: 'token', pattern: /(?:^|_)(?:TOKENS?|BEARER|PAT|ACCESS_TOKEN|REFRESH_TOKEN)(?:_|$)/, strong: true },
  { name: 'connection-string', pattern: /(?:^|_)(?:DSN|DATABASE_URL|DB_URL|DATABASE_URI|DB_URI|CONNECTION_?STRINGS?|CONN_?STR|CONNSTR|CONNECTIONSTRING)(?:_|$)/, strong: true },
  { name: 'credentials', pattern: /(?:^|_)(?:CREDENTIALS|CREDENTIAL|CREDS)(?:_|$)/, strong: true },
  { name: 'auth', pattern: /(?:^|_)(?:BASIC_AUTH|HTTP_AUTH|AUTHORIZATION|AUTH_HEADER)(?:_|$)/, strong: true },
  { name: 'auth', pattern: /(?:^|_)AUTH(?:_|$)/, strong: false },
  { name: 'key', pattern: /(?:^|_)KEYS?$/, strong: false },
];

/** Names that say secret and would otherwise end in a reference word (`DATABASE_URL`). */
const SECRET_DESPITE_SUFFIX = /(?:^|_)(?:DATABASE_URL|DB_URL|DATABASE_URI|DB_URI)$/;

const normalized = new Map<string, string>();

/** Splits a name into upper-case words joined by `_`: `dbPassword` → `DB_PASSWORD` (memoised). */
export function normalizeKey(key: string): string {
  const hit = normalized.get(key);
  if (hit !== undefined) return hit;
  const text = splitWords(key);
  if (normalized.size > 5_000) normalized.clear();
  normalized.set(key, text);
  return text;
}

function splitWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

function isReference(words: readonly string[], text: string): boolean {
  const last = words[words.length - 1] ?? '';
  if (REFERENCE_PAIRS.test(text)) return true;
  if (REFERENCE_LAST.has(last) && !SECRET_DESPITE_SUFFIX.test(text)) return true;
  if (FLAG_FIRST.has(words[0] ?? '') || FLAG_ANYWHERE.test(text)) return true;
  return HASH_NAME.test(text) && !SECRET_WORDS.some((w) => w.strong && w.pattern.test(text));
}

function classifyText(text: string): KeyClass {
  if (text.length === 0) return { kind: 'neutral' };
  const words = text.split('_');
  if (isReference(words, text)) return { kind: 'reference' };
  const word = SECRET_WORDS.find((w) => w.pattern.test(text));
  return word ? { kind: 'secret', name: word.name, strong: word.strong } : { kind: 'neutral' };
}

const cache = new Map<string, KeyClass>();

/**
 * Classifies a variable (or JSON, field, query-parameter) name. Memoised: environments repeat
 * the same names across functions.
 */
export function classifyKey(key: string): KeyClass {
  const hit = cache.get(key);
  if (hit) return hit;
  const result = CONFIG_NAMES.test(key) ? ({ kind: 'config' } as const) : classifyText(normalizeKey(key));
  if (cache.size > 5_000) cache.clear();
  cache.set(key, result);
  return result;
}
