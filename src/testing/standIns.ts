import { assign, fromCallback, fromPromise, setup, type AnyActorRef, type AnyStateMachine, type EventObject, type SimulatedClock } from 'xstate';
import { backoffMachine } from '../../machines/backoff.js';
import type { CircuitState } from '../../machines/circuitBreaker.js';
import { httpClientMachine } from '../../machines/http.js';
import { poolSlotMachine } from '../../machines/poolSlot.js';
import type { LoopRecord } from '../../machines/reconnectLoop.js';
import { sharedStateMachine } from '../../machines/sharedState.js';
import { sseMachine } from '../../machines/sse.js';
import { webSocketMachine } from '../../machines/websocket.js';

/**
 * The stand-ins `runPath` puts in place of a statewire machine's invoked actors
 * (a socket, a stream, the reconnect loop, a promise), so that a path from
 * `edgeCoveringPaths` replays step by step: the path's events drive them, and
 * nothing real (a socket, a timer of the loop's own) moves the actor on its own.
 *
 * @module
 */

/** `runPath`'s `perform`: makes an `xstate.*` step of the path happen (settles a stand-in, moves a child). */
export type PerformStep = (event: EventObject, actor: AnyActorRef, clock: SimulatedClock) => void | Promise<void>;

/** A machine with its stand-ins in place, and the `perform` that drives them. */
export interface StandIns {
  machine: AnyStateMachine;
  perform: PerformStep;
}

/** The states {@link loopStandIn} can be set to: the real loop's states after `down`. */
export type LoopStandInState = 'waiting' | 'paused' | 'attempting' | 'exhausted';
/** The one event {@link loopStandIn} takes: the state a path step names, with the loop's record. */
export type LoopStandInEvent = { type: 'SET'; value: LoopStandInState } & LoopRecord;
type LoopState = LoopStandInState;
type SetEvent = LoopStandInEvent;

const goTo = (value: LoopState) => ({
  guard: ({ event }: { event: SetEvent }) => event.value === value,
  target: `.${value}`,
  reenter: true,
  actions: 'take' as const,
});

/**
 * A stand-in for the reconnect loop (model-tested on its own) in the machines
 * that invoke it (WebSocket, SSE, pool slot): its state is set by the path, so
 * each of the loop's snapshots and its `done` in a path is one real step.
 *
 * @example
 * ```ts
 * const machine = webSocketMachine.provide({ actors: { reconnect: loopStandIn as never } });
 * await runPath(machine, path, { perform: performLoopStep });
 * ```
 */
export const loopStandIn = setup({
  types: { context: {} as LoopRecord & { outcome: 'attempting' | 'exhausted' }, events: {} as SetEvent },
  actions: {
    take: assign(({ event }) => ({
      attempts: event.attempts,
      delay: event.delay,
      seed: event.seed,
      outcome: event.value === 'exhausted' ? ('exhausted' as const) : ('attempting' as const),
    })),
  },
}).createMachine({
  context: { attempts: 1, delay: 0, seed: 1, outcome: 'attempting' },
  // The real loop counts its cause in `down` and goes on at once; the path sets what follows.
  initial: 'down',
  on: { SET: [goTo('waiting'), goTo('paused'), goTo('attempting'), goTo('exhausted')] },
  states: { down: {}, waiting: {}, paused: {}, attempting: { type: 'final' }, exhausted: { type: 'final' } },
  output: ({ context }) => ({ outcome: context.outcome, attempts: context.attempts, delay: context.delay, seed: context.seed }),
});

/**
 * `runPath`'s `perform` for the reconnect loop's events (`xstate.snapshot.reconnect`,
 * `xstate.done.actor.reconnect`): the {@link loopStandIn} takes the state the step names.
 *
 * @example
 * ```ts
 * await runPath(machine, path, { perform: performLoopStep });
 * ```
 */
export function performLoopStep(event: EventObject, actor: AnyActorRef): void {
  const loop = actor.getSnapshot().children.reconnect as AnyActorRef | undefined;
  if (loop === undefined) throw new Error(`${event.type}: no reconnect loop is running`);
  if (event.type === 'xstate.done.actor.reconnect') {
    const { outcome, attempts, delay, seed } = (event as unknown as { output: LoopRecord & { outcome: LoopState } }).output;
    return loop.send({ type: 'SET', value: outcome, attempts, delay, seed });
  }
  const { value, context } = (event as unknown as { snapshot: { value: LoopState; context: LoopRecord } }).snapshot;
  loop.send({ type: 'SET', value, ...context });
}

/** An invoked callback actor that does nothing: the path's events stand for what it would send. */
const inert = fromCallback(() => {});

/** A promise actor the path settles: `xstate.done.actor.*` resolves it with the step's output, `xstate.error.actor.*` rejects. */
function settledByPath(what: string): { logic: ReturnType<typeof fromPromise>; perform: PerformStep } {
  let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined;
  const logic = fromPromise(() => new Promise((resolve, reject) => (settle = { resolve, reject })));
  const perform: PerformStep = (event) => {
    if (!settle) throw new Error(`${event.type}: no ${what} in flight`);
    const { resolve, reject } = settle;
    settle = undefined;
    if (event.type.startsWith('xstate.done')) resolve((event as { output?: unknown }).output);
    else reject((event as { error?: unknown }).error);
  };
  return { logic: logic as ReturnType<typeof fromPromise>, perform };
}

/** Makes the HTTP machine's real breaker child produce the snapshot a step names. */
function performBreakerStep(event: EventObject, actor: AnyActorRef, clock: SimulatedClock): void {
  const breaker = actor.system.get('breaker') as AnyActorRef;
  const from = breaker.getSnapshot().value as CircuitState;
  const to = (event as unknown as { snapshot: { value: CircuitState } }).snapshot.value;
  const key = `${from}->${to}`;
  if (from === to) breaker.send(from === 'HALF_OPEN' ? { type: 'PROBE' } : { type: 'CONFIGURE' });
  else if (key === 'CLOSED->OPEN') breaker.send({ type: 'FAILURE', at: 0, failures: 1, calls: 1 });
  else if (key === 'OPEN->HALF_OPEN') clock.increment((breaker.getSnapshot().context as { retryIn: number }).retryIn);
  else if (key === 'HALF_OPEN->OPEN') breaker.send({ type: 'PROBE_FAILURE', at: 0 });
  else if (key === 'HALF_OPEN->CLOSED') breaker.send({ type: 'PROBE_SUCCESS', at: 0 });
  else throw new Error(`the breaker cannot go ${key}`);
}

/**
 * The stand-ins for one of statewire's machines (the machine itself, not a
 * `.provide(…)` of it: a provided machine keeps the actors it was given), made
 * fresh for each run; undefined for a machine that needs none.
 *
 * @example
 * ```ts
 * const { machine, perform } = standInsFor(webSocketMachine)!;
 * await runPath(machine, path, { perform });
 * ```
 */
export function standInsFor(machine: AnyStateMachine): StandIns | undefined {
  if (machine === webSocketMachine) {
    return { machine: webSocketMachine.provide({ actors: { reconnect: loopStandIn as never, socket: inert as never, healthPoll: inert as never } }), perform: performLoopStep };
  }
  if (machine === sseMachine) return { machine: sseMachine.provide({ actors: { reconnect: loopStandIn as never, stream: inert as never } }), perform: performLoopStep };
  if (machine === poolSlotMachine) return { machine: poolSlotMachine.provide({ actors: { reconnect: loopStandIn as never } }), perform: performLoopStep };
  if (machine === backoffMachine) {
    const attempt = settledByPath('attempt');
    return { machine: backoffMachine.provide({ actors: { attempt: attempt.logic as never } }), perform: attempt.perform };
  }
  if (machine === sharedStateMachine) {
    const check = settledByPath('store check');
    return { machine: sharedStateMachine.provide({ actors: { checkStore: check.logic as never } }), perform: check.perform };
  }
  if (machine === httpClientMachine) return { machine, perform: performBreakerStep };
  return undefined;
}
