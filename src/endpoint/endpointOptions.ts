import { checkInspect, type Inspect } from '../runtime/inspection.js';
import type { EndpointEnv } from '../../machines/endpoint.js';
import type { Logger } from '../config/ConnectionConfig.js';
import { methods, oneOf, optional, url, type Rule } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { redactUrl } from '../security/redact.js';
import type { ApiClientOptions } from '../http/ApiClient.js';
import type { GuruConnectionOptions } from '../websocket/GuruConnection.js';
import { messageFormatRule, type MessageFormat } from './messageFormat.js';
import { endpointPresets } from './presets.js';
import { routesRule, type EndpointRoutes } from './routes.js';

/** Options of {@link Endpoint}: seed 004's three, plus formats, routes and each client's own options. */
export interface EndpointOptions {
  /** The WebSocket URL (`ws:` or `wss:`). */
  WS_URL: string;
  /** The HTTP API's base URL (`http:` or `https:`); `routes` are joined to it. */
  API_BASE_URL: string;
  /**
   * Picks the presets (README, the presets table): `production` (the library
   * defaults), `development` (logging on, breaker threshold 10) or `test` (quiet).
   * @default 'production'
   */
  NODE_ENV?: EndpointEnv;
  /** What the WebSocket methods send. @default see {@link MessageFormat} */
  messageFormat?: Partial<MessageFormat>;
  /** Where the HTTP methods go. @default see {@link EndpointRoutes} */
  routes?: Partial<EndpointRoutes>;
  /** More `GuruConnection` options for `endpoint.connection` (over the preset). @default {} */
  websocket?: Omit<GuruConnectionOptions, 'url' | 'attachTo'>;
  /** More `ApiClient` options for `endpoint.api` (over the preset; breaker and limiter options merge). @default {} */
  http?: Omit<ApiClientOptions, 'baseURL'>;
  /**
   * An XState inspection observer for the endpoint's actor system (its two
   * children included), e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`.
   * @default undefined
   */
  inspect?: Inspect;
  /** Where both clients log (when logging is on). @default console */
  logger?: Logger;
}

/**
 * A client's own options; `owned` are the keys the Endpoint sets itself (refused
 * rather than silently replaced, e.g. a `websocket.url` next to `WS_URL`).
 */
const record = (option: string, owned: Record<string, string>): Rule<Record<string, unknown>> => ({
  check(value, name) {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(name ?? option, value, 'expected an object');
    for (const [key, instead] of Object.entries(owned)) {
      const given = (value as Record<string, unknown>)[key];
      if (given === undefined) continue;
      const shown = typeof given === 'string' ? redactUrl(given) : given;
      throw new ConfigError(`${name ?? option}.${key}`, shown, `the Endpoint sets it: ${instead}`);
    }
    return value as Record<string, unknown>;
  },
});

const inspectRule: Rule<EndpointOptions['inspect']> = { check: (value) => checkInspect('Endpoint', value) };

/** The Endpoint's option rules (the clients check their own options). */
export const endpointSpec = {
  WS_URL: url({ protocols: ['ws', 'wss'] }),
  API_BASE_URL: url({ protocols: ['http', 'https'] }),
  NODE_ENV: oneOf(['production', 'development', 'test'] as const, { default: 'production' }),
  messageFormat: messageFormatRule,
  routes: routesRule,
  websocket: record('websocket', { url: 'give WS_URL', attachTo: 'the socket is the child `websocket` of endpoint.actor' }),
  http: record('http', { baseURL: 'give API_BASE_URL' }),
  inspect: inspectRule,
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The preset under the user's client options; breaker options and limiter categories merge one level deep. */
export function clientOptions(env: EndpointEnv, given: { websocket: Obj; http: Obj }): { websocket: Obj; http: Obj } {
  const preset = endpointPresets[env];
  const http: Obj = { ...preset.http, ...given.http };
  const presetBreaker = preset.http.circuitBreakerOptions;
  if (presetBreaker !== undefined && isObj(given.http.circuitBreakerOptions)) http.circuitBreakerOptions = { ...presetBreaker, ...given.http.circuitBreakerOptions };
  const presetLimits = preset.http.rateLimiterOptions?.limits;
  const givenLimiter = given.http.rateLimiterOptions;
  if (presetLimits !== undefined && isObj(givenLimiter)) {
    // A limits value that is not an object goes on as given, for the ApiClient to refuse.
    const limits = givenLimiter.limits === undefined ? presetLimits : isObj(givenLimiter.limits) ? { ...presetLimits, ...givenLimiter.limits } : givenLimiter.limits;
    http.rateLimiterOptions = { ...givenLimiter, limits };
  }
  return { websocket: { ...preset.websocket, ...given.websocket }, http };
}
