/**
 * The options of `startInspector()`, their defaults and their checks.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { bool, num, str, validateOptions } from '../config/validate.js';
import type { InspectorLimits } from './InspectorStore.js';

/**
 * Options of `startInspector()`.
 *
 * @example
 * ```ts
 * const inspector = await startInspector({ port: 4848, maxEventsPerActor: 500 });
 * ```
 */
export interface InspectorOptions {
  /** The port on 127.0.0.1 (0: any free port; read it from `inspector.url`). @default 0 */
  port?: number;
  /** Always `'127.0.0.1'`: the page shows an app's internals, so it is never served beyond this machine. @default '127.0.0.1' */
  host?: string;
  /** Actors remembered; past it, the oldest that has stopped (else the oldest) is forgotten. @default 1000 */
  maxActors?: number;
  /** Events kept in all (server and page each); past it, the oldest is dropped and counted. @default 5000 */
  maxEvents?: number;
  /** Events kept per actor; past it, that actor's oldest is dropped and counted. @default 200 */
  maxEventsPerActor?: number;
  /** Characters of one context or event kept (as JSON); the rest is cut. @default 2048 */
  maxValueLength?: number;
  /**
   * The mermaid browser build the page draws statecharts with: `false` for none
   * (the page shows an indented tree of states), or a path to a `mermaid.min.js`.
   * @default `mermaid/dist/mermaid.min.js` resolved from node_modules, when installed
   */
  mermaid?: string | false;
  /**
   * Accept inspection events from browser apps on a WebSocket (`inspector.ingestUrl`)
   * in the protocol of `@statelyai/inspect`'s `createWebSocketInspector({ url })`.
   * @default true
   */
  ingest?: boolean;
  /** Longest wait before a change reaches the page, in ms (changes are sent in batches). @default 100 */
  flushMs?: number;
}

/** The options once checked. */
export interface ResolvedInspectorOptions extends InspectorLimits {
  port: number;
  ingest: boolean;
  flushMs: number;
  mermaid: string | false | undefined;
}

const spec = {
  port: num({ integer: true, min: 0, max: 65_535, default: 0 }),
  host: str({ default: '127.0.0.1' }),
  maxActors: num({ integer: true, min: 1, max: 1_000_000, default: 1000 }),
  maxEvents: num({ integer: true, min: 1, max: 10_000_000, default: 5000 }),
  maxEventsPerActor: num({ integer: true, min: 1, max: 10_000_000, default: 200 }),
  maxValueLength: num({ integer: true, min: 16, max: 10_000_000, default: 2048 }),
  ingest: bool({ default: true }),
  flushMs: num({ min: 1, max: 60_000, default: 100, unit: 'ms' }),
};

/**
 * Checks `options`: a ConfigError names the option and the value it got.
 *
 * @example
 * ```ts
 * resolveInspectorOptions({ host: '0.0.0.0' }); // throws ConfigError: host
 * ```
 */
export function resolveInspectorOptions(options: InspectorOptions | undefined): ResolvedInspectorOptions {
  const o = validateOptions('startInspector', options, spec, { accept: ['mermaid'] });
  if (o.host !== '127.0.0.1') throw new ConfigError('host', o.host, "the inspector listens on '127.0.0.1' only (it shows an app's internals)", { owner: 'startInspector' });
  const mermaid = options?.mermaid;
  if (mermaid !== undefined && mermaid !== false && typeof mermaid !== 'string') throw new ConfigError('mermaid', mermaid, 'expected false or the path of a mermaid.min.js', { owner: 'startInspector' });
  return { port: o.port, maxActors: o.maxActors, maxEvents: o.maxEvents, maxEventsPerActor: o.maxEventsPerActor, maxValueLength: o.maxValueLength, ingest: o.ingest, flushMs: o.flushMs, mermaid };
}
