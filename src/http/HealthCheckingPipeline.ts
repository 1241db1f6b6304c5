/**
 * The request engine with health checks, for {@link HTTPConnection} (seed 003's
 * `healthCheck()`). Kept apart from {@link RequestPipeline} so an app that uses only
 * `ApiClient` does not carry it.
 *
 * @module
 */
import { ApiError } from '../errors.js';
import { redactUrl } from '../security/redact.js';
import { parseErrorBody } from './bodies.js';
import { dialAttempt } from './dialAttempt.js';
import { describeError } from './describeError.js';
import { RequestPipeline } from './RequestPipeline.js';

/** What {@link HealthCheckingPipeline.check} resolves to. */
export interface HealthCheckResult {
  ok: boolean;
  status?: number;
  responseTime: number;
  error?: unknown;
}

/**
 * {@link RequestPipeline} plus `check()`: one health request that bypasses the breaker
 * and the rate limiter and reports its result to the client machine.
 *
 * @example
 * ```ts
 * const pipeline = new HealthCheckingPipeline(resolvedOptions);
 * const { ok, responseTime } = await pipeline.check('http://127.0.0.1:8000/health', 5000);
 * ```
 */
export class HealthCheckingPipeline extends RequestPipeline {
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

  /** Ends every check in flight at once: each rejects with `reason`. */
  abortChecks(reason: Error): void {
    for (const abort of this.checks) abort.abort(reason);
    this.checks.clear();
  }
}
