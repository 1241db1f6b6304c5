import type { HttpTransport, TransportRequest } from './transports/HttpTransport.js';
import type { WireBody } from './bodies.js';
import type { CallDeadline } from './deadline.js';
import type { PreparedRequest } from './RequestPipeline.js';
import type { BreakerTicket } from '../breaker/CircuitBreaker.js';

/**
 * One request's state while the retry loop runs it. It is also what each
 * attempt hands the transport (so an attempt allocates no request object of
 * its own): the transport fields are the request's, with `timeout` set per attempt.
 *
 * @example
 * ```ts
 * const call = new HttpCall(req, transport, CallDeadline.NONE, 2, '/users', 1 << 20);
 * ```
 */
export class HttpCall implements TransportRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: WireBody | undefined;
  /** This attempt's timeout (ms), the request's clamped to the deadline. */
  timeout = 0;
  readonly signal: AbortSignal | undefined;
  /** The breaker's ticket for this attempt (1: an ordinary call; see {@link BreakerTicket}). */
  ticket: BreakerTicket = 1;
  /** This attempt's timeout was cut to the deadline's remainder. */
  cutByDeadline = false;
  /** End of the server pause this call has already spent a retry waiting for. */
  waitedFor = 0;
  /** The last pause waited was one already paid for (it used no retry). */
  pauseFree = false;
  /** The error made from this attempt's answer (a status of 400 or more), already counted by the breaker. */
  answered: unknown = undefined;

  constructor(
    readonly request: PreparedRequest,
    readonly transport: HttpTransport,
    readonly deadline: CallDeadline,
    /** Retries allowed: the request's, or 0 for a body that can be sent only once. */
    readonly retries: number,
    /** The rate limiter's statistics key for the endpoint. */
    readonly statsKey: string,
    readonly maxResponseBytes: number,
  ) {
    this.method = request.method;
    this.url = request.url;
    this.headers = request.headers;
    this.body = request.body;
    this.signal = request.signal;
  }
}
