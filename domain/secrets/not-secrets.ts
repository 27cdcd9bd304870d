import { isRandomLooking } from './entropy';
import { HASH_NAME, type KeyClass } from './key-names';

/**
 * Stage 2 of DESIGN.md §3.2: values that are not secrets whatever their name says — references
 * to secrets, configuration scalars, placeholders, ciphertext, public material. Shapes that a
 * real secret could also take (UUIDs, long numbers, host names, relative paths) are only
 * dismissed when the name does not say secret.
 */

const BOOLEAN = /^(?:true|false|yes|no|on|off|enabled?|disabled?|y|n|t|f)$/i;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const CONFIG_WORD =
  /^(?:debug|info|warn|warning|error|fatal|trace|silent|verbose|none|null|nil|undefined|default|auto|required|optional|strict|lax|dev|development|prod|production|staging|stage|test|qa|uat|sandbox|local|live|all|any|public|private|internal|external|json|text|plain|utf-?8|bearer|basic|cognito|iam|oauth2?|oidc|jwt|hs256|rs256|sha256|aes256|gzip|latest)$/i;

const PLACEHOLDER_WORDS = new Set(
  (
    'changeme change-me change_me changeit replaceme replace-me replace_me redacted removed hidden masked secret password passwd ' +
    'pass123 token apikey api-key api_key example sample dummy fake todo tbd tbc fixme placeholder empty n/a na not-set notset ' +
    'unset not_set foo bar baz foobar test testing xxx abc abc123 123 1234 12345 123456 1234567 12345678 123456789 qwerty - -- ? ' +
    'value default secretvalue mysecret my-secret mypassword yourpassword your-secret your-token your-api-key insert-here'
  ).split(' '),
);

const PLACEHOLDER_SHAPES: readonly RegExp[] = [
  /^<[^<>]+>$/, // <your-token>
  /^\[[^[\]]+\]$/, // [TOKEN]
  /^\{[^{}]+\}$/, // {token}
  /^%[^%\s]+%$/, // %TOKEN%
  /^__\w+__$/, // __TOKEN__
  /^(.)\1+$/s, // xxxx, ****, 0000
  /^(?:your|insert|enter|paste|replace|put|add|set)[-_ ]/i,
  /(?:^|[-_ ])(?:here|goes[-_ ]?here)$/i,
  /redacted|changeme|[xX]{6,}|\*{3,}|•{3,}|EXAMPLE|\.\.\.|0{8,}/,
];

const TEMPLATE = /\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|#\{[^}]*\}|%\{[^}]*\}|^\$[A-Za-z_]\w*$|^%\([^)]*\)s$/;
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
const KMS_CIPHERTEXT = /^AQ[EI]CA[HI][A-Za-z0-9+/]{40,}={0,2}$/;
const SECRET_REFERENCE = /^(?:ENC\[|enc:|encrypted:|kms:|cipher:|ciphertext:|vault:|ssm:|secretsmanager:|secrets-manager:|sm:\/\/|op:\/\/|aws-kms:|kms\+|ref\+|resolve:)/i;
const URL = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const ABSOLUTE_PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:)/;
const PATH_SEGMENT = /^[\w.@+:,=-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DURATION = /^(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|years?)|P(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?)$/i;
const REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|eu-isoe|us-isof)-[a-z]+-\d{1,2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const VERSION = /^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/;
const IP = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?(?::\d{1,5})?$|^[0-9a-f:]+::[0-9a-f:]*(?:\/\d{1,3})?$/i;
const EMAIL = /^[^@\s:/]+@[a-z0-9.-]+\.[a-z]{2,}$/i;
const HOSTNAME = /^(?=.{4,253}(?::\d{1,5})?$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\.?(?::\d{1,5})?$|^localhost(?::\d{1,5})?$/;
const SCHEDULE = /^(?:cron|rate|at)\(.*\)$/;
const MIME = /^(?:application|text|image|audio|video|multipart)\/[\w.+-]+$/;
const PUBLIC_MATERIAL =
  /^-----BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK)-----|^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-ssh-\S+) AAAA|^pk_(?:live|test)_|^pk\.eyJ|\.apps\.googleusercontent\.com$/;
/** Base64 of files (PNG, JPEG, GIF, PDF, ZIP, gzip, WebP/RIFF, ICO) embedded as configuration. */
const ENCODED_FILE = /^(?:iVBORw0KGgo|\/9j\/|R0lGOD|JVBERi0|UEsDB|H4sI|UklGR|AAABAA|PD94bWwg|PHN2Zy)[A-Za-z0-9+/]*={0,2}$/;
const DIGEST = /^(?:[0-9a-f]{7,128}|(?:sha\d{1,3}|md5)[-:][A-Za-z0-9+/=]+|"?W?\/?"?[0-9a-f-]{8,}"?)$/i;

/** True for placeholders and masked values (`changeme`, `<your-token>`, `*******`, `REDACTED`). */
export function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  return PLACEHOLDER_WORDS.has(lower) || PLACEHOLDER_SHAPES.some((shape) => shape.test(value));
}

/** True for a path whose segments are names, not random tokens (`prod/db`, `/opt/ca.pem`). */
export function isPathLike(value: string): boolean {
  if (!value.includes('/') && !value.includes('\\')) return false;
  const segments = value.split(/[/\\]/);
  return segments.every((s) => PATH_SEGMENT.test(s) && !isRandomLooking(s)) && segments.some((s) => s.length > 0);
}

function referenceReason(value: string): string | undefined {
  if (TEMPLATE.test(value)) return 'template';
  if (ARN.test(value)) return 'arn';
  if (KMS_CIPHERTEXT.test(value)) return 'kms-ciphertext';
  if (SECRET_REFERENCE.test(value)) return 'secret-reference';
  if (PUBLIC_MATERIAL.test(value)) return 'public-material';
  if (ENCODED_FILE.test(value)) return 'encoded-file';
  return undefined;
}

function scalarReason(value: string): string | undefined {
  if (BOOLEAN.test(value)) return 'boolean';
  if (CONFIG_WORD.test(value)) return 'config-word';
  if (DURATION.test(value)) return 'duration';
  if (REGION.test(value)) return 'region';
  if (DATE.test(value)) return 'date';
  if (VERSION.test(value)) return 'version';
  if (IP.test(value)) return 'ip-address';
  if (SCHEDULE.test(value)) return 'schedule';
  if (MIME.test(value)) return 'mime-type';
  if (EMAIL.test(value)) return 'email';
  return undefined;
}

function locationReason(value: string): string | undefined {
  if (URL.test(value)) return 'url-without-credentials';
  if (ABSOLUTE_PATH.test(value) && isPathLike(value)) return 'path';
  return undefined;
}

/** Shapes a secret could take too: dismissed only when the name does not say secret. */
function ambiguousReason(value: string, keyText: string): string | undefined {
  if (NUMBER.test(value)) return 'number';
  if (UUID.test(value)) return 'uuid';
  if (HOSTNAME.test(value)) return 'hostname';
  if (isPathLike(value)) return 'path';
  if (HASH_NAME.test(keyText) && DIGEST.test(value)) return 'hash';
  return undefined;
}

/**
 * The reason `value` is not a secret, or `undefined` when stage 2 cannot tell. `keyClass` is the
 * name's class (stage 3 input) and `keyText` the normalised key path.
 */
export function notSecretReason(value: string, keyClass: KeyClass, keyText: string): string | undefined {
  const fixed = referenceReason(value) ?? (isPlaceholder(value) ? 'placeholder' : undefined) ?? scalarReason(value) ?? locationReason(value);
  if (fixed) return fixed;
  if (NUMBER.test(value) && !(keyClass.kind === 'secret' && /^\d{6,}$/.test(value))) return 'number';
  return keyClass.kind === 'secret' ? undefined : ambiguousReason(value, keyText);
}
