import type { EventObject, Snapshot } from 'xstate';
import { httpClientMachine } from '../../machines/http.js';
import type { CircuitBreakerInput } from '../../machines/circuitBreaker.js';
import type { RateLimit } from '../../machines/rateLimiter.js';
import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { Redactor } from '../security/Redactor.js';
import { MachineHost } from '../runtime/MachineHost.js';
import type { SharedStateView } from '../runtime/SharedStateView.js';
import { redactUrl } from '../security/redact.js';
import { graftBreakerSnapshot } from './graftBreakerSnapshot.js';

/** What the HTTP client actor is made from. */
export interface ClientActorOptions {
  baseURL: string;
  breaker: CircuitBreakerInput & { windowMs?: number; snapshot?: Snapshot<unknown> };
  limits?: Record<string, Partial<RateLimit>>;
  clock: Clock;
  onError?: (error: unknown) => void;
  /** Every event the machine emits (`health_changed`, `retry_scheduled`). */
  onEmitted: (event: EventObject) => void;
  inspect?: Inspect;
  redactor?: Redactor;
  /** A shared store's view: the client's actor runs it as its `sharedState` child. */
  sharedState?: SharedStateView;
}

/**
 * The host of an HTTP client's actor (the `httpClientMachine`, with its breaker
 * and rate limiter children): a root actor of its own, its breaker restored
 * from `breaker.snapshot` when given, until a parent adopts it. The one place
 * an HTTP client's actor is made.
 *
 * @example
 * ```ts
 * const host = clientMachineHost({ baseURL: 'http://127.0.0.1:8000', breaker: { threshold: 5 }, clock: systemClock, onEmitted: console.log });
 * host.actor.send({ type: 'CONNECT' });
 * ```
 */
export function clientMachineHost(options: ClientActorOptions): MachineHost<typeof httpClientMachine> {
  const { snapshot, windowMs: _windowMs, ...breaker } = options.breaker;
  const view = options.sharedState;
  const input = { baseURL: redactUrl(options.baseURL), breaker, rateLimiter: { limits: options.limits }, ...(view ? { sharedState: view.input } : {}) };
  const restored = snapshot ? graftBreakerSnapshot(input, options.clock, snapshot) : undefined;
  const onError = options.onError ?? ((error: unknown) => console.error('[statewire] actor error:', error));
  const client = { machineInput: () => input, onMachineSnapshot: () => {}, onMachineEvent: options.onEmitted, onMachineError: onError };
  // A root client actor's only timers are its breaker's and limiter's: background ones.
  const logic = view ? httpClientMachine.provide({ actors: { sharedState: view.logic } }) : httpClientMachine;
  return new MachineHost(logic, client, { clock: options.clock, background: true, snapshot: restored, inspect: options.inspect, redactor: options.redactor });
}
