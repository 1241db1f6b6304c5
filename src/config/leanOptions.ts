import type { Spec } from './rule.js';
import { swapPendingWarnings } from './rule.js';

/** Per spec, what each option resolves to when it is not given (a prototype shared by every client of the spec). */
const defaultsBySpec = new WeakMap<Spec, Record<string, unknown>>();

function defaultsOf(spec: Spec): Record<string, unknown> {
  let defaults = defaultsBySpec.get(spec);
  if (defaults !== undefined) return defaults;
  defaults = {};
  // Outside any validation: a rule's warning has nowhere to go, and none is due for a default.
  const outer = swapPendingWarnings(undefined);
  try {
    for (const key of Object.keys(spec)) {
      try {
        const value = spec[key]!.check(undefined, key);
        // Shared by every client: an array default must not be changed through one of them.
        defaults[key] = Array.isArray(value) ? Object.freeze(value) : value;
      } catch {
        // A required option has no default: each client holds its own.
      }
    }
  } finally {
    swapPendingWarnings(outer);
  }
  defaultsBySpec.set(spec, defaults);
  return defaults;
}

/**
 * The resolved options of one client, holding as its own only the values that
 * differ from the spec's defaults; the rest are read through a prototype shared
 * by every client of that spec. A WebSocketConnection resolves ~40 options:
 * ~0.3 KB each, which 10,000 connections under one manager need not repeat.
 * Reads are as before; a later assignment makes an own property. Not for
 * options that are spread or enumerated (inherited values are not copied).
 *
 * @example
 * ```ts
 * this.options = leanOptions(webSocketSpec, validateOptions('WebSocketConnection', input, webSocketSpec));
 * this.options.pingInterval; // 30000, from the shared defaults unless given
 * ```
 */
export function leanOptions<T extends object>(spec: Spec, resolved: T): T {
  const defaults = defaultsOf(spec);
  const lean = Object.create(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(resolved)) {
    const given = defaults[key];
    const same = Object.is(given, value) || (Array.isArray(given) && Array.isArray(value) && given.length === 0 && value.length === 0);
    if (!same || !(key in defaults)) lean[key] = value;
  }
  return lean as T;
}
