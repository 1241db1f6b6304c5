import { oneOf, type Rule } from '../config/validate.js';
import type { MessageParse } from './parseText.js';

/**
 * The `parse` option's rule: `'auto'` (default), `'json'`, `'text'` or a function.
 *
 * @example
 * ```ts
 * const spec = { parse: parseRule };
 * validateOptions('SSEConnection', { parse: 'text' }, spec).parse; // 'text'
 * ```
 */
export const parseRule: Rule<MessageParse> = {
  check: (v, option) =>
    v === undefined ? 'auto' : typeof v === 'function' || v === 'auto' || v === 'json' || v === 'text' ? (v as MessageParse) : oneOf(['auto', 'json', 'text'] as const).check(v, option),
};
