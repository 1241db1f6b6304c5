import type { Actor, Snapshot } from 'xstate';
import { httpClientMachine } from '../../machines/http.js';
import type { CircuitBreakerInput } from '../../machines/circuitBreaker.js';
import type { RateLimit } from '../../machines/rateLimiter.js';
import type { Clock } from '../runtime/clock.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { redactUrl } from '../security/redact.js';
import { graftBreakerSnapshot } from './graftBreakerSnapshot.js';

/** What the HTTP client actor is made from. */
export interface ClientActorOptions {
  baseURL: string;
  breaker: CircuitBreakerInput & { windowMs?: number; snapshot?: Snapshot<unknown> };
  limits?: Record<string, Partial<RateLimit>>;
  clock: Clock;
  onError?: (error: unknown) => void;
}

/**
 * Starts the HTTP client's actor (the `httpClientMachine`, with its breaker and
 * rate limiter children), restoring the breaker from `breaker.snapshot` when
 * given. The one place an HTTP client's actor is created.
 *
 * @example
 * ```ts
 * const actor = createClientActor({ baseURL: 'http://127.0.0.1:8000', breaker: { threshold: 5 }, clock: systemClock });
 * ```
 */
export function createClientActor(options: ClientActorOptions): Actor<typeof httpClientMachine> {
  const { snapshot, windowMs: _windowMs, ...breaker } = options.breaker;
  const input = { baseURL: redactUrl(options.baseURL), breaker, rateLimiter: { limits: options.limits } };
  const restored = snapshot ? graftBreakerSnapshot(input, options.clock, snapshot) : undefined;
  // The client actor's only timers are its breaker's and limiter's: background ones.
  return createRootActor(httpClientMachine, { input, clock: options.clock, snapshot: restored, onError: options.onError, background: true });
}
