import type { AnyActorRef, PromiseActorLogic, PromiseSnapshot } from 'xstate';

// The events xstate's own promise actors use (an invoked actor's `onDone` / `onError` see no difference).
const RESOLVE = 'xstate.promise.resolve';
const REJECT = 'xstate.promise.reject';
const STOP = 'xstate.stop';

/**
 * What a cancellable piece of work sees of its actor being stopped: a plain
 * object, not an `AbortController` (whose construction was the largest single
 * cost of a pool slot's create / destroy cycle after the actor itself).
 */
export interface WorkSignal {
  /** Set once the actor is stopped (its state left): the work's result is unwanted. */
  aborted: boolean;
  /** Called once when the actor is stopped, if set then. */
  onAbort: (() => void) | undefined;
}

type Run<TOutput, TInput> = (input: TInput, self: AnyActorRef, signal: WorkSignal) => PromiseLike<TOutput> | TOutput;

const signals = new WeakMap<object, WorkSignal>();

/**
 * An invoked actor's logic that runs `run` once and ends with its result, like
 * xstate's `fromPromise` (same snapshots, same done / error events) but
 * lighter: no `AbortController` per actor (a {@link WorkSignal} only when
 * `cancellable`), and the promise callbacks go straight to `self`.
 *
 * @example
 * ```ts
 * const destroy = fromWork<void, { slot: string }>((input, self) => poolOwners.of(self).destroyFor(input.slot));
 * ```
 */
export function fromWork<TOutput, TInput>(run: Run<TOutput, TInput>, cancellable = false): PromiseActorLogic<TOutput, TInput> {
  const logic = {
    config: run,
    transition: (state: PromiseSnapshot<TOutput, TInput>, event: { type: string; data?: unknown }, scope: { self: AnyActorRef }) => {
      if (state.status !== 'active') return state;
      if (event.type === RESOLVE) return { ...state, status: 'done', output: event.data, input: undefined };
      if (event.type === REJECT) return { ...state, status: 'error', error: event.data, input: undefined };
      if (event.type === STOP) {
        if (cancellable) abort(scope.self);
        return { ...state, status: 'stopped', input: undefined };
      }
      return state;
    },
    start: (state: PromiseSnapshot<TOutput, TInput>, { self }: { self: AnyActorRef }) => {
      if (state.status !== 'active') return;
      let signal = NEVER;
      if (cancellable) signals.set(self, (signal = { aborted: false, onAbort: undefined }));
      let result: PromiseLike<TOutput> | TOutput;
      try {
        result = run(state.input as TInput, self, signal);
      } catch (error) {
        result = Promise.reject(error);
      }
      Promise.resolve(result).then(
        (data) => {
          if (self.getSnapshot().status === 'active') self.send({ type: RESOLVE, data });
        },
        (data: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: REJECT, data });
        },
      );
    },
    getInitialSnapshot: (_: unknown, input: TInput) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot: PromiseSnapshot<TOutput, TInput>) => snapshot,
    restoreSnapshot: (snapshot: unknown) => snapshot,
  };
  return logic as unknown as PromiseActorLogic<TOutput, TInput>;
}

/** The signal of work that cannot be cancelled (never aborted; shared, nothing sets it). */
const NEVER: WorkSignal = Object.freeze({ aborted: false, onAbort: undefined }) as WorkSignal;

function abort(self: object): void {
  const signal = signals.get(self);
  if (signal === undefined) return;
  signals.delete(self);
  signal.aborted = true;
  const onAbort = signal.onAbort;
  signal.onAbort = undefined;
  onAbort?.();
}
