import type { ActorRefFrom, Snapshot } from 'xstate';
import {
  circuitBreakerMachine,
  type CircuitBreakerEmitted,
  type CircuitState,
} from '../../machines/circuitBreaker.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect, type Inspect } from '../runtime/inspection.js';
import { num, optional, PLAUSIBLE_TIMEOUT_MS, validateOptions } from '../config/validate.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { FollowedActor } from '../runtime/FollowedActor.js';
import { CircuitBreakerError, ConfigError } from '../errors.js';
import { RollingWindow } from './RollingWindow.js';
import { definedOnly } from '../../machines/definedOnly.js';
import { checkShared } from '../rateLimiter/SharedLimits.js';
import type { SharedBreaker, SharedBreakerStore } from './SharedBreaker.js';
import { followSharedState, sharedStateViewOf } from '../runtime/SharedStateView.js';

/** Options of {@link CircuitBreaker}; durations in ms. Seed defaults: 5 / 10 / 60000. */
export interface CircuitBreakerOptions {
  /** Failures in the window that open the circuit. Default 5. */
  threshold?: number;
  /** Calls the window must hold before it may open. Default 10. */
  volumeThreshold?: number;
  /** OPEN → HALF_OPEN after this long (ms). Default 60000. */
  timeout?: number;
  /** Probes admitted at once while HALF_OPEN. Default 1. */
  halfOpenMaxCalls?: number;
  /** Length of the rolling window (ms). Default 60000. */
  windowMs?: number;
  /** A snapshot from `actor.getPersistedSnapshot()` to resume from. */
  snapshot?: Snapshot<unknown>;
  /**
   * Drive this existing breaker actor (e.g. the HTTP client's invoked child)
   * instead of starting a root actor; its owner stops it. A restored one is
   * re-armed here like a `snapshot`.
   */
  actor?: ActorRefFrom<typeof circuitBreakerMachine>;
  /** With `actor`: it was restored from a snapshot and needs its OPEN timer re-armed. */
  restored?: boolean;
  clock?: Clock;
  /**
   * An XState inspection observer (e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees this actor (not with `actor`), redacted.
   * Ignored once the client runs as a parent's child (the parent's system is inspected).
   *
   * @default undefined
   */
  inspect?: Inspect;
  /** Receives errors thrown inside the actor (default: console.error). */
  onError?: (error: unknown) => void;
  /**
   * Share the circuit with other processes (e.g. `redisState({ client, prefix })`
   * from `statewire/redis`), under `sharedKey`: failures are reported to the
   * store (successes stay local), a shared trip opens this breaker too, and
   * HALF_OPEN probes are elected across processes. Needs `sharedKey`.
   *
   * @default undefined
   */
  shared?: SharedBreakerStore;
  /** What the processes share (e.g. `'payments-api'`); required with `shared`. @default undefined */
  sharedKey?: string;
}

/**
 * The ticket `admit()` hands out and `success` / `failure` / `release` take
 * back. A plain number, so the hot path allocates nothing per call:
 *
 * - `0` ({@link REJECTED}): the call was refused; make no call.
 * - `1`: an ordinary call while CLOSED; its outcome goes into the rolling window.
 * - `2 + n`: a HALF_OPEN probe of the circuit's `n`-th opening (the machine's
 *   `openings` count). A probe's outcome counts only while that same HALF_OPEN
 *   period lasts, so a late answer to a probe of an earlier opening can neither
 *   close nor reopen a later one.
 *
 * @example
 * ```ts
 * const ticket: BreakerTicket = breaker.admit();
 * if (ticket === REJECTED) throw breaker.rejection();
 * try { await call(); breaker.success(ticket); } catch (e) { breaker.failure(ticket); throw e; }
 * ```
 */
export type BreakerTicket = number;

/**
 * Former name of {@link BreakerTicket}.
 *
 * @deprecated Use {@link BreakerTicket}.
 * @example const ticket: Admission = breaker.admit();
 */
export type Admission = BreakerTicket;

/**
 * The ticket of a refused call.
 *
 * @example
 * ```ts
 * const ticket = breaker.admit();
 * if (ticket === REJECTED) throw breaker.rejection();
 * ```
 */
export const REJECTED: BreakerTicket = 0;
/** The ticket of an ordinary call while CLOSED. */
const ADMITTED: BreakerTicket = 1;
/** A probe's ticket is this plus the opening it probes (see {@link BreakerTicket}). */
const PROBE_TICKET_BASE = 2;

/** The seed's `getCircuitBreakerState()` shape. */
export interface CircuitBreakerState {
  state: CircuitState;
  failureCount: number;
  /** Epoch ms when OPEN lets a probe through; null unless OPEN on a timer. */
  nextAttempt: number | null;
}

/** The breaker's option rules; `ApiClient` checks its `circuitBreakerOptions` with the same ones. */
export const breakerOptionRules = {
  threshold: optional(num({ integer: true, min: 1, max: 1_000_000 })),
  volumeThreshold: optional(num({ integer: true, min: 0, max: 1_000_000 })),
  timeout: optional(num({ min: 0, max: 2_147_483_647, unit: 'ms', plausible: { min: PLAUSIBLE_TIMEOUT_MS } })),
  halfOpenMaxCalls: optional(num({ integer: true, min: 1, max: 10_000 })),
  windowMs: num({ min: 10, max: 86_400_000, unit: 'ms', default: 60_000 }),
};

/**
 * A circuit breaker run by `circuitBreakerMachine`. The hot path (admitting a
 * call while CLOSED, counting a success) reads a cached state and a rolling
 * window and sends the actor nothing; failures, probes and trips are events.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ threshold: 5, volumeThreshold: 10, timeout: 30_000 });
 * breaker.on('circuit_breaker_opened', (e) => console.warn('open until', e.nextAttempt));
 * const user = await breaker.execute(() => fetchUser(1));
 * ```
 */
export class CircuitBreaker {
  /** The machine it drives (see {@link CircuitBreaker.actor}). */
  private readonly followed: FollowedActor<ActorRefFrom<typeof circuitBreakerMachine>>;
  private readonly owned: boolean;
  private readonly clock: Clock;
  private readonly window: RollingWindow;
  /** Cached `actor.getSnapshot().value`, kept fresh by a subscription. */
  private current: CircuitState = 'CLOSED';
  /** The shared side (`shared` option), when given. */
  private readonly shared: SharedBreaker | undefined;
  /** Stops the store's view from driving this breaker's `sharedState` child. */
  private readonly forgetView: () => void;

  constructor(options: CircuitBreakerOptions = {}) {
    const o = validateOptions('CircuitBreaker', options, breakerOptionRules, { accept: ['snapshot', 'actor', 'restored', 'clock', 'onError', 'inspect', 'shared', 'sharedKey'] });
    const sharedKey = checkShared('CircuitBreaker', options.shared, options.sharedKey, 'breaker');
    this.clock = options.clock ?? systemClock;
    if (options.onError !== undefined && typeof options.onError !== 'function') throw new ConfigError('onError', options.onError, 'expected a function', { owner: 'CircuitBreaker' });
    this.window = new RollingWindow(o.windowMs);
    const config = {
      threshold: o.threshold,
      volumeThreshold: o.volumeThreshold,
      timeout: o.timeout,
      halfOpenMaxCalls: o.halfOpenMaxCalls,
    };
    this.owned = options.actor === undefined;
    // Shared: its own actor gets the store's view as its `sharedState` child (a client's breaker is seen under the client).
    const view = sharedKey !== undefined && this.owned ? sharedStateViewOf(options.shared) : undefined;
    const actor =
      options.actor ??
      createRootActor(view ? circuitBreakerMachine.provide({ actors: { sharedState: view.logic } }) : circuitBreakerMachine, {
        input: view ? { ...config, sharedState: view.input } : config,
        snapshot: options.snapshot,
        clock: this.clock,
        onError: options.onError,
        inspect: checkInspect('CircuitBreaker', options.inspect),
        // OPEN → HALF_OPEN: nobody awaits it, it must not keep the process alive.
        background: true,
      });
    this.followed = new FollowedActor(actor, (snapshot) => this.sync(snapshot.value as CircuitState));
    if (options.snapshot || options.restored) {
      // A restored actor has lost its pending OPEN timer (statelyai/xstate#5331):
      // re-arm it from the absolute deadline, and let explicit options win.
      this.actor.send({ type: 'CONFIGURE', ...definedOnly(config) });
      this.actor.send({ type: 'RESUME', at: this.clock.now() });
    }
    this.forgetView = followSharedState(view, this.actor);
    if (sharedKey !== undefined) {
      this.shared = options.shared!.breaker(sharedKey, () => ({ ...this.actor.getSnapshot().context, windowMs: o.windowMs }), {
        opened: (msLeft) => this.followOpened(msLeft),
        closed: () => {
          // `isolate()` holds the circuit open until this process's own `reset()`.
          if (this.current !== 'CLOSED' && !this.actor.getSnapshot().context.isolated) this.reset();
        },
      });
    }
  }

  /** The shared circuit opened: so does this one, until the shared deadline (`msLeft` from now). */
  private followOpened(msLeft: number): void {
    const now = this.clock.now();
    const { timeout, threshold, volumeThreshold } = this.actor.getSnapshot().context;
    // Opened "as of" the moment that puts its deadline on the shared one; RESUME re-arms the timer from it.
    const at = now + Math.max(0, msLeft) - timeout;
    if (this.current === 'CLOSED') this.actor.send({ type: 'FAILURE', at, failures: threshold, calls: volumeThreshold });
    else if (this.current === 'HALF_OPEN') this.actor.send({ type: 'PROBE_FAILURE', at });
    else return;
    this.actor.send({ type: 'RESUME', at: now });
  }

  /** The running machine: inspect it, subscribe to it, persist it. */
  get actor(): ActorRefFrom<typeof circuitBreakerMachine> {
    return this.followed.actor;
  }

  /** @internal Drives another breaker actor from now on (its HTTP client was adopted by a parent); listeners move with it. */
  follow(actor: ActorRefFrom<typeof circuitBreakerMachine>): void {
    this.followed.follow(actor);
  }

  private sync(state: CircuitState): void {
    if (state === 'CLOSED' && this.current !== 'CLOSED') this.window.reset();
    this.current = state;
  }

  /** CLOSED, OPEN or HALF_OPEN. */
  get state(): CircuitState {
    return this.current;
  }

  /**
   * Asks to make a call. Returns {@link REJECTED} (0) when OPEN, or when HALF_OPEN
   * has all its probes out; otherwise a {@link BreakerTicket} (1 for an ordinary
   * call, 2 + the opening for a probe) to hand back to `success`, `failure` or `release`.
   */
  admit(): BreakerTicket {
    if (this.current === 'CLOSED') return ADMITTED;
    if (this.current === 'OPEN') return REJECTED;
    // Shared: a probe only with a lease won across processes (the others keep rejecting).
    if (this.shared !== undefined && !this.shared.mayProbe()) return REJECTED;
    const before = this.actor.getSnapshot().context.probes;
    this.actor.send({ type: 'PROBE' });
    const context = this.actor.getSnapshot().context;
    return context.probes > before ? PROBE_TICKET_BASE + context.openings : REJECTED;
  }

  /** The admitted call succeeded. */
  success(ticket: BreakerTicket): void {
    if (ticket === ADMITTED) {
      if (this.current === 'CLOSED') this.window.record(this.clock.now(), false);
    } else if (this.isCurrentProbe(ticket)) {
      this.actor.send({ type: 'PROBE_SUCCESS', at: this.clock.now() });
      this.shared?.probed(true);
    }
  }

  /** The admitted call failed (in a way that counts against the service). */
  failure(ticket: BreakerTicket): void {
    const at = this.clock.now();
    if (ticket === ADMITTED) {
      if (this.current !== 'CLOSED') return; // a call from before the trip: already judged
      this.window.record(at, true);
      this.actor.send({ type: 'FAILURE', at, failures: this.window.failures, calls: this.window.calls });
      this.shared?.failure(this.window.failures, this.window.calls);
    } else if (this.isCurrentProbe(ticket)) {
      this.actor.send({ type: 'PROBE_FAILURE', at });
      this.shared?.probed(false);
    }
  }

  /** The admitted call ended without an outcome (cancelled): a probe slot is freed. */
  release(ticket: BreakerTicket): void {
    if (this.isCurrentProbe(ticket)) {
      this.actor.send({ type: 'PROBE_RELEASED' });
      this.shared?.released();
    }
  }

  private isCurrentProbe(ticket: BreakerTicket): boolean {
    return (
      ticket > ADMITTED &&
      this.current === 'HALF_OPEN' &&
      ticket - PROBE_TICKET_BASE === this.actor.getSnapshot().context.openings
    );
  }

  /**
   * Runs `fn` through the breaker: rejects at once with `CircuitBreakerError`
   * when the circuit refuses, otherwise reports the outcome. `isFailure` decides
   * which errors count against the service (default: all).
   */
  async execute<T>(fn: () => Promise<T> | T, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
    const ticket = this.admit();
    if (ticket === REJECTED) throw this.rejection();
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      if (isFailure(error)) this.failure(ticket);
      else this.release(ticket);
      throw error;
    }
    this.success(ticket);
    return result;
  }

  /** The error a refused call gets. */
  rejection(): CircuitBreakerError {
    const { openUntil } = this.actor.getSnapshot().context;
    return new CircuitBreakerError(this.current === 'HALF_OPEN' ? 'HALF_OPEN' : 'OPEN', openUntil);
  }

  /** `{ state, failureCount, nextAttempt }` as in seed 004. */
  getState(): CircuitBreakerState {
    const { failureCount, openUntil } = this.actor.getSnapshot().context;
    return { state: this.current, failureCount, nextAttempt: this.current === 'OPEN' ? openUntil : null };
  }

  /** Closes the circuit now and forgets past failures. */
  reset(): void {
    this.actor.send({ type: 'RESET', at: this.clock.now() });
    this.window.reset();
  }

  /** Opens the circuit and holds it open until `reset()`. */
  isolate(): void {
    this.actor.send({ type: 'ISOLATE', at: this.clock.now() });
  }

  /** Subscribes to `circuit_breaker_opened | _half_open | _closed`; returns an unsubscribe function. */
  on<K extends CircuitBreakerEmitted['type']>(
    type: K,
    handler: (event: Extract<CircuitBreakerEmitted, { type: K }>) => void,
  ): () => void {
    return this.followed.on(type, handler as never);
  }

  /** Failures that open the circuit (the seed's `circuitBreaker.threshold = 3`). */
  get threshold(): number {
    return this.actor.getSnapshot().context.threshold;
  }
  set threshold(value: number) {
    this.configure({ threshold: value });
  }
  /** OPEN → HALF_OPEN delay in ms (the seed's `circuitBreaker.timeout = 30000`). */
  get timeout(): number {
    return this.actor.getSnapshot().context.timeout;
  }
  set timeout(value: number) {
    this.configure({ timeout: value });
  }
  get volumeThreshold(): number {
    return this.actor.getSnapshot().context.volumeThreshold;
  }
  set volumeThreshold(value: number) {
    this.configure({ volumeThreshold: value });
  }

  /** Changes thresholds at run time (validated like the constructor). */
  configure(options: Pick<CircuitBreakerOptions, 'threshold' | 'volumeThreshold' | 'timeout' | 'halfOpenMaxCalls'>): void {
    const o = validateOptions('CircuitBreaker', options, breakerOptionRules);
    this.actor.send({
      type: 'CONFIGURE',
      ...definedOnly({
        threshold: o.threshold,
        volumeThreshold: o.volumeThreshold,
        timeout: o.timeout,
        halfOpenMaxCalls: o.halfOpenMaxCalls,
      }),
    });
  }

  /** Counts in the rolling window right now. */
  getWindow(): { windowMs: number; calls: number; failures: number } {
    this.window.advance(this.clock.now());
    return this.window.toJSON();
  }

  /** Stops the actor and its timer (unless it belongs to a parent, which stops it). */
  dispose(): void {
    this.shared?.close();
    this.forgetView();
    if (this.owned) this.actor.stop();
  }
}
