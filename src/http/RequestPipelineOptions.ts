import type { HttpHealth } from '../../machines/http.js';
import type { RateLimit } from '../../machines/rateLimiter.js';
import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { Redactor } from '../security/Redactor.js';
import type { DialRules } from './followRedirects.js';
import type { TransportChoice } from './transports/createHttpTransport.js';
import type { TransportOptions } from './transports/HttpTransport.js';
import type { ClientActorOptions } from './clientMachineHost.js';
import type { PreparedRequest } from './PreparedRequest.js';
import type { SharedLimitsStore } from '../rateLimiter/SharedLimits.js';
import type { SharedBreakerStore } from '../breaker/SharedBreaker.js';

/** Everything the engine needs, already validated by the client that owns it. */
export interface RequestPipelineOptions {
  owner: string;
  baseURL: string;
  /** Total time for a call including retries (ms); 0 for none. */
  deadline: number;
  /** First retry delay (ms), growth factor, and cap. */
  retryDelay: number;
  backoffMultiplier: number;
  maxRetryDelay: number;
  retryStatusCodes: readonly number[];
  retryMethods: readonly string[];
  circuitBreaker: boolean;
  breaker: ClientActorOptions['breaker'];
  rateLimiter: boolean;
  limits?: Record<string, Partial<RateLimit>>;
  transport: TransportChoice;
  transportOptions: TransportOptions;
  maxResponseBytes: number;
  /** Redirects, per-hop URL checks and error-body scrubbing (the client's `OriginGuard`). */
  dial: DialRules;
  clock?: Clock;
  /** The client's inspection observer (see `RootActorOptions.inspect`). */
  inspect?: Inspect;
  /** What `inspect` sees through: the client's redactor. */
  redactor?: Redactor;
  onError?: (error: unknown) => void;
  /** Told about each retry (for logging). */
  onRetry?: (info: { attempt: number; delay: number; error: unknown; request: PreparedRequest }) => void;
  /** Told when the machine's health changes (HTTPConnection's `onHealthChange`). */
  onHealthChange?: (health: HttpHealth) => void;
  /** Limits and breaker shared with other processes (statewire/redis), under `sharedKey`. */
  shared?: SharedLimitsStore & SharedBreakerStore;
  sharedKey?: string;
}

/** Counters kept on the direct path. */
export interface HttpCounters {
  requests: number;
  succeeded: number;
  failed: number;
  retries: number;
}
