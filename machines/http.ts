import { assign, emit, enqueueActions, setup, type SnapshotFrom } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerInput, type CircuitState } from './circuitBreaker.js';
import { rateLimiterMachine, type RateLimiterInput } from './rateLimiter.js';
import { sharedStateSlot, spawnSharedState, type SharedChildInput } from './sharedStateChild.js';

/** Input of the HTTP client machine. Plain data: no secrets, no functions. */
export interface HttpClientInput extends SharedChildInput {
  /**
   * The client's name when it runs under a parent (its systemId there): its
   * breaker and rate limiter are then found as `<name>.breaker` and
   * `<name>.rateLimiter` in the parent's system. Without one (a client that is
   * its own root actor) they are `breaker` and `rateLimiter`.
   */
  name?: string;
  /** The base URL, already redacted by the runtime (it is shown in the inspector). */
  baseURL?: string;
  breaker?: CircuitBreakerInput;
  rateLimiter?: RateLimiterInput;
}

export type HttpHealth = 'unknown' | 'healthy' | 'degraded' | 'unhealthy';

export interface HttpClientContext {
  /** See {@link HttpClientInput.name}; null for a client that is its own root. */
  name: string | null;
  baseURL: string;
  breaker: CircuitBreakerInput;
  rateLimiter: RateLimiterInput;
  /** The breaker's state as last seen. */
  breakerState: CircuitState;
  /** Retries scheduled so far. */
  retries: number;
  /** Requests that failed for good (after their retries). */
  failures: number;
  /** `name: message` of the last failure (redacted by the runtime). */
  lastError: string | null;
  /** Last health check: when, how long, whether it passed. */
  lastHealthCheck: { at: number; ok: boolean; responseTime: number } | null;
}

export type HttpClientEvent =
  | { type: 'CONNECT' }
  | { type: 'DISCONNECT' }
  | { type: 'DISPOSE' }
  /** A request will be tried again after `delay` ms. */
  | { type: 'RETRY'; attempt: number; delay: number; reason: string }
  /**
   * A request failed for good. `status` when the server answered; `fault` when the
   * failure says something about the service (timeout, network, 5xx, 408, 429),
   * not about the request (404, 422, the client's own rate limit).
   */
  | { type: 'REQUEST_FAILED'; reason: string; status?: number; fault: boolean; at: number }
  /** A request succeeded while the client was not healthy (sent once per recovery, not per success). */
  | { type: 'RECOVERED'; at: number }
  | { type: 'HEALTH_CHECKED'; ok: boolean; responseTime: number; at: number; reason?: string }
  /**
   * The health the client had before its machine moved to this actor (attachTo /
   * detach start it afresh): a move is no news about the service, so it is taken
   * as it is, and nothing is emitted. Only a fresh actor (health `unknown`) takes it.
   */
  | { type: 'HEALTH_RESTORED'; health: HttpHealth };

export type HttpClientEmitted =
  | { type: 'health_changed'; health: HttpHealth }
  | { type: 'retry_scheduled'; attempt: number; delay: number; reason: string };

/** The breaker child's snapshots (it is spawned with `syncSnapshot`). */
type BreakerSnapshotEvent = { type: 'xstate.snapshot.breaker'; snapshot: SnapshotFrom<typeof circuitBreakerMachine> };

const breakerValue = (event: unknown) => (event as BreakerSnapshotEvent).snapshot.value as CircuitState;

/**
 * The HTTP client: `active` (connection ∥ health) → `disposed`.
 *
 * It owns the client's circuit breaker and rate limiter as children (ids
 * `breaker` and `rateLimiter`; systemIds `breaker`/`rateLimiter` for a client
 * that is its own root, `<name>.breaker`/`<name>.rateLimiter` under a parent),
 * so disposing the client stops them. The breaker's snapshots reach
 * it as `xstate.snapshot.breaker` events: a health transition that matches one
 * tracks it itself, the rest fall through to `active`'s handler. Requests never pass through it: the runtime sends only lifecycle (retry
 * scheduled, request failed for good, recovered, health checked); the breaker's
 * own transitions reach it as snapshot events and drive `health`:
 * OPEN → unhealthy, HALF_OPEN → degraded, back to CLOSED → healthy.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { httpClientMachine } from 'statewire/machines';
 *
 * const client = createActor(httpClientMachine, { input: { baseURL: 'http://127.0.0.1:8000' } });
 * client.subscribe({ error: console.error });
 * client.start();
 * client.send({ type: 'CONNECT' });
 * client.system.get('breaker'); // the circuit breaker actor
 * ```
 */
export const httpClientMachine = setup({
  types: {
    input: {} as HttpClientInput | undefined,
    context: {} as HttpClientContext,
    events: {} as HttpClientEvent | BreakerSnapshotEvent,
    emitted: {} as HttpClientEmitted,
  },
  actors: {
    breaker: circuitBreakerMachine,
    rateLimiter: rateLimiterMachine,
    // A client shared through a store shows its view of the store as this child (src/ provides it).
    sharedState: sharedStateSlot,
  },
  guards: {
    breakerOpened: ({ event }) => breakerValue(event) === 'OPEN',
    breakerHalfOpen: ({ event }) => breakerValue(event) === 'HALF_OPEN',
    breakerClosedAgain: ({ context, event }) =>
      breakerValue(event) === 'CLOSED' && context.breakerState !== 'CLOSED',
    breakerIsClosed: ({ context }) => context.breakerState === 'CLOSED',
    checkPassed: ({ event }) => event.type === 'HEALTH_CHECKED' && event.ok,
    isFault: ({ event }) => event.type === 'REQUEST_FAILED' && event.fault,
    restores: ({ event }, health: HttpHealth) => event.type === 'HEALTH_RESTORED' && event.health === health,
  },
  actions: {
    // Spawned rather than invoked: an invoke's systemId is fixed, and two clients in one
    // actor system must not both claim `breaker`.
    spawnParts: enqueueActions(({ context, enqueue }) => {
      const prefix = context.name === null ? '' : `${context.name}.`;
      enqueue.spawnChild('breaker', { id: 'breaker', systemId: `${prefix}breaker`, input: context.breaker, syncSnapshot: true });
      enqueue.spawnChild('rateLimiter', { id: 'rateLimiter', systemId: `${prefix}rateLimiter`, input: context.rateLimiter });
    }),
    stopParts: enqueueActions(({ enqueue }) => {
      enqueue.stopChild('breaker');
      enqueue.stopChild('rateLimiter');
      enqueue.stopChild('sharedState');
    }),
    trackBreaker: assign({ breakerState: ({ event }) => breakerValue(event) }),
    countRetry: assign({ retries: ({ context }) => context.retries + 1 }),
    emitRetry: emit(({ event }) => ({
      type: 'retry_scheduled' as const,
      attempt: event.type === 'RETRY' ? event.attempt : 0,
      delay: event.type === 'RETRY' ? event.delay : 0,
      reason: event.type === 'RETRY' ? event.reason : '',
    })),
    recordFailure: assign(({ context, event }) =>
      event.type === 'REQUEST_FAILED' ? { failures: context.failures + 1, lastError: event.reason } : {},
    ),
    recordCheck: assign({
      lastHealthCheck: ({ context, event }) =>
        event.type === 'HEALTH_CHECKED'
          ? { at: event.at, ok: event.ok, responseTime: event.responseTime }
          : context.lastHealthCheck,
      lastError: ({ context, event }) =>
        event.type === 'HEALTH_CHECKED' && !event.ok && event.reason ? event.reason : context.lastError,
    }),
    emitHealth: emit((_, health: HttpHealth) => ({ type: 'health_changed' as const, health })),
  },
}).createMachine({
  id: 'http',
  context: ({ input }) => ({
    name: input?.name ?? null,
    baseURL: input?.baseURL ?? '',
    breaker: input?.breaker ?? {},
    rateLimiter: input?.rateLimiter ?? {},
    breakerState: 'CLOSED',
    retries: 0,
    failures: 0,
    lastError: null,
    lastHealthCheck: null,
  }),
  initial: 'active',
  states: {
    active: {
      type: 'parallel',
      entry: ['spawnParts', spawnSharedState as never],
      exit: 'stopParts',
      on: {
        // The breaker's snapshots (syncSnapshot) that no health transition takes: just tracked.
        'xstate.snapshot.breaker': { actions: 'trackBreaker' },
        DISPOSE: 'disposed',
        RETRY: { actions: ['countRetry', 'emitRetry'] },
      },
      states: {
        connection: {
          // ApiClient sends CONNECT as it is built; HTTPConnection on connect().
          initial: 'disconnected',
          states: {
            disconnected: { on: { CONNECT: 'connected' } },
            connected: { on: { DISCONNECT: 'disconnected' } },
          },
        },
        health: {
          initial: 'unknown',
          on: {
            REQUEST_FAILED: [
              { guard: 'isFault', target: '.degraded', actions: ['recordFailure', { type: 'emitHealth', params: 'degraded' }] },
              { actions: 'recordFailure' },
            ],
          },
          states: {
            unknown: {
              on: {
                HEALTH_CHECKED: [
                  { guard: 'checkPassed', target: 'healthy', actions: ['recordCheck', { type: 'emitHealth', params: 'healthy' }] },
                  { target: 'unhealthy', actions: ['recordCheck', { type: 'emitHealth', params: 'unhealthy' }] },
                ],
                RECOVERED: { target: 'healthy', actions: { type: 'emitHealth', params: 'healthy' } },
                HEALTH_RESTORED: [
                  { guard: { type: 'restores', params: 'healthy' }, target: 'healthy' },
                  { guard: { type: 'restores', params: 'degraded' }, target: 'degraded' },
                  { guard: { type: 'restores', params: 'unhealthy' }, target: 'unhealthy' },
                ],
                'xstate.snapshot.breaker': [
                  { guard: 'breakerOpened', target: 'unhealthy', actions: ['trackBreaker', { type: 'emitHealth', params: 'unhealthy' }] },
                ],
              },
            },
            healthy: {
              on: {
                HEALTH_CHECKED: [
                  { guard: 'checkPassed', actions: 'recordCheck' },
                  { target: 'unhealthy', actions: ['recordCheck', { type: 'emitHealth', params: 'unhealthy' }] },
                ],
                'xstate.snapshot.breaker': [
                  { guard: 'breakerOpened', target: 'unhealthy', actions: ['trackBreaker', { type: 'emitHealth', params: 'unhealthy' }] },
                ],
              },
            },
            degraded: {
              on: {
                HEALTH_CHECKED: [
                  { guard: 'checkPassed', target: 'healthy', actions: ['recordCheck', { type: 'emitHealth', params: 'healthy' }] },
                  { target: 'unhealthy', actions: ['recordCheck', { type: 'emitHealth', params: 'unhealthy' }] },
                ],
                RECOVERED: { guard: 'breakerIsClosed', target: 'healthy', actions: { type: 'emitHealth', params: 'healthy' } },
                REQUEST_FAILED: { actions: 'recordFailure' },
                'xstate.snapshot.breaker': [
                  { guard: 'breakerOpened', target: 'unhealthy', actions: ['trackBreaker', { type: 'emitHealth', params: 'unhealthy' }] },
                  { guard: 'breakerClosedAgain', target: 'healthy', actions: ['trackBreaker', { type: 'emitHealth', params: 'healthy' }] },
                ],
              },
            },
            unhealthy: {
              on: {
                HEALTH_CHECKED: [
                  { guard: 'checkPassed', target: 'degraded', actions: ['recordCheck', { type: 'emitHealth', params: 'degraded' }] },
                  { actions: 'recordCheck' },
                ],
                // Requests succeed again after a failed check (with the breaker closed: an
                // open or half-open breaker recovers through its own transitions).
                RECOVERED: { guard: 'breakerIsClosed', target: 'healthy', actions: { type: 'emitHealth', params: 'healthy' } },
                REQUEST_FAILED: { actions: 'recordFailure' },
                'xstate.snapshot.breaker': [
                  { guard: 'breakerHalfOpen', target: 'degraded', actions: ['trackBreaker', { type: 'emitHealth', params: 'degraded' }] },
                  { guard: 'breakerClosedAgain', target: 'healthy', actions: ['trackBreaker', { type: 'emitHealth', params: 'healthy' }] },
                ],
              },
            },
          },
        },
      },
    },
    disposed: { type: 'final' },
  },
});
