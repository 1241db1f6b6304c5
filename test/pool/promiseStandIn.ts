import { assign, setup, type AnyActorRef, type EventObject } from 'xstate';

/**
 * A stand-in for an invoked promise actor (a pool slot's create, validate,
 * destroy) in model tests: it settles when the path says so. `RESOLVE` ends it
 * with `output` (the parent's `xstate.done.actor.<id>`); `REJECT` throws in an
 * action, which XState reports to the parent as `xstate.error.actor.<id>`.
 */
export const promiseStandIn = setup({
  types: { context: {} as { output: unknown }, events: {} as { type: 'RESOLVE'; output?: unknown } | { type: 'REJECT'; message: string } },
}).createMachine({
  context: { output: undefined },
  initial: 'pending',
  states: {
    pending: {
      on: {
        RESOLVE: { target: 'done', actions: assign({ output: ({ event }) => event.output }) },
        REJECT: {
          actions: ({ event }) => {
            throw new Error(event.message);
          },
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.output,
});

/** `runPath`'s `perform` for `xstate.done.actor.<id>` / `xstate.error.actor.<id>` of stand-ins invoked with `id`. */
export function performPromiseStep(event: EventObject, actor: AnyActorRef): boolean {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
  const failed = /^xstate\.error\.actor\.(.+)$/.exec(event.type);
  const id = done?.[1] ?? failed?.[1];
  const child = id === undefined ? undefined : (actor.getSnapshot().children[id] as AnyActorRef | undefined);
  if (child === undefined) return false;
  if (done) child.send({ type: 'RESOLVE', output: (event as { output?: unknown }).output });
  else child.send({ type: 'REJECT', message: ((event as { error?: Error }).error ?? new Error('failed')).message });
  return true;
}
