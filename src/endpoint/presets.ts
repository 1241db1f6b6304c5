import type { EndpointEnv } from '../../machines/endpoint.js';
import type { ApiClientOptions } from '../http/ApiClient.js';
import type { GuruConnectionOptions } from '../websocket/GuruConnection.js';

/** What one `NODE_ENV` sets on the Endpoint's two clients (your `websocket` / `http` options win). */
export interface EndpointPreset {
  websocket: Partial<Omit<GuruConnectionOptions, 'url' | 'attachTo'>>;
  http: Partial<Omit<ApiClientOptions, 'baseURL'>>;
}

/** Seed 004's ApiClient limits: on in every environment, so `limits.api.tokensPerSecond = 10` has an effect. */
const limiter = { rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 20, burstCapacity: 30 } } } } as const;

/**
 * The `NODE_ENV` presets (README, "Endpoint", the presets table):
 *
 * | NODE_ENV      | logging | breaker threshold | rate limiter (`api`)  |
 * |---------------|---------|-------------------|-----------------------|
 * | `production`  | off     | 5 (the default)   | 20/s, burst 30        |
 * | `development` | on      | 10 (permissive)   | 20/s, burst 30        |
 * | `test`        | off     | 5 (the default)   | 20/s, burst 30        |
 *
 * Everything else is each client's documented default.
 *
 * @example
 * ```ts
 * endpointPresets.development.http.circuitBreakerOptions; // { threshold: 10 }
 * ```
 */
export const endpointPresets: Readonly<Record<EndpointEnv, EndpointPreset>> = Object.freeze({
  production: { websocket: {}, http: { ...limiter } },
  development: { websocket: { enableLogging: true }, http: { ...limiter, enableLogging: true, circuitBreakerOptions: { threshold: 10 } } },
  test: { websocket: { enableLogging: false }, http: { ...limiter, enableLogging: false } },
});
