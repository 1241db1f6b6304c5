/**
 * fromWork: the pool slots' create / validate / destroy logic behaves as an
 * xstate promise actor (done / error events to the parent) and tells
 * cancellable work when its state is left.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { fromWork, type WorkSignal } from '../../src/pool/workActor.js';

function parentOf(work: ReturnType<typeof fromWork<string, { n: number }>>) {
  const machine = setup({ actors: { work }, types: { context: {} as { got: unknown }, events: {} as { type: 'LEAVE' } } }).createMachine({
    context: { got: null },
    initial: 'working',
    states: {
      working: {
        invoke: {
          id: 'work',
          src: 'work',
          input: { n: 7 },
          onDone: { target: 'done', actions: ({ context, event }) => void (context.got = event.output) },
          onError: { target: 'failed', actions: ({ context, event }) => void (context.got = (event.error as Error).message ?? event.error) },
        },
        on: { LEAVE: 'left' },
      },
      done: {},
      failed: {},
      left: {},
    },
  });
  const actor = createActor(machine);
  actor.subscribe({ error: () => {} });
  return actor.start();
}

describe('fromWork', () => {
  it('ends with the resolved value (onDone) and gets its input and actor', async () => {
    let seen: unknown[] = [];
    const actor = parentOf(fromWork(async (input, self) => ((seen = [input, typeof (self as AnyActorRef).send]), `n=${input.n}`)));
    await tick();
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().context.got).toBe('n=7');
    expect(seen).toEqual([{ n: 7 }, 'function']);
  });

  it('a rejection or a synchronous throw ends it with the error (onError)', async () => {
    const rejected = parentOf(fromWork<string, { n: number }>(async () => Promise.reject(new Error('refused'))));
    const thrown = parentOf(
      fromWork<string, { n: number }>(() => {
        throw new Error('thrown');
      }),
    );
    await tick();
    expect([rejected.getSnapshot().value, rejected.getSnapshot().context.got]).toEqual(['failed', 'refused']);
    expect([thrown.getSnapshot().value, thrown.getSnapshot().context.got]).toEqual(['failed', 'thrown']);
  });

  it('leaving the state aborts cancellable work once (onAbort called, aborted set) and drops its late result', async () => {
    let signal: WorkSignal | undefined;
    let finish: (v: string) => void = () => {};
    let aborts = 0;
    const actor = parentOf(
      fromWork<string, { n: number }>((_, __, s) => {
        signal = s;
        s.onAbort = () => void aborts++;
        return new Promise<string>((resolve) => (finish = resolve));
      }, true),
    );
    expect(signal?.aborted).toBe(false);
    actor.send({ type: 'LEAVE' });
    expect(signal?.aborted).toBe(true);
    expect(aborts).toBe(1);
    finish('late');
    await tick();
    expect(actor.getSnapshot().value).toBe('left');
    expect(actor.getSnapshot().context.got).toBeNull();
  });

  it('work that is not cancellable shares a signal that is never aborted', async () => {
    const signals: WorkSignal[] = [];
    const a = parentOf(fromWork<string, { n: number }>((_, __, s) => (signals.push(s), new Promise<string>(() => {}))));
    const b = parentOf(fromWork<string, { n: number }>((_, __, s) => (signals.push(s), new Promise<string>(() => {}))));
    a.send({ type: 'LEAVE' });
    b.send({ type: 'LEAVE' });
    expect(signals[0]).toBe(signals[1]);
    expect(signals[0]!.aborted).toBe(false);
  });
});
