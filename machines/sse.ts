import { assign, emit, fromCallback, not, sendTo, setup, type EventObject, type SnapshotFrom } from 'xstate';
import type { Jitter } from './backoffDelay.js';
import { policyOf, reconnectLoop, recordOf, sessionStart, trackedOf, type LoopRecord, type LoopTracking } from './reconnectLoop.js';
import { armDeadline, noDeadline, type Deadline } from './deadline.js';


/** The smallest base a server's `retry:` gives the backoff (ms): the waits double from it. */
const MIN_RETRY_BASE = 1;
/** Input of the SSE machine: plain data, no secrets (the URL is shown redacted). Durations in ms. */
export interface SseInput {
  /** The URL as the inspector may show it (redacted by the runtime). */
  url?: string;
  /** How long the server may take to answer the request. Default 5000. */
  connectTimeout?: number;
  /** First reconnect delay (the server's `retry:` replaces it). Default 1000 (seed 000's retryDelay). */
  reconnectDelay?: number;
  /** Growth of the delay per attempt. Default 2 (seed 000's backoffMultiplier). */
  backoffMultiplier?: number;
  /** No wait exceeds this, the server's `retry:` included. Default 30000. */
  maxReconnectDelay?: number;
  /** Attempts after a stream that opened dropped; `Infinity` for no limit. Default `Infinity`. */
  maxReconnectAttempts?: number;
  /**
   * Attempts one `CONNECT` may make before a stream first opens (seed 000's
   * `retryCount + 1`), after which the session ends in `error`. Default `Infinity`.
   */
  maxConnectAttempts?: number;
  /** A stream that stayed open this long starts the next wait from scratch. Default 5000. */
  minUptime?: number;
  /** Default `proportional` (±20 %): a server's `retry:` is kept close, yet clients spread. */
  jitter?: Jitter;
  jitterRatio?: number;
  /** First seed of the reconnect jitter (the runtime draws it). */
  seed?: number;
}

/** Why an open stream ended. */
export type SseEndReason = 'end' | 'dropped' | 'idle' | 'oversized';

/** The user-visible status: `idle` (open), `waiting` (connecting or between attempts), `error`. */
export type SseStatus = 'idle' | 'waiting' | 'error';

/**
 * The loop's part (`reconnect`, `attempts`, `nextDelay`, `sessionOpened`, `down`) is `LoopTracking`, with
 * growth and spread always set; the connect timeout's deadline is a `Deadline`, so
 * a restored snapshot can be re-armed with `RESUME`.
 */
export interface SseContext extends LoopTracking, Deadline {
  url: string;
  connectTimeout: number;
  reconnect: LoopTracking['reconnect'] & { factor: number; jitterRatio: number };
  /** The server's `retry:` (ms), capped at `maxDelay`; it replaces the base delay. */
  serverRetry: number | null;
  /** HTTP status of the last answer that was not a stream (null when none). */
  lastStatus: number | null;
  lastError: string | null;
  lastEnd: SseEndReason | null;
  connectedAt: number | null;
}

export type SseEvent =
  /** `at` (epoch ms, the runtime's clock): the connect timeout's deadline is kept, so `RESUME` re-arms what is left of it. */
  | { type: 'CONNECT'; at?: number }
  | { type: 'DISCONNECT' }
  /** Reconnect now, skipping the rest of the wait. */
  | { type: 'RETRY_NOW' }
  /**
   * Sent after restoring a snapshot (XState drops pending `after` timers on
   * restore, statelyai/xstate#5331): re-arms the connect timeout for what is left
   * until its `dueAt` (all of it when the attempt's start time was not given), and
   * the reconnect loop's wait while `waiting`. Ignored where no timer runs.
   */
  | { type: 'RESUME'; at: number }
  // From the stream actor:
  | { type: 'OPENED'; at: number }
  /** The server's `retry:` field, in ms. */
  | { type: 'RETRY_SET'; ms: number }
  /** An open stream ended; `at` (the runtime's clock) judges minUptime. */
  | { type: 'STREAM_ENDED'; reason: SseEndReason; at?: number }
  /**
   * No stream: refused, timed out, or answered with `status`. `terminal`: the
   * runtime's `shouldReconnect(status)` verdict, when it has one (without it,
   * 401 and 403 are final). 204 always stops (per spec).
   */
  | { type: 'STREAM_FAILED'; reason: string; status?: number; terminal?: boolean };

export type SseEmitted =
  | { type: 'open'; at: number }
  | { type: 'ended'; reason: SseEndReason }
  | { type: 'reconnecting'; attempt: number; delay: number }
  | { type: 'max_reconnect_attempts'; attempts: number }
  /** No stream; `status` when the server answered. */
  | { type: 'error'; message: string; status?: number }
  /** The server answered 204 No Content: stop reconnecting (per spec). */
  | { type: 'stopped'; status: number };


/**
 * One Server-Sent Events stream: `idle → session (stream.connecting →
 * stream.open ⇄ waiting) → closed | stopped | error`.
 *
 * `stream` runs the request (the `stream` actor `src/` provides; events go from
 * it to the application directly, never through this machine). When the stream
 * ends, drops, stalls (`idle`) or carries an oversized event, or an attempt fails,
 * `waiting` runs the reconnect loop (`reconnectLoop.ts`) with the record this
 * machine kept and the cause (a failure, or a drop with how long the stream was
 * open); the loop owns the count and minUptime and hands its record back as it
 * ends. The server's `retry:` replaces the base delay. A 204
 * answer stops for good (`stopped`); 401 / 403, or a status the runtime's
 * `shouldReconnect` refuses, ends in `error`.
 *
 * Restoring a persisted snapshot: XState drops pending `after` timers on restore
 * (statelyai/xstate#5331), so whoever restores one must send `RESUME { at: now }`
 * right after starting the actor, as for the circuit breaker: the connect timeout
 * resumes from its absolute deadline (`dueAt`), the reconnect loop's wait starts
 * over. `SSEConnection` never restores a snapshot itself. Restoring also
 * re-invokes the `stream` actor (a new request).
 *
 * @example
 * ```ts
 * import { createActor, fromCallback } from 'xstate';
 * import { sseMachine } from 'statewire/machines';
 *
 * const sse = createActor(sseMachine.provide({ actors: { stream: fromCallback(({ sendBack }) => {
 *   const source = new EventSource('http://127.0.0.1:8080/events');
 *   source.onopen = () => sendBack({ type: 'OPENED', at: Date.now() });
 *   source.onerror = () => sendBack({ type: 'STREAM_ENDED', reason: 'dropped', at: Date.now() });
 *   return () => source.close();
 * }) } }), { input: { url: 'http://127.0.0.1:8080/events' } });
 * sse.subscribe({ error: console.error });
 * sse.start();
 * sse.send({ type: 'CONNECT' });
 * ```
 */
export const sseMachine = setup({
  types: {
    input: {} as SseInput | undefined,
    context: {} as SseContext,
    events: {} as SseEvent,
    emitted: {} as SseEmitted,
  },
  actors: {
    reconnect: reconnectLoop,
    // src/ provides the real stream; the default fails the attempt loudly.
    stream: fromCallback<EventObject>(({ sendBack }) => {
      sendBack({ type: 'STREAM_FAILED', reason: 'sseMachine: no `stream` actor provided' });
    }),
  },
  delays: {
    // What is left of the connect timeout's deadline (`armConnect`).
    connectTimeout: ({ context }) => context.dueIn,
  },
  guards: {
    isNoContent: ({ event }) => event.type === 'STREAM_FAILED' && event.status === 204,
    // The runtime's verdict (`terminal`) when it gave one; else 401 / 403 are final.
    mayReconnect: ({ event }) =>
      event.type === 'STREAM_FAILED' && (event.terminal === undefined ? event.status !== 401 && event.status !== 403 : !event.terminal),
  },
  actions: {
    startCounting: assign({ ...sessionStart }),
    // The loop's record, as its run hands it back (params: the loop's snapshot or output).
    keepLoop: assign(({ context }, record: LoopRecord) => trackedOf(context, record)),
    emitReconnecting: emit((_, { attempts, delay }: LoopRecord) => ({ type: 'reconnecting' as const, attempt: attempts + 1, delay })),
    emitGaveUp: emit((_, { attempts }: LoopRecord) => ({ type: 'max_reconnect_attempts' as const, attempts })),
    // A stream is tried: no drop is pending any more.
    clearDown: assign({ down: null }),
    opened: assign({
      ...noDeadline,
      sessionOpened: true,
      connectedAt: ({ event }) => (event.type === 'OPENED' ? event.at : null),
      lastError: null,
      lastStatus: null,
      lastEnd: null,
    }),
    emitOpen: emit(({ event }) => ({ type: 'open' as const, at: event.type === 'OPENED' ? event.at : 0 })),
    setServerRetry: assign({
      serverRetry: ({ context, event }) =>
        event.type === 'RETRY_SET' && Number.isFinite(event.ms) && event.ms >= 0 ? Math.min(event.ms, context.reconnect.maxDelay) : context.serverRetry,
    }),
    recordEnd: assign(({ context, event }) => {
      if (event.type !== 'STREAM_ENDED') return {};
      // How long the stream was open: the loop judges minUptime from it.
      const upFor = event.at !== undefined && context.connectedAt !== null ? event.at - context.connectedAt : null;
      return { lastEnd: event.reason, connectedAt: null, down: { type: 'DROPPED' as const, reason: `stream ${event.reason}`, upFor } };
    }),
    emitEnded: emit(({ event }) => ({ type: 'ended' as const, reason: event.type === 'STREAM_ENDED' ? event.reason : ('dropped' as const) })),
    recordFailure: assign(({ event }) =>
      event.type === 'STREAM_FAILED'
        ? { lastError: event.reason, lastStatus: event.status ?? null, down: { type: 'FAILED' as const, reason: event.reason } }
        : {},
    ),
    emitError: emit(({ event }) => ({
      type: 'error' as const,
      message: event.type === 'STREAM_FAILED' ? event.reason : 'error',
      ...(event.type === 'STREAM_FAILED' && event.status !== undefined ? { status: event.status } : {}),
    })),
    emitStopped: emit({ type: 'stopped' as const, status: 204 }),
    recordTimeout: assign({ lastError: 'connect timeout', down: { type: 'FAILED' as const, reason: 'connect timeout' } }),
    tellLoopRetry: sendTo('reconnect', { type: 'RETRY_NOW' as const }),
    tellLoopResume: sendTo('reconnect', { type: 'RESUME' as const }),
    // Entry of `connecting`: the timeout's absolute deadline, or what is left of it at a RESUME.
    armConnect: assign(({ context, event }) => armDeadline(context.connectTimeout, context, event)),
    clearDeadline: assign(noDeadline),
  },
}).createMachine({
  id: 'sse',
  context: ({ input }) => ({
    url: input?.url ?? '',
    connectTimeout: input?.connectTimeout ?? 5_000,
    reconnect: {
      base: input?.reconnectDelay ?? 1_000,
      factor: input?.backoffMultiplier ?? 2,
      maxDelay: input?.maxReconnectDelay ?? 30_000,
      maxAttempts: input?.maxReconnectAttempts === undefined || input.maxReconnectAttempts === Infinity ? null : input.maxReconnectAttempts,
      maxConnectAttempts: input?.maxConnectAttempts === undefined || input.maxConnectAttempts === Infinity ? null : input.maxConnectAttempts,
      minUptime: input?.minUptime ?? 5_000,
      jitter: input?.jitter ?? 'proportional',
      jitterRatio: input?.jitterRatio ?? 0.2,
      seed: input?.seed ?? 1,
    },
    attempts: 0,
    nextDelay: 0,
    sessionOpened: false,
    down: null,
    serverRetry: null,
    lastStatus: null,
    lastError: null,
    lastEnd: null,
    connectedAt: null,
    ...noDeadline,
  }),
  initial: 'idle',
  states: {
    idle: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
    session: {
      initial: 'stream',
      on: {
        DISCONNECT: 'closed',
        RETRY_SET: { actions: 'setServerRetry' },
      },
      states: {
        stream: {
          invoke: { id: 'stream', src: 'stream' },
          initial: 'connecting',
          entry: 'clearDown',
          exit: 'clearDeadline',
          on: {
            STREAM_FAILED: [
              { guard: 'isNoContent', target: '#sse.stopped', actions: ['recordFailure', 'emitStopped'] },
              { guard: not('mayReconnect'), target: '#sse.error', actions: ['recordFailure', 'emitError'] },
              // Not terminal, but reported: a backend that is down is news.
              { target: 'waiting', actions: ['recordFailure', 'emitError'] },
            ],
          },
          states: {
            connecting: {
              // Not cleared on exit: RESUME re-enters this state and needs the deadline.
              entry: 'armConnect',
              after: { connectTimeout: { target: '#sse.session.waiting', actions: 'recordTimeout' } },
              on: {
                OPENED: { target: 'open', actions: ['opened', 'emitOpen'] },
                RESUME: { target: 'connecting', reenter: true },
              },
            },
            open: {
              on: { STREAM_ENDED: { target: '#sse.session.waiting', actions: ['recordEnd', 'emitEnded'] } },
            },
          },
        },
        waiting: {
          invoke: {
            id: 'reconnect',
            src: 'reconnect',
            // The server's retry: is its reconnection time: the waits grow from it. From 1 ms at
            // least: `retry: 0` from a server that drops at once must not become a tight loop
            // (0 · factor^n stays 0), while its first reconnect is still at once.
            input: ({ context }) => ({
              policy: policyOf(context.reconnect),
              record: recordOf(context),
              cause: context.down ?? { type: 'PAUSED' as const },
              sessionOpened: context.sessionOpened,
              base: context.serverRetry === null ? context.reconnect.base : Math.max(MIN_RETRY_BASE, context.serverRetry),
            }),
            onSnapshot: {
              guard: ({ event }) => event.snapshot.value === 'waiting',
              actions: [
                { type: 'keepLoop', params: ({ event }) => event.snapshot.context },
                { type: 'emitReconnecting', params: ({ event }) => event.snapshot.context },
              ],
            },
            onDone: [
              { guard: ({ event }) => event.output.outcome === 'attempting', target: 'stream', actions: { type: 'keepLoop', params: ({ event }) => event.output } },
              {
                target: '#sse.error',
                actions: [
                  { type: 'keepLoop', params: ({ event }) => event.output },
                  { type: 'emitGaveUp', params: ({ event }) => event.output },
                ],
              },
            ],
          },
          on: {
            RETRY_NOW: { actions: 'tellLoopRetry' },
            // The loop's wait was dropped with the snapshot: it waits its delay again.
            RESUME: { actions: 'tellLoopResume' },
          },
        },
      },
    },
    closed: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
    /** The server said 204: no reconnect until the application connects again. */
    stopped: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
    error: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
  },
});

/**
 * The status a person sees for a snapshot of the SSE machine.
 *
 * @example
 * ```ts
 * sseStatusOf(actor.getSnapshot()); // 'idle' | 'waiting' | 'error'
 * ```
 */
export function sseStatusOf(snapshot: SnapshotFrom<typeof sseMachine>): SseStatus {
  if (snapshot.matches('error')) return 'error';
  if (snapshot.matches({ session: { stream: 'open' } })) return 'idle';
  if (snapshot.matches('session')) return 'waiting';
  return 'idle';
}
