import { ConfigError } from '../errors.js';
import { shape, type Rule } from '../config/validate.js';

/**
 * Where the Endpoint's HTTP methods go, as paths joined to `API_BASE_URL`.
 *
 * @example
 * ```ts
 * new Endpoint({ WS_URL, API_BASE_URL, routes: { health: '/healthz', models: '/v1/models' } });
 * ```
 */
export interface EndpointRoutes {
  /** `getHealth()`: GET. @default '/health' */
  health: string;
  /** `getSettings()`: GET; `setSettings(obj)`: POST. @default '/api/settings' */
  settings: string;
  /** `getModels()`: GET. @default '/api/models' */
  models: string;
  /** `stopGeneration()`: POST. @default '/api/stop' */
  stop: string;
}

/** The documented defaults (README, "Endpoint"). */
export const defaultRoutes: Readonly<EndpointRoutes> = Object.freeze({
  health: '/health',
  settings: '/api/settings',
  models: '/api/models',
  stop: '/api/stop',
});

/** A path on the API's origin: an absolute or protocol-relative URL would send the client's headers elsewhere. */
const path = (d: string): Rule<string> => ({
  check(value, option) {
    if (value === undefined) return d;
    if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
      throw new ConfigError(option, value, "expected a path starting with '/' (joined to API_BASE_URL)");
    }
    return value;
  },
});

/** The `routes` option's rule. */
export const routesRule: Rule<EndpointRoutes> = shape({
  health: path(defaultRoutes.health),
  settings: path(defaultRoutes.settings),
  models: path(defaultRoutes.models),
  stop: path(defaultRoutes.stop),
});
