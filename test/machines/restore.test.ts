/**
 * Persist → restore, for every state of every machine (item 8). XState drops
 * pending `after` timers on restore (statelyai/xstate#5331), so a restored actor in
 * a timed state stays there for ever unless the machine keeps what it needs in
 * context and the runtime re-arms it (`RESUME`). For each state the covering paths
 * reach, an original actor and one restored from its JSON snapshot (and re-armed as
 * the runtime does) run on side by side: the restored one must go where the
 * original goes, at the same time.
 */
import { describe, expect, it } from 'vitest';
import { fromCallback, fromPromise, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type EventObject, type SimulatedClock } from 'xstate';
import { backoffMachine, type AttemptInput, type BackoffInput } from '../../machines/backoff.js';
import { circuitBreakerMachine, type CircuitBreakerContext } from '../../machines/circuitBreaker.js';
import { rateLimiterMachine } from '../../machines/rateLimiter.js';
import { reconnectLoop, type ReconnectLoopInput } from '../../machines/reconnectLoop.js';
import { httpClientMachine, type HttpClientContext } from '../../machines/http.js';
import { webSocketMachine } from '../../machines/websocket.js';
import { sseMachine } from '../../machines/sse.js';
import type { CircuitState } from '../../machines/circuitBreaker.js';
import type { ExploreOptions as CoveringOptions } from '../model/restoreEachState.js';
import { checkRestore, restoreCases, type RestoreCheckOptions } from '../model/restoreEachState.js';
import { loopStandIn, performLoopStep, reconnectLoopEvents as loopEvents } from '../../src/testing/index.js';

const resumeAt = (actor: AnyActorRef, now: number) => actor.send({ type: 'RESUME', at: now });

function describeRestore<TInput>(
  name: string,
  machine: AnyStateMachine,
  explore: CoveringOptions<TInput>,
  options: RestoreCheckOptions & { minStates: number },
) {
  const cases = restoreCases(machine, explore);
  describe(`${name}: persist → restore in each state`, () => {
    it(`reaches at least ${options.minStates} distinct states`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(options.minStates);
    });
    const check = async (c: (typeof cases)[number]) => {
      const trail = await checkRestore(machine, c, options);
      expect(trail.restored).toEqual(trail.original);
    };
    it.each(cases.map((c) => [c.state, c] as const))('%s', (_state, c) => check(c));
  });
}

// The breaker: OPEN re-arms from `openUntil`; a HALF_OPEN with probes out admits again.
const breakerSerialize = (s: AnyMachineSnapshot) => {
  const c = s.context as CircuitBreakerContext;
  return JSON.stringify([s.value, c.probes, c.isolated]);
};
describeRestore('circuitBreaker', circuitBreakerMachine, {
  inputs: [{ threshold: 1, volumeThreshold: 1, timeout: 1_000, halfOpenMaxCalls: 2 }],
  serialize: breakerSerialize,
  events: () => [
    { type: 'FAILURE', at: 0, failures: 1, calls: 1 },
    { type: 'PROBE' },
    { type: 'PROBE_SUCCESS', at: 0 },
    { type: 'PROBE_FAILURE', at: 0 },
    { type: 'ISOLATE', at: 0 },
    { type: 'RESET', at: 0 },
  ],
}, {
  resume: resumeAt,
  // The restored HALF_OPEN frees its probes (they cannot report): compare the rest.
  serialize: (s) => JSON.stringify([s.value, (s.context as CircuitBreakerContext).isolated]),
  horizon: 3_000,
  minStates: 3,
});

describe('circuitBreaker: a restored HALF_OPEN with every probe out', () => {
  it('admits a probe again (the probes in flight belonged to the process that saved it)', async () => {
    const full = restoreCases(circuitBreakerMachine, {
      inputs: [{ threshold: 1, volumeThreshold: 1, timeout: 1_000, halfOpenMaxCalls: 2 }],
      serialize: breakerSerialize,
      events: () => [{ type: 'FAILURE', at: 0, failures: 1, calls: 1 }, { type: 'PROBE' }],
    }).find((c) => c.state === JSON.stringify(['HALF_OPEN', 2, false]));
    expect(full).toBeDefined();
    let probesAfter = -1;
    await checkRestore(circuitBreakerMachine, full!, {
      horizon: 0,
      steps: 1,
      resume: (actor, now) => {
        resumeAt(actor, now);
        actor.send({ type: 'PROBE' });
        probesAfter = (actor.getSnapshot() as AnyMachineSnapshot).context.probes;
      },
    });
    expect(probesAfter).toBe(1);
  });
});

// The rate limiter: a restored pause resumes at its absolute end.
describeRestore('rateLimiter', rateLimiterMachine, {
  serialize: (s) => JSON.stringify(s.value),
  events: () => [
    { type: 'DISABLE' },
    { type: 'ENABLE' },
    { type: 'PAUSE', category: 'api', ms: 700, at: 0 },
  ],
}, {
  // The runtime re-arms only a paused limiter; RESUME while running is ignored either way.
  resume: (actor, now) => {
    if ((actor.getSnapshot() as AnyMachineSnapshot).matches({ server: 'paused' })) resumeAt(actor, now);
  },
  horizon: 2_000,
  minStates: 4,
});

/** An attempt that never settles: what happens next is the clock's doing alone. */
const pendingAttempt = fromPromise<unknown, AttemptInput>(() => new Promise(() => {}));
function settlingAttempt() {
  const settles: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  const machine = backoffMachine.provide({
    actors: { attempt: fromPromise<unknown, AttemptInput>(() => new Promise((resolve, reject) => settles.push({ resolve, reject }))) },
  });
  const perform = (event: EventObject) => {
    const s = settles.pop()!;
    if (event.type.startsWith('xstate.done')) s.resolve('ok');
    else s.reject((event as { error?: unknown }).error);
  };
  return { machine, perform };
}

const backoffBase = { base: 100, maxDelay: 1_000, minUptime: 500, maxAttempts: 3, jitter: 'none' } as const;
const backoffEvents = () => [
  { type: 'SUCCEEDED' },
  { type: 'FAILED', error: new Error('refused') },
  { type: 'DROPPED', reason: 'closed' },
  { type: 'STOP' },
];
for (const mode of ['retry', 'reconnect'] as const) {
  // The parent-driven attempt (SUCCEEDED / FAILED), as the WebSocket machine runs it.
  describeRestore(`backoff (${mode})`, backoffMachine.provide({ actors: { attempt: pendingAttempt } }), {
    inputs: [{ ...backoffBase, mode } satisfies BackoffInput],
    serialize: (s) => JSON.stringify([s.value, s.context.attempts]),
    events: backoffEvents,
  }, { resume: (actor) => actor.send({ type: 'RESUME' }), horizon: 3_000, minStates: mode === 'retry' ? 5 : 6 });
}

// The backoff machine with its own `attempt` actor (a request), settled by the path.
{
  const { machine, perform } = settlingAttempt();
  describeRestore('backoff (attempt actor)', machine, {
    inputs: [{ ...backoffBase, mode: 'retry' } satisfies BackoffInput],
    serialize: (s) => JSON.stringify([s.value, s.context.attempts]),
    events: () => [
      { type: 'xstate.error.actor.attempt', error: new Error('refused') },
      { type: 'xstate.done.actor.attempt', output: 'ok' },
    ],
  }, { perform, resume: (actor) => actor.send({ type: 'RESUME' }), horizon: 3_000, minStates: 3 });
}

// The reconnect loop: each way it starts (failed, spent, offline), persisted in each state it waits in.
{
  const policy = { base: 100, maxDelay: 1_000, maxAttempts: 3, minUptime: 500, jitter: 'none' } as const;
  const record = { attempts: 1, delay: 0, seed: 1 };
  describeRestore('reconnectLoop', reconnectLoop, {
    inputs: [
      { policy, record, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
      { policy, record: { ...record, attempts: 3 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
      { policy, record, cause: { type: 'ABANDONED' }, sessionOpened: true, offline: true },
    ] satisfies ReconnectLoopInput[],
    serialize: (s) => JSON.stringify([s.value, s.context.attempts]),
    events: () => [{ type: 'RETRY_NOW' }],
    // A finished loop has nothing to re-arm (and takes no events).
  }, { resume: (actor) => void (actor.getSnapshot().status === 'active' && actor.send({ type: 'RESUME' })), horizon: 3_000, minStates: 4 });
}

// The HTTP client: its breaker and limiter children are re-armed as RequestPipeline does.
const nextBreakerStates: Record<CircuitState, CircuitState[]> = {
  CLOSED: ['OPEN'],
  OPEN: ['HALF_OPEN'],
  HALF_OPEN: ['OPEN', 'CLOSED'],
};
function performBreaker(event: EventObject, actor: AnyActorRef, clock: SimulatedClock) {
  const breaker = actor.system.get('breaker') as AnyActorRef;
  const from = breaker.getSnapshot().value as CircuitState;
  const to = (event as unknown as { snapshot: { value: CircuitState } }).snapshot.value;
  if (from === 'CLOSED') breaker.send({ type: 'FAILURE', at: clock.now(), failures: 1, calls: 1 });
  else if (from === 'OPEN') clock.increment(breaker.getSnapshot().context.retryIn);
  else breaker.send(to === 'OPEN' ? { type: 'PROBE_FAILURE', at: clock.now() } : { type: 'PROBE_SUCCESS', at: clock.now() });
}
describeRestore('http', httpClientMachine, {
  inputs: [{ baseURL: 'http://127.0.0.1:1', breaker: { threshold: 1, volumeThreshold: 1, timeout: 1_000 } }],
  serialize: (s) => JSON.stringify([s.value, (s.context as HttpClientContext).breakerState]),
  events: (s) => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'DISPOSE' },
    { type: 'REQUEST_FAILED', reason: 'TimeoutError', fault: true, at: 1 },
    { type: 'HEALTH_CHECKED', ok: false, responseTime: 9, at: 4, reason: 'HTTP 500' },
    { type: 'RECOVERED', at: 2 },
    ...nextBreakerStates[(s.context as HttpClientContext).breakerState].map((value) => ({
      type: 'xstate.snapshot.breaker',
      snapshot: { value },
    })),
  ],
}, {
  perform: performBreaker,
  resume: (actor, now) => {
    const breaker = actor.system.get('breaker') as AnyActorRef | undefined;
    breaker?.send({ type: 'RESUME', at: now });
    const limiter = actor.system.get('rateLimiter') as AnyActorRef | undefined;
    limiter?.send({ type: 'RESUME', at: now });
  },
  horizon: 3_000,
  minStates: 6,
});

// WebSocket and SSE: the socket / stream is the runtime's (a silent stand-in here),
// the reconnect loop a stand-in whose state the path sets.
const ws = webSocketMachine.provide({
  actors: { reconnect: loopStandIn as never, socket: fromCallback(() => {}) as never, healthPoll: fromCallback(() => {}) as never },
});
describeRestore('websocket', ws, {
  inputs: [{ url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300 }],
  events: () => [
    // With its time (the clock starts at 0): the connect timeout's deadline is known.
    { type: 'CONNECT', at: 0 },
    { type: 'DISCONNECT' },
    { type: 'OPENED', at: 1 },
    { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true },
    { type: 'SOCKET_CLOSED', code: 4401, reason: 'token expired', wasOpen: true, terminal: true },
    { type: 'OFFLINE' },
    { type: 'STREAM_AUDIO' },
    { type: 'USER_MESSAGE' },
    { type: 'SPEAKING' },
    ...loopEvents,
  ],
}, {
  perform: performLoopStep,
  // The connect timeout, next ping and pong deadline resume from `dueAt` once
  // whoever restores sends RESUME (WebSocketConnection never restores a snapshot).
  resume: resumeAt,
  horizon: 3_000,
  minStates: 8,
});

const sse = sseMachine.provide({ actors: { reconnect: loopStandIn as never, stream: fromCallback(() => {}) as never } });
describeRestore('sse', sse, {
  inputs: [{ url: 'http://127.0.0.1:1/events', connectTimeout: 500, minUptime: 300 }],
  events: () => [
    { type: 'CONNECT', at: 0 },
    { type: 'DISCONNECT' },
    { type: 'OPENED', at: 1 },
    { type: 'STREAM_ENDED', reason: 'end', at: 100 },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (410)', status: 410, terminal: true },
    ...loopEvents,
  ],
}, {
  perform: performLoopStep,
  // The connect timeout resumes from `dueAt` once whoever restores sends RESUME
  // (SSEConnection never restores a snapshot).
  resume: resumeAt,
  horizon: 3_000,
  minStates: 5,
});
