/**
 * A small hand-written machine with one of everything a diagram must draw: a reserved
 * word and a hyphen as state names, ids that clash once sanitised, a numeric and a named
 * delay, guarded `always` with a fallback, invoked actors (named and inline) with onDone /
 * onError, a deep history state, a parallel state, targetless transitions on an atomic
 * and on a composite state, reentering loops, a transition into the composite's own child,
 * and a final state.
 */
import { assign, fromPromise, setup } from 'xstate';

export const handMachine = setup({
  types: {
    context: {} as { n: number },
    events: {} as { type: 'GO' } | { type: 'BACK' } | { type: 'TICK' } | { type: 'PING' } | { type: 'RESET' } | { type: 'FLIP' },
  },
  actors: { fetcher: fromPromise(async () => 1) },
  delays: { patience: 1_000 },
  guards: { ready: () => true, late: () => false },
}).createMachine({
  id: 'hand',
  context: { n: 0 },
  initial: 'end',
  on: { PING: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
  states: {
    end: { on: { GO: 'state', TICK: { actions: assign({ n: 0 }) } }, after: { 500: 'my-state' } },
    'my-state': { always: [{ guard: 'ready', target: 'state' }, { target: 'end' }] },
    state: {
      initial: 'a',
      invoke: { src: 'fetcher', onDone: 'done', onError: { target: 'end' } },
      on: { BACK: '.b', TICK: { actions: assign({ n: 1 }) }, RESET: { target: 'state', reenter: true } },
      states: {
        a: { after: { patience: { guard: 'late', target: 'b' } } },
        b: { on: { GO: { target: 'a', reenter: true }, TICK: { target: 'b', reenter: true }, FLIP: { target: 'b', reenter: true } } },
        hist: { type: 'history', history: 'deep' },
      },
    },
    par: {
      type: 'parallel',
      on: { GO: 'a.b_c' },
      states: {
        left: { initial: 'x', states: { x: { on: { FLIP: 'y' } }, y: {} } },
        right: { initial: 'z', invoke: { src: fromPromise(async () => 2) }, states: { z: {} } },
      },
    },
    a: { initial: 'b_c', states: { b_c: { on: { GO: '#hand.a_b.c' } } } },
    a_b: { initial: 'c', states: { c: { on: { BACK: '#hand.state.hist', RESET: '#hand.par' } } } },
    done: { type: 'final' },
  },
});
