import { assign, emit, fromCallback, not, sendTo, setup, type EventObject, type SnapshotFrom } from 'xstate';
import { policyOf, reconnectLoop, recordOf, sessionStart, trackedOf, type LoopRecord, type ReconnectLoopInput } from './reconnectLoop.js';
import { armDeadline, noDeadline } from './deadline.js';
import type { Activity, WebSocketContext, WebSocketEmitted, WebSocketEvent, WebSocketInput, WebSocketStatus } from './websocketTypes.js';

// The machine's types live in websocketTypes.ts; they are part of this module's surface.
export type { Activity, WebSocketContext, WebSocketEmitted, WebSocketEvent, WebSocketInput, WebSocketStatus } from './websocketTypes.js';

/** The loop's input: the record this machine kept, why the link is down, and whether the network is. */
function loopInput(context: WebSocketContext, offline: boolean): ReconnectLoopInput {
  return { policy: policyOf(context.reconnect), record: recordOf(context), cause: context.down ?? { type: 'PAUSED' }, sessionOpened: context.sessionOpened, offline };
}

/**
 * One WebSocket connection: `idle → session (link.connecting → link.connected ⇄
 * waiting | offline) → closed | error`.
 *
 * `link` runs the socket (the `socket` actor `src/` provides). When it fails or
 * drops, `waiting` runs the reconnect loop (`reconnectLoop.ts`) as the
 * `reconnect` child, given the record this machine kept and the cause (`down`: a
 * failure, or a drop with how long the link was up, from the close's `at`). The
 * loop owns the count and the minUptime rule: it waits its jittered delay and
 * ends `attempting` (this machine goes back to `link`) or `exhausted` (→ `error`),
 * handing its record back. In `offline` the loop is `paused` until `ONLINE`. A close with code 1000 ends the
 * session in `closed`; a close the runtime marks `terminal` (the caller's
 * `shouldReconnect`) or a 401/403 upgrade ends it in `error`.
 *
 * While connected, `activity` tracks idle / listening / thinking / speaking and
 * `heartbeat` asks the runtime to ping (emitted `ping`); a missing pong asks it
 * to `terminate` the socket, whose close then reconnects.
 * While waiting, the `healthPoll` actor may report the backend up (`HEALTHY`),
 * and `ONLINE` / `VISIBLE` (a browser back online, a page shown again) retry at
 * once. `OFFLINE` parks the session in `offline`, where no attempt is spent,
 * until `ONLINE`; while connected it checks the link with an immediate ping.
 *
 * Data messages never pass through this machine: the runtime writes and reads the
 * socket directly and sends only lifecycle and activity changes.
 *
 * Restoring a persisted snapshot: XState drops pending `after` timers on restore
 * (statelyai/xstate#5331), so whoever restores one must send `RESUME { at: now }`
 * right after starting the actor, as for the circuit breaker. The connect timeout,
 * the next ping and the pong deadline are kept as an absolute time (`dueAt`, from
 * the `at` of the event that started them) and resume for what is left; the
 * reconnect loop's wait starts over. `WebSocketConnection` never restores a
 * snapshot itself. Restoring also re-invokes the `socket` actor (a new opening).
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
    reconnect: reconnectLoop,
    // src/ provides the real socket; the default fails the attempt loudly.
    socket: fromCallback<EventObject>(({ sendBack }) => {
      sendBack({ type: 'SOCKET_FAILED', reason: 'webSocketMachine: no `socket` actor provided' });
    }),
    healthPoll: fromCallback(() => {}),
  },
  // Each reads what is left of its timed state's deadline (`armConnect`, `armPing`, `armPong`).
  delays: {
    connectTimeout: ({ context }) => context.dueIn,
    pingInterval: ({ context }) => context.dueIn,
    pongTimeout: ({ context }) => context.dueIn,
  },
  guards: {
    isNormalClose: ({ event }) => event.type === 'SOCKET_CLOSED' && event.code === 1000,
    // An auth refusal, or a close the caller's shouldReconnect marked terminal, is final.
    mayReconnect: ({ event }) =>
      event.type === 'SOCKET_FAILED' ? !(event.status === 401 || event.status === 403) : !(event.type === 'SOCKET_CLOSED' && event.terminal === true),
    isOffline: ({ context }) => !context.online,
    // `!== false`: a snapshot persisted before the field existed keeps its heartbeat.
    heartbeatOn: ({ context }) => context.pingInterval > 0 && context.heartbeat !== false,
    canPing: ({ context }) => context.heartbeat !== false,
  },
  actions: {
    // The loop's record, as its run hands it back (params: the loop's snapshot or output).
    keepLoop: assign(({ context }, record: LoopRecord) => trackedOf(context, record)),
    emitReconnecting: emit((_, { attempts, delay }: LoopRecord) => ({ type: 'reconnecting' as const, attempt: attempts + 1, delay })),
    emitGaveUp: emit((_, { attempts }: LoopRecord) => ({ type: 'max_reconnect_attempts' as const, attempts })),
    startCounting: assign({ ...sessionStart, reconnecting: false }),
    markReconnecting: assign({ reconnecting: true }),
    // An attempt abandoned because the network went away is not spent; a wait cut short by it has nothing to count.
    abandon: assign({ down: { type: 'ABANDONED' as const } }),
    pause: assign({ down: { type: 'PAUSED' as const } }),
    // A link is tried: no drop is pending any more.
    clearDown: assign({ down: null }),
    goOnline: assign({ online: true }),
    goOffline: assign({ online: false }),
    recordClose: assign(({ context, event }) => {
      if (event.type !== 'SOCKET_CLOSED') return {};
      // How long the link was up, from the close's own time rather than a timer per open connection:
      // the loop judges minUptime from it.
      const upFor = event.at !== undefined && context.connectedAt !== null ? event.at - context.connectedAt : null;
      return {
        lastClose: { code: event.code, reason: event.reason },
        connectedAt: null,
        down: { type: 'DROPPED' as const, reason: `closed ${event.code}`, upFor },
      };
    }),
    emitClose: emit(({ event }) =>
      event.type === 'SOCKET_CLOSED'
        ? { type: 'close' as const, code: event.code, reason: event.reason, wasOpen: event.wasOpen }
        : { type: 'close' as const, code: 1006, reason: '', wasOpen: false },
    ),
    recordFailure: assign(({ event }) =>
      event.type === 'SOCKET_FAILED' ? { lastError: event.reason, down: { type: 'FAILED' as const, reason: event.reason } } : {},
    ),
    emitError: emit(({ event }) => ({
      type: 'error' as const,
      message: event.type === 'SOCKET_FAILED' ? event.reason : event.type === 'SOCKET_CLOSED' ? `closed ${event.code} ${event.reason}` : 'error',
      ...(event.type === 'SOCKET_FAILED' && event.status !== undefined ? { status: event.status } : {}),
      ...(event.type === 'SOCKET_CLOSED' ? { code: event.code } : {}),
    })),
    recordTimeout: assign({ lastError: 'connect timeout', down: { type: 'FAILED' as const, reason: 'connect timeout' } }),
    tellLoopRetry: sendTo('reconnect', { type: 'RETRY_NOW' as const }),
    opened: assign({
      sessionOpened: true,
      connectedAt: ({ event }) => (event.type === 'OPENED' ? event.at : null),
      lastError: null,
      heartbeat: ({ event }) => !(event.type === 'OPENED' && event.heartbeat === false),
    }),
    emitOpen: emit(({ event }) => ({ type: 'open' as const, at: event.type === 'OPENED' ? event.at : 0 })),
    // Asked of the runtime as emitted events: the socket actor then needs no
    // receiver of its own (one less listener set per open connection).
    ping: emit({ type: 'ping' as const }),
    terminate: emit({ type: 'terminate' as const }),
    // Entry of each timed state: its absolute deadline, or what is left of it at a RESUME.
    // Back online, ONLINE (which has the time) armed it: the loop's `done` that then enters `connecting` has none.
    armConnect: assign(({ context, event }) =>
      context.dueAt !== null && event.type !== 'RESUME' ? {} : armDeadline(context.connectTimeout, context, event),
    ),
    armPing: assign(({ context, event }) => armDeadline(context.pingInterval, context, event)),
    armPong: assign(({ context, event }) => armDeadline(context.pongTimeout, context, event)),
    clearDeadline: assign(noDeadline),
    tellLoopResume: sendTo('reconnect', { type: 'RESUME' as const }),
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
      maxConnectAttempts: input?.maxConnectAttempts === undefined || input.maxConnectAttempts === Infinity ? null : input.maxConnectAttempts,
      minUptime: input?.minUptime ?? 5_000,
      jitter: input?.jitter ?? 'equal',
      seed: input?.seed ?? 1,
    },
    attempts: 0,
    nextDelay: 0,
    sessionOpened: false,
    down: null,
    online: input?.online ?? true,
    lastClose: null,
    lastError: null,
    connectedAt: null,
    reconnecting: false,
    heartbeat: true,
    ...noDeadline,
  }),
  initial: 'idle',
  on: {
    // Browser network and page events: they change how a wait ends, never the link itself.
    ONLINE: { actions: 'goOnline' },
    OFFLINE: { actions: 'goOffline' },
  },
  states: {
    idle: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
    session: {
      initial: 'link',
      on: {
        DISCONNECT: 'closed',
      },
      states: {
        link: {
          invoke: { id: 'socket', src: 'socket' },
          initial: 'connecting',
          entry: 'clearDown',
          exit: 'clearDeadline',
          on: {
            SOCKET_CLOSED: [
              { guard: 'isNormalClose', target: '#websocket.closed', actions: ['recordClose', 'emitClose'] },
              { guard: not('mayReconnect'), target: '#websocket.error', actions: ['recordClose', 'emitClose', 'emitError'] },
              { guard: 'isOffline', target: 'offline', actions: ['recordClose', 'emitClose'] },
              { target: 'waiting', actions: ['recordClose', 'emitClose'] },
            ],
            SOCKET_FAILED: [
              { guard: not('mayReconnect'), target: '#websocket.error', actions: ['recordFailure', 'emitError'] },
              // Not terminal, but reported: seed 004's on('error') hears about a backend that is down.
              { guard: 'isOffline', target: 'offline', actions: ['recordFailure', 'emitError', 'abandon'] },
              { target: 'waiting', actions: ['recordFailure', 'emitError'] },
            ],
          },
          states: {
            connecting: {
              entry: 'armConnect',
              after: {
                connectTimeout: [
                  { guard: 'isOffline', target: '#websocket.session.offline', actions: ['recordTimeout', 'abandon'] },
                  { target: '#websocket.session.waiting', actions: 'recordTimeout' },
                ],
              },
              on: {
                OPENED: { target: 'connected', actions: ['opened', 'emitOpen'] },
                OFFLINE: { target: '#websocket.session.offline', actions: ['goOffline', 'abandon'] },
                RESUME: { target: 'connecting', reenter: true },
              },
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
                      entry: 'armPing',
                      after: { pingInterval: { guard: 'heartbeatOn', target: 'awaitingPong', actions: 'ping' } },
                      on: {
                        // The network went away: find out now whether this socket survived
                        // (a socket that cannot be pinged is left to the browser; the root records offline).
                        OFFLINE: { guard: 'canPing', target: 'awaitingPong', actions: ['goOffline', 'ping'] },
                        RESUME: { target: 'resting', reenter: true },
                      },
                    },
                    awaitingPong: {
                      entry: 'armPong',
                      on: { PONG: 'resting', RESUME: { target: 'awaitingPong', reenter: true } },
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
          invoke: [
            {
              id: 'reconnect',
              src: 'reconnect',
              input: ({ context }) => loopInput(context, false),
              onSnapshot: {
                guard: ({ event }) => event.snapshot.value === 'waiting',
                actions: [
                  { type: 'keepLoop', params: ({ event }) => event.snapshot.context },
                  { type: 'emitReconnecting', params: ({ event }) => event.snapshot.context },
                ],
              },
              onDone: [
                { guard: ({ event }) => event.output.outcome === 'attempting', target: 'link', actions: { type: 'keepLoop', params: ({ event }) => event.output } },
                {
                  target: '#websocket.error',
                  actions: [
                    { type: 'keepLoop', params: ({ event }) => event.output },
                    { type: 'emitGaveUp', params: ({ event }) => event.output },
                  ],
                },
              ],
            },
            { id: 'healthPoll', src: 'healthPoll' },
          ],
          entry: 'markReconnecting',
          on: {
            HEALTHY: { actions: 'tellLoopRetry' },
            RETRY_NOW: { actions: 'tellLoopRetry' },
            VISIBLE: { actions: 'tellLoopRetry' },
            // The loop's wait was dropped with the snapshot: it waits its delay again.
            RESUME: { actions: 'tellLoopResume' },
            ONLINE: { actions: ['goOnline', 'tellLoopRetry'] },
            OFFLINE: { target: 'offline', actions: ['goOffline', 'pause'] },
          },
        },
        // No network: nothing is attempted and no attempt is spent until it is back (the loop is `paused`).
        offline: {
          entry: 'markReconnecting',
          invoke: {
            id: 'reconnect',
            src: 'reconnect',
            input: ({ context }) => loopInput(context, true),
            onSnapshot: { guard: ({ event }) => event.snapshot.value === 'paused', actions: { type: 'keepLoop', params: ({ event }) => event.snapshot.context } },
            // Offline the loop gives up on nothing: it ends only in `attempting`, once told the network is back.
            onDone: { target: 'link', actions: { type: 'keepLoop', params: ({ event }) => event.output } },
          },
          on: { ONLINE: { actions: ['goOnline', 'armConnect', 'tellLoopRetry'] } },
        },
      },
    },
    closed: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
    error: { on: { CONNECT: { target: 'session', actions: 'startCounting' } } },
  },
});

/**
 * The status a person sees for a snapshot of the machine (see {@link WebSocketStatus}):
 * `closed` in `idle` and `closed`, `connecting` for the first attempt of a
 * session, the activity while connected, `waiting` for everything else of a
 * session (waits, reconnect attempts, offline), `error`.
 *
 * @example
 * ```ts
 * statusOf(actor.getSnapshot()); // 'closed' | 'connecting' | 'idle' | 'listening' | 'thinking' | 'speaking' | 'waiting' | 'error'
 * ```
 */
export function statusOf(snapshot: SnapshotFrom<typeof webSocketMachine>): WebSocketStatus {
  if (snapshot.matches('error')) return 'error';
  if (snapshot.matches({ session: { link: 'connected' } })) {
    const value = snapshot.value as { session: { link: { connected: { activity: Activity } } } };
    return value.session.link.connected.activity;
  }
  if (snapshot.matches({ session: { link: 'connecting' } }) && !snapshot.context.reconnecting) return 'connecting';
  if (snapshot.matches('session')) return 'waiting';
  return 'closed';
}
