/**
 * The request engine with health checks, for {@link HTTPConnection} (seed 003's
 * `healthCheck()`). Kept apart from {@link RequestPipeline} so an app that uses only
 * `ApiClient` does not carry it.
 *
 * @module
 */
import { ApiError, StatewireError, TimeoutError } from '../errors.js';
import { redactUrl } from '../security/redact.js';
import { parseErrorBody } from './bodies.js';
import { dialAttempt } from './dialAttempt.js';
import { describeError } from './describeError.js';
import { RequestPipeline } from './RequestPipeline.js';
import type { HttpCall } from './HttpCall.js';
import type { HttpTransport } from './transports/HttpTransport.js';

/** What {@link HealthCheckingPipeline.check} resolves to. */
export interface HealthCheckResult {
  ok: boolean;
  status?: number;
  responseTime: number;
  error?: unknown;
}

/**
 * {@link RequestPipeline} plus `check()`: one health request that bypasses the breaker
 * and the rate limiter and reports its result to the client machine; and
 * `disconnectTransport()`, a close bounded in time that ends the checks at once.
 *
 * @example
 * ```ts
 * const pipeline = new HealthCheckingPipeline(resolvedOptions);
 * const { ok, responseTime } = await pipeline.check('http://127.0.0.1:8000/health', 5000);
 * ```
 */
export class HealthCheckingPipeline extends RequestPipeline {
  /** Transports closed by {@link HealthCheckingPipeline.disconnectTransport}: what they fail did not fail at the service. */
  private readonly closed = new WeakSet<HttpTransport>();
  /** The checks in flight, ended by {@link HealthCheckingPipeline.abortChecks}. */
  private readonly checks = new Set<AbortController>();

  /**
   * One request straight through the transport, around the breaker and the rate
   * limiter (a health check must see the service even while the circuit is open).
   * Reports the result to the machine; a check ended by `abortChecks` or by
   * dispose rejects and reports nothing (it learnt nothing about the service).
   */
  async check(url: string, timeout: number): Promise<HealthCheckResult> {
    if (this.disposed) throw this.disposedError();
    // Not the hot path: one controller per check, so disconnect() can end it without touching user requests.
    const abort = new AbortController();
    this.checks.add(abort);
    try {
      const transport = this.transport ?? (await this.ready());
      if (abort.signal.aborted) throw abort.signal.reason;
      const started = this.clock.now();
      let result: { ok: boolean; status?: number; error?: unknown };
      try {
        const res = await dialAttempt(transport, { method: 'GET', url, headers: {}, timeout, maxResponseBytes: 1024 * 1024, signal: abort.signal }, this.options.dial);
        result = res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, status: res.status, error: new ApiError(res.status, parseErrorBody(res.headers, res.body), { url: redactUrl(url), method: 'GET' }) };
      } catch (error) {
        result = { ok: false, error };
      }
      if (this.disposed) throw this.disposedError();
      if (abort.signal.aborted) throw abort.signal.reason;
      const responseTime = this.clock.now() - started;
      this.actor.send({ type: 'HEALTH_CHECKED', ok: result.ok, responseTime, at: this.clock.now(), ...(result.error ? { reason: describeError(result.error) } : {}) });
      return { ...result, responseTime };
    } finally {
      this.checks.delete(abort);
    }
  }

  /**
   * Closes the transport (the next request opens a new one), letting requests in
   * flight finish for `grace` ms and aborting the rest; checks in flight are
   * ended at once. A call the closed transport fails (aborted, or its retry
   * refused) rejects with a StatewireError saying so: not retried, not counted
   * against the service. Lives here, not in every ApiClient's bundle.
   */
  async disconnectTransport(grace: number): Promise<void> {
    this.abortChecks(new StatewireError(`${this.options.owner} was disconnected during the health check`));
    const pending = this.transportReady;
    this.transport = undefined;
    this.transportReady = undefined;
    const transport = await pending?.catch(() => undefined);
    if (transport === undefined) return;
    this.closed.add(transport);
    let timer: unknown;
    const late = new Promise<boolean>((resolve) => (timer = this.clock.setTimeout(() => resolve(true), grace)));
    const drained = transport.close(false).then(() => false);
    if (await Promise.race([drained, late]).finally(() => this.clock.clearTimeout(timer))) await transport.close(true);
  }

  /** @internal A call its closed transport failed ends here; anything else as in {@link RequestPipeline.failed}. */
  override failed(call: HttpCall, thrown: unknown): unknown {
    // Not an answer (settle() counted those), not a timeout, not the caller's abort, not disposed: the close did it.
    if (thrown !== call.answered && !(thrown instanceof TimeoutError) && this.closed.has(call.transport) && !this.disposed && !call.request.signal?.aborted) {
      this.breaker.release(call.ticket);
      this.counters.failed++;
      throw new StatewireError(`${this.options.owner} was disconnected while the request was in flight`, { cause: thrown });
    }
    return super.failed(call, thrown);
  }

  /** Ends every check in flight at once: each rejects with `reason`. */
  abortChecks(reason: Error): void {
    for (const abort of this.checks) abort.abort(reason);
    this.checks.clear();
  }
}
