import type { Actor, ActorRefFrom, AnyActorRef, EventObject } from 'xstate';
import type { httpClientMachine, HttpHealth } from '../../machines/http.js';
import type { circuitBreakerMachine } from '../../machines/circuitBreaker.js';
import type { rateLimiterMachine } from '../../machines/rateLimiter.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';
import { CircuitBreaker, REJECTED } from '../breaker/CircuitBreaker.js';
import { RateLimiter } from '../rateLimiter/RateLimiter.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { GO, retryLoop, type RetryPlan } from '../retry/retryLoop.js';
import { retryDelay } from '../retry/retryDelay.js';
import { dialAttempt } from './dialAttempt.js';
import { ApiError, NetworkError, RateLimitError, StatewireError, TimeoutError } from '../errors.js';
import { redactUrl } from '../security/redact.js';
import { createHttpTransport } from './transports/createHttpTransport.js';
import type { HttpTransport, TransportResponse } from './transports/HttpTransport.js';
import { isReplayable, parseBody, parseErrorBody } from './bodies.js';
import { parseRetryAfter } from './parseRetryAfter.js';
import { PendingWaits } from '../runtime/PendingWaits.js';
import { hasHeader } from '../security/hasHeader.js';
import { CallDeadline } from './deadline.js';
import { pauseFits, releaseDelay } from './serverPause.js';
import { endpointKey } from '../rateLimiter/endpointKey.js';
import { clientMachineHost } from './clientMachineHost.js';
import type { MachineHost } from '../runtime/MachineHost.js';
import { followSharedState, sharedStateViewOf, type SharedStateView } from '../runtime/SharedStateView.js';
import { HttpCall } from './HttpCall.js';
import type { PreparedRequest } from './PreparedRequest.js';
import { describeError } from './describeError.js';
import { isFault, statusOf } from './isFault.js';
import type { HttpCounters, RequestPipelineOptions } from './RequestPipelineOptions.js';

/** What a successful call resolves to before response interceptors. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export type { PreparedRequest } from './PreparedRequest.js';

export type { HttpCounters, RequestPipelineOptions } from './RequestPipelineOptions.js';

type Children = { breaker: ActorRefFrom<typeof circuitBreakerMachine>; rateLimiter: ActorRefFrom<typeof rateLimiterMachine> };

const ATTEMPT_HEADER = 'idempotency-key';

/**
 * The request engine both HTTP clients share: rate limiter → breaker → attempt
 * (with its timeout) → retry wait, on the client machine's children, run by the
 * shared {@link retryLoop} with this class as its plan. A successful request
 * sends the actor nothing (but one RECOVERED for the first success while health
 * is not `healthy`) and creates no actor, timer or AbortController of its own;
 * retries, final failures and recoveries are events.
 *
 * @example
 * ```ts
 * const pipeline = new RequestPipeline(resolvedOptions);
 * const res = await pipeline.send({ method: 'GET', url: 'http://127.0.0.1:8000/users', headers: {}, timeout: 5000, retries: 2, rateCategory: 'api', endpoint: '/users' });
 * await pipeline.dispose();
 * ```
 */
export class RequestPipeline implements RetryPlan<HttpCall, TransportResponse, HttpResponse> {
  /** Runs the client's machine: its own root, or a parent's child after {@link RequestPipeline.attachTo}. */
  private readonly host: MachineHost<typeof httpClientMachine>;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  readonly counters: HttpCounters = { requests: 0, succeeded: 0, failed: 0, retries: 0 };
  protected readonly clock: Clock;
  private readonly policy: BackoffPolicy;
  private readonly retryStatus: Set<number>;
  private readonly retryMethods: Set<string>;
  protected transport: HttpTransport | undefined;
  protected transportReady: Promise<HttpTransport> | undefined;
  private health: HttpHealth = 'unknown';
  /** A RECOVERED has been sent since the health last changed (so successes send no more). */
  private recoverySent = false;
  private seed = (Math.random() * 2 ** 32) | 0;
  /** `random` bound once, for `retryDelay`'s draw (no closure per retry). */
  private readonly draw = () => this.random();
  protected disposed = false;
  /** Pending retry waits, ended by dispose() so nothing hangs. */
  private readonly waits: PendingWaits;
  /** Calls whose first token the shared bucket granted (`shared`): `before` takes none for them. */
  private readonly reserved = new WeakSet<HttpCall>();
  /** The shared store's view, run as the client actor's `sharedState` child (`shared`). */
  private readonly view: SharedStateView | undefined;
  private forgetView: () => void;

  constructor(protected readonly options: RequestPipelineOptions) {
    this.view = sharedStateViewOf(options.shared);
    this.clock = options.clock ?? systemClock;
    this.waits = new PendingWaits(this.clock);
    this.host = clientMachineHost({
      baseURL: options.baseURL,
      breaker: options.breaker,
      limits: options.limits,
      clock: this.clock,
      onError: options.onError,
      onEmitted: (e) => this.onEmitted(e),
      inspect: options.inspect,
      redactor: options.redactor,
      sharedState: this.view,
    });
    this.forgetView = followSharedState(this.view, this.actor);
    const children = this.actor.getSnapshot().children as Children;
    const shared = options.shared === undefined ? {} : { shared: options.shared, sharedKey: options.sharedKey };
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      snapshot: undefined,
      actor: children.breaker,
      restored: options.breaker.snapshot !== undefined,
      clock: this.clock,
      ...(options.circuitBreaker ? shared : {}),
    });
    this.limiter = new RateLimiter({ actor: children.rateLimiter, limits: options.limits, enabled: options.rateLimiter, clock: this.clock, ...shared });
    this.policy = {
      ...defaultBackoffPolicy,
      base: options.retryDelay,
      factor: options.backoffMultiplier,
      maxDelay: options.maxRetryDelay,
      jitter: 'equal',
    };
    this.retryStatus = new Set(options.retryStatusCodes);
    this.retryMethods = new Set(options.retryMethods.map((m) => m.toUpperCase()));
  }

  /** The transport, built on first use (undici is imported only then) and again after `closeTransport()`. */
  protected ready(): Promise<HttpTransport> {
    this.transportReady ??= createHttpTransport(this.options.transport, this.options.transportOptions).then((t) => (this.transport = t));
    return this.transportReady;
  }

  /**
   * Closes pooled sockets now (the process may exit); the next request opens new
   * ones. With `force`, requests in flight are aborted rather than awaited.
   */
  async closeTransport(force = false): Promise<void> {
    const pending = this.transportReady;
    this.transport = undefined;
    this.transportReady = undefined;
    const transport = await pending?.catch(() => undefined);
    await transport?.close(force);
  }

  /** Health as the machine last reported it. */
  get currentHealth(): HttpHealth {
    return this.health;
  }

  /**
   * Sends one request with the client's resilience, resolving `{ status, headers, data }`
   * (the final response's: after redirects, and the last attempt's after retries).
   *
   * With a `deadline`, each attempt's timeout is clamped to what is left of it
   * and every wait must end before it: the call settles by then, with a
   * `TimeoutError` when time ran out in an attempt, or with its last error when
   * the next retry would not fit. A server-imposed pause (another call's
   * 429/503 `Retry-After`) is waited out, at the cost of one retry, when the
   * call has a retry left and the pause (plus a small jitter) ends within its
   * budget; otherwise it rejects with `RateLimitError { reason: 'server' }`.
   */
  send(req: PreparedRequest): Promise<HttpResponse> {
    if (this.disposed) return Promise.reject(this.disposedError());
    const transport = this.transport;
    return transport === undefined ? this.ready().then((t) => this.run(req, t)) : this.run(req, transport);
  }

  private run(req: PreparedRequest, transport: HttpTransport): Promise<HttpResponse> {
    this.counters.requests++;
    // A stream is read once: a call that sends one is not retried.
    const retries = req.body === undefined || typeof req.body === 'string' || isReplayable(req.body) ? req.retries : 0;
    const deadline = CallDeadline.start(this.clock.now(), this.options.deadline);
    const call = new HttpCall(req, transport, deadline, retries, endpointKey(req.endpoint), this.options.maxResponseBytes);
    // Shared limits: each attempt's token comes from the shared bucket (one round trip at most; retries: `reserveNext`); a server pause is left to `before`.
    if (this.options.shared === undefined || this.limiter.serverPauseEnd(req.rateCategory) > this.clock.now()) return retryLoop(this, call);
    const wait = this.limiter.reserve(req.rateCategory, call.statsKey);
    return typeof wait === 'number' ? this.afterReserve(call, wait) : wait.then((w) => this.afterReserve(call, w));
  }

  private afterReserve(call: HttpCall, wait: number): Promise<HttpResponse> {
    if (wait > 0) return Promise.reject(this.refuse(new RateLimitError(wait, call.request.rateCategory, { reason: 'client' })));
    this.reserved.add(call);
    return retryLoop(this, call);
  }

  // The retry plan: the hooks `retryLoop` calls for each call.

  /** @internal Server pause, own rate limit, deadline and breaker, before each attempt. */
  before(call: HttpCall, attempt: number): number {
    if (this.disposed) throw this.disposedError();
    const req = call.request;
    const pauseEnd = this.limiter.serverPauseEnd(req.rateCategory);
    const now = this.clock.now();
    if (pauseEnd > now) {
      const samePause = pauseEnd <= call.waitedFor;
      if (!samePause && (attempt > call.retries || !pauseFits(pauseEnd - now, call.deadline, now, req.timeout > 0 ? req.timeout : this.options.maxRetryDelay))) {
        this.limiter.take(req.rateCategory, call.statsKey); // counted as rate limited
        throw this.refuse(new RateLimitError(Math.ceil(pauseEnd - now), req.rateCategory, { reason: 'server' }));
      }
      const delay = releaseDelay(pauseEnd - now, this.random(), call.deadline, now);
      call.waitedFor = pauseEnd;
      call.pauseFree = samePause; // still the pause already paid for: no second retry
      if (!samePause) {
        const pause = new RateLimitError(Math.ceil(pauseEnd - now), req.rateCategory, { reason: 'server' });
        this.scheduled(attempt, delay, describeError(pause), req, pause);
      }
      return delay;
    }
    // Only with `shared` can a call have reserved its token: the plain hot path skips the lookup.
    const wait = this.options.shared !== undefined && this.reserved.delete(call) ? 0 : this.limiter.take(req.rateCategory, call.statsKey);
    // Refusals by our own limiter and breaker are counted, not sent: those two
    // already report each episode once, and a refusal storm must not flood the actor.
    if (wait > 0) throw this.refuse(new RateLimitError(wait, req.rateCategory, { reason: 'client' }));
    const timeout = call.deadline.attemptTimeout(req.timeout, now);
    if (timeout <= 0) throw this.fail(call.deadline.error(redactUrl(req.url)), req);
    call.cutByDeadline = call.deadline.clamps(req.timeout, now);
    const ticket = this.options.circuitBreaker ? this.breaker.admit() : 1;
    if (ticket === REJECTED) throw this.refuse(this.breaker.rejection());
    call.timeout = timeout;
    call.ticket = ticket;
    call.answered = undefined;
    return GO;
  }

  /** @internal */
  pauseCounted(call: HttpCall): boolean {
    return !call.pauseFree;
  }

  /** @internal */
  attempt(call: HttpCall): Promise<TransportResponse> {
    return dialAttempt(call.transport, call, this.options.dial);
  }

  /** @internal A 2xx/3xx becomes the result; a status of 400 or more is thrown as an `ApiError`. */
  settle(call: HttpCall, res: TransportResponse): HttpResponse {
    // Disposed while in flight: the machine is gone; report nothing, settle at once.
    if (this.disposed) throw this.disposedError();
    const req = call.request;
    if (res.status < 400) {
      if (this.options.circuitBreaker) this.breaker.success(call.ticket);
      // Once per recovery, not per success: the steady state sends nothing.
      if (this.health !== 'healthy' && !this.recoverySent) {
        this.recoverySent = true;
        this.actor.send({ type: 'RECOVERED', at: this.clock.now() });
      }
      let data: unknown;
      try {
        data = parseBody(res.status, res.headers, res.body, req.method, req.url, redactUrl);
      } catch (unparsed) {
        if (!(unparsed instanceof ApiError)) throw unparsed;
        // The error keeps the body, and the parser quotes it in the message: both without the client's secrets.
        data = parseBody(res.status, res.headers, this.options.dial.scrub(res.body, req.headers), req.method, req.url, redactUrl);
      }
      this.counters.succeeded++;
      return { status: res.status, headers: res.headers, data };
    }
    const error = this.apiError(res.status, res.headers, res.body, req);
    // A 4xx answer means the service is up: only 5xx counts against the breaker.
    if (this.options.circuitBreaker) {
      if (res.status >= 500) this.breaker.failure(call.ticket);
      else this.breaker.success(call.ticket);
    }
    call.answered = error;
    throw error;
  }

  /** @internal Breaker accounting for a thrown failure; ends the call on abort, dispose or the deadline. */
  failed(call: HttpCall, thrown: unknown): unknown {
    if (thrown === call.answered && thrown !== undefined) return thrown; // an answer: settle() has counted it
    if (this.disposed) throw this.disposedError();
    if (call.request.signal?.aborted) {
      this.breaker.release(call.ticket);
      throw thrown;
    }
    if (this.options.circuitBreaker) {
      if (thrown instanceof TimeoutError || thrown instanceof NetworkError) this.breaker.failure(call.ticket);
      else this.breaker.release(call.ticket);
    }
    // The deadline, not the attempt's own timeout, ran out: the call is over.
    if (call.cutByDeadline && thrown instanceof TimeoutError) throw this.fail(call.deadline.error(thrown.url, thrown), call.request);
    return thrown;
  }

  /** @internal The wait before the next attempt, or -1: no retries left, not retryable, or past the deadline. */
  retryDelay(call: HttpCall, error: unknown, attempt: number): number {
    if (attempt > call.retries || !this.isRetryable(error, call.request)) return -1;
    const now = this.clock.now();
    // The server's Retry-After (capped, no jitter) or the jittered backoff.
    let delay = Math.round(retryDelay(this.policy, attempt, 0, error, this.draw));
    const pausedTo = this.limiter.serverPauseEnd(call.request.rateCategory);
    if (pausedTo > now) {
      // This answer (or another call's) paused the category: this retry waits it out,
      // exactly for our own Retry-After, with the release jitter for a longer pause.
      if (pausedTo - now > delay) delay = releaseDelay(pausedTo - now, this.random(), call.deadline, now);
      call.waitedFor = pausedTo;
    }
    return call.deadline.fits(delay, now) ? delay : -1;
  }

  /** @internal */
  retrying(call: HttpCall, attempt: number, delay: number, error: unknown): void {
    this.scheduled(attempt, delay, describeError(error), call.request, error);
  }

  /** @internal */
  giveUp(call: HttpCall, error: unknown): unknown {
    return this.fail(error, call.request);
  }

  /** @internal */
  wait(ms: number, call: HttpCall): Promise<void> {
    const waited = this.waits.wait(ms, call.request.signal);
    // Shared limits: the next attempt's token comes from the shared bucket too, taken once the wait is over.
    return this.options.shared === undefined ? waited : waited.then(() => this.reserveNext(call));
  }

  /** With `shared`: reserves the next attempt's token in the shared bucket (`before` then takes none); refuses the call when it has none. A server pause is left to `before`. */
  private reserveNext(call: HttpCall): void | Promise<void> {
    const req = call.request;
    if (this.reserved.has(call) || this.limiter.serverPauseEnd(req.rateCategory) > this.clock.now()) return;
    const wait = this.limiter.reserve(req.rateCategory, call.statsKey);
    const reserved = (w: number): void => {
      if (w > 0) throw this.refuse(new RateLimitError(w, req.rateCategory, { reason: 'client' }));
      this.reserved.add(call);
    };
    return typeof wait === 'number' ? reserved(wait) : wait.then(reserved);
  }

  /** Counts and reports a retry about to wait `delay` ms. */
  private scheduled(attempt: number, delay: number, reason: string, req: PreparedRequest, error: unknown): void {
    this.counters.retries++;
    this.actor.send({ type: 'RETRY', attempt, delay, reason });
    this.options.onRetry?.({ attempt, delay, error, request: req });
  }

  private apiError(status: number, headers: Record<string, string>, text: string, req: PreparedRequest): ApiError {
    const retryAfter = parseRetryAfter(headers['retry-after'], this.clock.now());
    if (retryAfter !== undefined && (status === 429 || status === 503)) {
      // One server's "wait" teaches every caller of this category, not just this request.
      this.limiter.pause(Math.min(retryAfter, this.options.maxRetryDelay), req.rateCategory);
    }
    return new ApiError(status, parseErrorBody(headers, text), { url: redactUrl(req.url), method: req.method, retryAfter });
  }

  private isRetryable(error: unknown, req: PreparedRequest): boolean {
    if (error instanceof NetworkError && !error.reachedServer) return true; // never left: safe for any method
    const retryableError =
      error instanceof TimeoutError ||
      error instanceof NetworkError ||
      (error instanceof ApiError && this.retryStatus.has(error.status));
    if (!retryableError) return false;
    return this.retryMethods.has(req.method) || hasHeader(req.headers, ATTEMPT_HEADER);
  }

  /** The next number in [0, 1) of the client's seeded sequence. */
  private random(): number {
    const [r, seed] = nextRandom(this.seed);
    this.seed = seed;
    return r;
  }

  private refuse(error: unknown): unknown {
    this.counters.failed++;
    return error;
  }

  private fail(error: unknown, req: PreparedRequest): unknown {
    this.counters.failed++;
    this.actor.send({
      type: 'REQUEST_FAILED',
      reason: `${req.method} ${req.endpoint}: ${describeError(error)}`,
      fault: isFault(error),
      at: this.clock.now(),
      ...statusOf(error),
    });
    return error;
  }

  /** The client's statechart (a new one after {@link RequestPipeline.attachTo}). */
  get actor(): Actor<typeof httpClientMachine> {
    // A spawned child is an Actor as much as a root is (XState makes both with createActor).
    return this.host.actor as Actor<typeof httpClientMachine>;
  }

  private onEmitted(event: EventObject): void {
    if (event.type !== 'health_changed') return;
    this.health = (event as EventObject & { health: HttpHealth }).health;
    this.recoverySent = false;
    this.options.onHealthChange?.(this.health);
  }

  /**
   * Runs the client's machine as the child `name` of `parent` (see
   * `MachineHost.adopt`). XState cannot move a running actor, so the machine
   * starts afresh there: breaker CLOSED and the limiter's machine as configured;
   * the health and the connected state, the breaker's rolling window and the
   * buckets' tokens carry over, and so do listeners registered on
   * `circuitBreaker` / `rateLimiter` (no `onHealthChange`: a move is no news).
   */
  attachTo(parent: AnyActorRef, name: string): AnyActorRef {
    if (this.disposed) throw this.disposedError();
    return this.rehost(() => this.host.adopt(parent, name));
  }

  /** Undoes {@link RequestPipeline.attachTo}: a fresh root actor of the client's own, as attachTo starts a child. */
  detach(): AnyActorRef {
    if (this.disposed) throw this.disposedError();
    return this.rehost(() => this.host.detach());
  }

  /** Moves the machine to the actor `move` makes; the breaker and limiter follow its children. */
  private rehost(move: () => AnyActorRef): AnyActorRef {
    const connected = this.actor.getSnapshot().matches({ active: { connection: 'connected' } });
    this.forgetView();
    const actor = move();
    this.forgetView = followSharedState(this.view, actor);
    const children = actor.getSnapshot().children as Children;
    this.breaker.follow(children.breaker);
    this.limiter.follow(children.rateLimiter);
    // A move is no news about the service: the new machine takes the health (and connection) the old one had.
    if (this.health !== 'unknown') actor.send({ type: 'HEALTH_RESTORED', health: this.health });
    if (connected) actor.send({ type: 'CONNECT' });
    return actor;
  }

  /** Stops the actor (and its children), ends pending waits, closes the sockets. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.waits.cancelAll(new StatewireError(`${this.options.owner} was disposed during a retry wait`));
    this.limiter.dispose();
    this.breaker.dispose();
    this.forgetView();
    this.actor.send({ type: 'DISPOSE' });
    this.host.stop();
    await this.closeTransport(true);
  }

  protected disposedError(): StatewireError {
    return new StatewireError(`${this.options.owner} was disposed`);
  }
}
