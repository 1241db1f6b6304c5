/**
 * How statewire's errors render what they report without leaking it: option
 * values (truncated, summarised, redacted under secret-looking names), HTTP
 * status texts and request URLs (query and fragment dropped). Used by `errors.ts`.
 *
 * @module
 */

// Words of option names whose values must never appear in a message or on the error.
const SECRET_WORD = /^(token|key|keys|apikey|secret|secrets|password|passwd|passphrase|authorization|auth|bearer|cookie|cookies|credential|credentials|signature)$/;

const NOT_SECRET = new Set(['sharedKey']);

/**
 * Whether an option path names a secret: one of its words (split at dots,
 * brackets, `-`, `_` and camelCase humps) is `token`, `key`, `password`, …
 * `accessToken`, `headers.X-API-Key` are; `rateLimiterOptions.limits.api.tokensPerSecond`
 * (its words are `tokens per second`) is a rate, not a secret.
 */
export function isSecretOption(option: string): boolean {
  // Names that only look secret: a key that names a shared record is an identifier, shown so the user can fix it.
  if (NOT_SECRET.has(option.slice(option.lastIndexOf('.') + 1))) return false;
  const words = option
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  return words.some((w) => SECRET_WORD.test(w));
}
const MAX_SHOWN_STRING = 80;

/** Renders a value for an error message without ever dumping an object's content. */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const cut = value.length > MAX_SHOWN_STRING;
      return JSON.stringify(cut ? value.slice(0, MAX_SHOWN_STRING) : value) + (cut ? '…' : '');
    }
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return '[symbol]';
    case 'function':
      return '[function]';
    default:
      if (value === null) return 'null';
      return Array.isArray(value) ? '[array]' : '[object]';
  }
}

// Browser-safe subset of node:http STATUS_CODES.
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Drops query and fragment so tokens in a URL do not end up in logs. */
export function urlForMessage(url: string): string {
  return url.replace(/[?#].*$/s, '');
}
