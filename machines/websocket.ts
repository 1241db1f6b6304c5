import { assign, emit, fromCallback, fromPromise, not, sendTo, setup, type SnapshotFrom } from 'xstate';
import { backoffMachine, type AttemptInput } from './backoff.js';
import type { Jitter } from './backoffDelay.js';

/** Input of the WebSocket machine: plain data, no secrets (the URL is shown redacted). Durations in ms. */
export interface WebSocketInput {
  /** The URL as the inspector may show it (redacted by the runtime). */
  url?: string;
  /** How long an opening may take. Default 10000. */
  connectTimeout?: number;
  /** Ping every this often while open; 0 turns the heartbeat off. Default 30000. */
  pingInterval?: number;
  /** No pong within this → the socket is dead: terminate and reconnect. Default 10000. */
  pongTimeout?: number;
  /** First reconnect delay; doubles, capped at `maxReconnectDelay`. Default 2000 (seed 004). */
  reconnectDelay?: number;
  maxReconnectDelay?: number;
  /** `Infinity` (the seed's default) for no limit. */
  maxReconnectAttempts?: number;
  /** The attempt count resets only after a connection stayed up this long. Default 5000. */
  minUptime?: number;
  jitter?: Jitter;
  /** First seed of the reconnect jitter (the runtime draws it). */
  seed?: number;
}

export type Activity = 'idle' | 'listening' | 'thinking' | 'speaking';
/** The user-visible status (seed 004's connection states). */
export type WebSocketStatus = Activity | 'waiting' | 'error';

export interface WebSocketContext {
  url: string;
  connectTimeout: number;
  pingInterval: number;
  pongTimeout: number;
  reconnect: {
    base: number;
    maxDelay: number;
    maxAttempts: number | null;
    minUptime: number;
    jitter: Jitter;
    seed: number;
  };
  /** Attempts since the count last reset, as the reconnect loop reports them. */
  attempts: number;
  /** The wait before the next attempt (ms), while waiting. */
  nextDelay: number;
  lastClose: { code: number; reason: string } | null;
  lastError: string | null;
  connectedAt: number | null;
}

export type WebSocketEvent =
  | { type: 'CONNECT' }
  | { type: 'DISCONNECT' }
  /** Reconnect now (the health URL answered, the browser came online). */
  | { type: 'RETRY_NOW' }
  // From the socket actor:
  | { type: 'OPENED'; at: number }
  /** `terminal`: the runtime's `shouldReconnect` said this close ends the session. */
  | { type: 'SOCKET_CLOSED'; code: number; reason: string; wasOpen: boolean; terminal?: boolean }
  /** The opening failed before a socket existed: refused, URL provider rejected, handshake answered `status`. */
  | { type: 'SOCKET_FAILED'; reason: string; status?: number }
  | { type: 'PONG' }
  // From the health poll while waiting:
  | { type: 'HEALTHY' }
  // Activity, told by the runtime only when it changes:
  | { type: 'STREAM_AUDIO' }
  | { type: 'USER_MESSAGE' }
  | { type: 'SPEAKING' }
  | { type: 'IDLE' };

export type WebSocketEmitted =
  | { type: 'open'; at: number }
  | { type: 'close'; code: number; reason: string; wasOpen: boolean }
  | { type: 'reconnecting'; attempt: number; delay: number }
  | { type: 'max_reconnect_attempts'; attempts: number }
  /** An attempt failed or a close was terminal; `status` (upgrade answer) or `code` (close) when the server was reached. */
  | { type: 'error'; message: string; status?: number; code?: number };

type ReconnectSnapshotEvent = { type: string; snapshot: SnapshotFrom<typeof backoffMachine> };
const loop = (event: unknown) => (event as ReconnectSnapshotEvent).snapshot;

/**
 * One WebSocket connection: `idle → session (link.connecting → link.connected ⇄
 * waiting) → closed | error`.
 *
 * The reconnect loop is the backoff machine from `backoff.ts`, invoked as the
 * `reconnect` child for the whole session: this machine opens the socket itself
 * (the `socket` actor `src/` provides) and tells the loop `SUCCEEDED`, `FAILED`
 * or `DROPPED`; it follows the loop's snapshots into `waiting` (and back into
 * `link` when the loop attempts again), or into `error` when attempts are spent.
 * A close with code 1000 ends the session in `closed`; a close the runtime marks
 * `terminal` (from the caller's `shouldReconnect`) or a 401/403 upgrade ends it in `error`. While
 * connected, `activity` tracks idle / listening / thinking / speaking and
 * `heartbeat` pings; a missing pong terminates the socket, which reconnects. While
 * waiting, the `healthPoll` actor may report the backend up (`HEALTHY`).
 *
 * Data messages never pass through this machine: the runtime writes and reads the
 * socket directly and sends only lifecycle and activity changes.
 *
 * @example
 * ```ts
 * import { createActor, fromCallback } from 'xstate';
 * import { webSocketMachine } from 'statewire/machines';
 *
 * const ws = createActor(webSocketMachine.provide({ actors: { socket: fromCallback(({ sendBack }) => {
 *   const s = new WebSocket('ws://127.0.0.1:8080');
 *   s.onopen = () => sendBack({ type: 'OPENED', at: Date.now() });
 *   s.onclose = (e) => sendBack({ type: 'SOCKET_CLOSED', code: e.code, reason: e.reason, wasOpen: true });
 *   return () => s.close(1000);
 * }) } }), { input: { url: 'ws://127.0.0.1:8080', pingInterval: 0 } });
 * ws.subscribe({ error: console.error });
 * ws.start();
 * ws.send({ type: 'CONNECT' });
 * ```
 */
export const webSocketMachine = setup({
  types: {
    input: {} as WebSocketInput | undefined,
    context: {} as WebSocketContext,
    events: {} as WebSocketEvent,
    emitted: {} as WebSocketEmitted,
  },
  actors: {
    // The socket's opening is run here, not by the loop's own attempt actor.
    reconnect: backoffMachine.provide({ actors: { attempt: fromPromise<unknown, AttemptInput>(() => new Promise(() => {})) } }),
    // src/ provides the real socket; the default fails the attempt loudly.
    socket: fromCallback<{ type: 'PING' } | { type: 'TERMINATE' }, { attempt: number }>(({ sendBack }) => {
      sendBack({ type: 'SOCKET_FAILED', reason: 'webSocketMachine: no `socket` actor provided' });
    }),
    healthPoll: fromCallback(() => {}),
  },
  delays: {
    connectTimeout: ({ context }) => context.connectTimeout,
    pingInterval: ({ context }) => context.pingInterval,
    pongTimeout: ({ context }) => context.pongTimeout,
  },
  guards: {
    isNormalClose: ({ event }) => event.type === 'SOCKET_CLOSED' && event.code === 1000,
    // An auth refusal, or a close the caller's shouldReconnect marked terminal, is final.
    mayReconnect: ({ event }) =>
      event.type === 'SOCKET_FAILED' ? !(event.status === 401 || event.status === 403) : !(event.type === 'SOCKET_CLOSED' && event.terminal === true),
    loopWaiting: ({ event }) => loop(event).value === 'waiting',
    loopAttempting: ({ event }) => loop(event).value === 'attempting',
    loopExhausted: ({ event }) => (event as unknown as { output?: { outcome?: string } }).output?.outcome === 'exhausted',
    heartbeatOn: ({ context }) => context.pingInterval > 0,
  },
  actions: {
    trackLoop: assign(({ event }) => {
      const { attempts, delay } = loop(event).context;
      return { attempts, nextDelay: delay };
    }),
    emitReconnecting: emit(({ event }) => ({
      type: 'reconnecting' as const,
      attempt: loop(event).context.attempts + 1,
      delay: loop(event).context.delay,
    })),
    recordClose: assign(({ event }) =>
      event.type === 'SOCKET_CLOSED' ? { lastClose: { code: event.code, reason: event.reason }, connectedAt: null } : {},
    ),
    emitClose: emit(({ event }) =>
      event.type === 'SOCKET_CLOSED'
        ? { type: 'close' as const, code: event.code, reason: event.reason, wasOpen: event.wasOpen }
        : { type: 'close' as const, code: 1006, reason: '', wasOpen: false },
    ),
    recordFailure: assign({
      lastError: ({ context, event }) => (event.type === 'SOCKET_FAILED' ? event.reason : context.lastError),
    }),
    emitError: emit(({ event }) => ({
      type: 'error' as const,
      message: event.type === 'SOCKET_FAILED' ? event.reason : event.type === 'SOCKET_CLOSED' ? `closed ${event.code} ${event.reason}` : 'error',
      ...(event.type === 'SOCKET_FAILED' && event.status !== undefined ? { status: event.status } : {}),
      ...(event.type === 'SOCKET_CLOSED' ? { code: event.code } : {}),
    })),
    recordTimeout: assign({ lastError: 'connect timeout' }),
    emitExhaustedDone: emit(({ event }) => ({
      type: 'max_reconnect_attempts' as const,
      attempts: (event as unknown as { output?: { attempts?: number } }).output?.attempts ?? 0,
    })),
    tellLoopClosed: sendTo('reconnect', ({ event }) =>
      event.type === 'SOCKET_CLOSED' && event.wasOpen
        ? { type: 'DROPPED' as const, reason: `closed ${event.code}` }
        : { type: 'FAILED' as const, error: new Error(event.type === 'SOCKET_FAILED' ? event.reason : 'closed before opening') },
    ),
    tellLoopTimedOut: sendTo('reconnect', { type: 'FAILED' as const, error: new Error('connect timeout') }),
    tellLoopOpened: sendTo('reconnect', { type: 'SUCCEEDED' as const }),
    tellLoopRetry: sendTo('reconnect', { type: 'RETRY_NOW' as const }),
    opened: assign({ connectedAt: ({ event }) => (event.type === 'OPENED' ? event.at : null), lastError: null }),
    emitOpen: emit(({ event }) => ({ type: 'open' as const, at: event.type === 'OPENED' ? event.at : 0 })),
    ping: sendTo('socket', { type: 'PING' as const }),
    terminate: sendTo('socket', { type: 'TERMINATE' as const }),
  },
}).createMachine({
  id: 'websocket',
  context: ({ input }) => ({
    url: input?.url ?? '',
    connectTimeout: input?.connectTimeout ?? 10_000,
    pingInterval: input?.pingInterval ?? 30_000,
    pongTimeout: input?.pongTimeout ?? 10_000,
    reconnect: {
      base: input?.reconnectDelay ?? 2_000,
      maxDelay: input?.maxReconnectDelay ?? 30_000,
      maxAttempts: input?.maxReconnectAttempts === undefined || input.maxReconnectAttempts === Infinity ? null : input.maxReconnectAttempts,
      minUptime: input?.minUptime ?? 5_000,
      jitter: input?.jitter ?? 'equal',
      seed: input?.seed ?? 1,
    },
    attempts: 0,
    nextDelay: 0,
    lastClose: null,
    lastError: null,
    connectedAt: null,
  }),
  initial: 'idle',
  states: {
    idle: { on: { CONNECT: 'session' } },
    session: {
      invoke: {
        id: 'reconnect',
        src: 'reconnect',
        input: ({ context }) => ({
          mode: 'reconnect' as const,
          kind: 'exponential' as const,
          base: context.reconnect.base,
          maxDelay: context.reconnect.maxDelay,
          maxAttempts: context.reconnect.maxAttempts ?? Infinity,
          minUptime: context.reconnect.minUptime,
          jitter: context.reconnect.jitter,
          seed: context.reconnect.seed,
        }),
        onSnapshot: { actions: 'trackLoop' },
        // A finished child sends no more snapshots: spent attempts arrive as the loop's output.
        onDone: { guard: 'loopExhausted', target: '#websocket.error', actions: 'emitExhaustedDone' },
      },
      initial: 'link',
      on: {
        DISCONNECT: 'closed',
      },
      states: {
        link: {
          invoke: { id: 'socket', src: 'socket', input: ({ context }) => ({ attempt: context.attempts + 1 }) },
          initial: 'connecting',
          on: {
            SOCKET_CLOSED: [
              { guard: 'isNormalClose', target: '#websocket.closed', actions: ['recordClose', 'emitClose'] },
              { guard: not('mayReconnect'), target: '#websocket.error', actions: ['recordClose', 'emitClose', 'emitError'] },
              { actions: ['recordClose', 'emitClose', 'tellLoopClosed'] },
            ],
            SOCKET_FAILED: [
              { guard: not('mayReconnect'), target: '#websocket.error', actions: ['recordFailure', 'emitError'] },
              // Not terminal, but reported: seed 004's on('error') hears about a backend that is down.
              { actions: ['recordFailure', 'emitError', 'tellLoopClosed'] },
            ],
            'xstate.snapshot.reconnect': { guard: 'loopWaiting', target: 'waiting', actions: ['trackLoop', 'emitReconnecting'] },
          },
          states: {
            connecting: {
              after: { connectTimeout: { actions: ['recordTimeout', 'tellLoopTimedOut'] } },
              on: { OPENED: { target: 'connected', actions: ['opened', 'tellLoopOpened', 'emitOpen'] } },
            },
            connected: {
              type: 'parallel',
              states: {
                activity: {
                  initial: 'idle',
                  on: {
                    STREAM_AUDIO: '.listening',
                    USER_MESSAGE: '.thinking',
                    SPEAKING: '.speaking',
                    IDLE: '.idle',
                  },
                  states: { idle: {}, listening: {}, thinking: {}, speaking: {} },
                },
                heartbeat: {
                  initial: 'resting',
                  states: {
                    resting: {
                      after: { pingInterval: { guard: 'heartbeatOn', target: 'awaitingPong', actions: 'ping' } },
                    },
                    awaitingPong: {
                      on: { PONG: 'resting' },
                      // A peer that never answers is dead even if it never sent a close.
                      after: { pongTimeout: { target: 'resting', actions: 'terminate' } },
                    },
                  },
                },
              },
            },
          },
        },
        waiting: {
          invoke: { id: 'healthPoll', src: 'healthPoll' },
          on: {
            HEALTHY: { actions: 'tellLoopRetry' },
            RETRY_NOW: { actions: 'tellLoopRetry' },
            'xstate.snapshot.reconnect': { guard: 'loopAttempting', target: 'link', actions: 'trackLoop' },
          },
        },
      },
    },
    closed: { on: { CONNECT: 'session' } },
    error: { on: { CONNECT: 'session' } },
  },
});

/**
 * The status a person sees (seed 004's states) for a snapshot of the machine.
 *
 * @example
 * ```ts
 * statusOf(actor.getSnapshot()); // 'idle' | 'listening' | 'thinking' | 'speaking' | 'waiting' | 'error'
 * ```
 */
export function statusOf(snapshot: SnapshotFrom<typeof webSocketMachine>): WebSocketStatus {
  if (snapshot.matches('error')) return 'error';
  if (snapshot.matches({ session: { link: 'connected' } })) {
    const value = snapshot.value as { session: { link: { connected: { activity: Activity } } } };
    return value.session.link.connected.activity;
  }
  if (snapshot.matches('session')) return 'waiting';
  return 'idle';
}
