import { ConfigError } from '../errors.js';
import { fn, shape, type Rule } from '../config/validate.js';

/**
 * What the Endpoint's WebSocket methods send: each entry builds the message
 * (an object is sent as JSON, a string or binary as it is). Replace any of them
 * to match your server.
 *
 * @example
 * ```ts
 * new Endpoint({ WS_URL, API_BASE_URL, messageFormat: { userMessage: (content, requestId) => ({ kind: 'chat', id: requestId, text: content }) } });
 * ```
 */
export interface MessageFormat {
  /**
   * `sendUserMessage(text, requestId)`.
   * @default (content, requestId) => ({ type: 'user_message', requestId, content })
   */
  userMessage: (content: string, requestId: string) => unknown;
  /**
   * `sendUserMessageWithImage(text, base64Image, requestId)`: the image is the base64 string as given.
   * @default (content, image, requestId) => ({ type: 'user_message', requestId, content, image })
   */
  userMessageWithImage: (content: string, image: string, requestId: string) => unknown;
  /**
   * The socket side of `stopGeneration(requestId?)`, sent while the socket is open; `false` for none.
   * @default (requestId) => ({ type: 'stop', requestId }) — without `requestId` when none is given
   */
  stop: ((requestId: string | undefined) => unknown) | false;
}

/** The documented defaults (README, "Endpoint"). */
export const defaultMessageFormat: Readonly<MessageFormat> = Object.freeze({
  userMessage: (content: string, requestId: string) => ({ type: 'user_message', requestId, content }),
  userMessageWithImage: (content: string, image: string, requestId: string) => ({ type: 'user_message', requestId, content, image }),
  stop: (requestId: string | undefined) => (requestId === undefined ? { type: 'stop' } : { type: 'stop', requestId }),
});

/** A function, or `false` (for `stop`). */
const fnOrFalse = <F>(d: F): Rule<F | false> => ({
  check(value, option) {
    if (value === undefined) return d;
    if (value === false || typeof value === 'function') return value as F | false;
    throw new ConfigError(option, value, 'expected a function or false');
  },
});

/** The `messageFormat` option's rule: each entry a function, missing ones the defaults. */
export const messageFormatRule = shape({
  userMessage: fn({ default: defaultMessageFormat.userMessage }),
  userMessageWithImage: fn({ default: defaultMessageFormat.userMessageWithImage }),
  stop: fnOrFalse(defaultMessageFormat.stop),
}) as unknown as Rule<MessageFormat>;
