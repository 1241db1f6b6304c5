/**
 * The benches measure what ships: the built package in `dist/` (`npm run bench`
 * builds first), not the TypeScript sources through tsx, whose keep-names
 * wrappers give every closure its own property store (~250 B each, and CPU).
 * Types still come from the sources.
 */
import type * as Statewire from '../src/index.js';

// A computed specifier: the type checker does not need `dist/` to exist.
const entry = new URL('../dist/index.js', import.meta.url).href;
const built = (await import(entry).catch((error: unknown) => {
  throw new Error(`bench: ${entry} is missing; run \`npm run build\` first (npm run bench does)`, { cause: error });
})) as typeof Statewire;

export const { ApiClient, CircuitBreaker, RateLimiter, SSEConnection, WebSocketConnection, systemClock } = built;

const machinesEntry = new URL('../dist/machines/index.js', import.meta.url).href;
const machines = (await import(machinesEntry)) as typeof import('../machines/index.js');
export const { adoptChild, releaseChild } = machines;
