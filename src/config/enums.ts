/**
 * The seed's enums, as frozen objects with string values (they appear in env
 * variables, logs and snapshots) and a type of the same name.
 *
 * @example
 * ```ts
 * const config = configManager.get(ConnectionType.HTTP);
 * if (health === ConnectionHealth.UNHEALTHY) reconnect();
 * ```
 */
export const ConnectionType = Object.freeze({ HTTP: 'http', WEBSOCKET: 'websocket', SSE: 'sse' } as const);
export type ConnectionType = (typeof ConnectionType)[keyof typeof ConnectionType];

/**
 * A connection's health as the seed reports it to `onHealthChange`.
 *
 * @example
 * ```ts
 * connection.onHealthChange((h) => h === ConnectionHealth.DEGRADED && console.warn('slow'));
 * ```
 */
export const ConnectionHealth = Object.freeze({
  HEALTHY: 'healthy',
  DEGRADED: 'degraded',
  UNHEALTHY: 'unhealthy',
  UNKNOWN: 'unknown',
} as const);
export type ConnectionHealth = (typeof ConnectionHealth)[keyof typeof ConnectionHealth];

/**
 * How strict a connection is about transport security; each level's rules are
 * in the README ("Security levels"). `VITE_CONNECTION_SECURITY_LEVEL=enhanced`.
 *
 * @example
 * ```ts
 * new HTTPConnection({ url: 'https://api.example.com', securityLevel: SecurityLevel.MAXIMUM });
 * ```
 */
export const SecurityLevel = Object.freeze({
  BASIC: 'basic',
  STANDARD: 'standard',
  ENHANCED: 'enhanced',
  MAXIMUM: 'maximum',
} as const);
export type SecurityLevel = (typeof SecurityLevel)[keyof typeof SecurityLevel];
