/**
 * A timed state's pending deadline, kept in context so a restored snapshot can be
 * re-armed (ARCHITECTURE rule 8): XState drops pending `after` timers on restore
 * (statelyai/xstate#5331), so each timed state records when its timer fires
 * (`dueAt`, epoch ms, from the `at` of the event that entered it) and the delay its
 * `after` waits (`dueIn`, ms). `RESUME { at }` re-enters the state, whose `after`
 * then waits only what is left (`dueAt - at`).
 *
 * The state's entry action calls {@link armDeadline}; its named delay reads `dueIn`.
 */
export interface Deadline {
  /** When the current timed state's timer fires (epoch ms); null when the event that entered it carried no time. */
  dueAt: number | null;
  /** The delay the current timed state's `after` waits (ms): its full duration, or what was left at a `RESUME`. */
  dueIn: number;
}

/** The part of an event the deadline reads: its type, and its time when it has one. */
type Timed = { type: string; at?: number };

/** No timed state pending (the initial value, and after the timed states were left). */
export const noDeadline: Deadline = { dueAt: null, dueIn: 0 };

/**
 * The deadline of a timed state of `ms` entered by `event`, given the one before.
 *
 * - `RESUME { at }` (a restored snapshot re-armed): what is left until `dueAt`
 *   (0 when it has passed); with no known `dueAt`, the whole `ms` from `at`.
 * - an event with `at`: `at + ms`.
 * - an `after` timer of the previous timed state (`xstate.after.*`): it fired at
 *   the previous `dueAt`, so this one ends `ms` later.
 * - anything else (no time known): `dueAt` null; a `RESUME` then waits all of `ms`.
 *
 * @example
 * ```ts
 * armDeadline(500, noDeadline, { type: 'CONNECT', at: 1_000 });      // { dueAt: 1500, dueIn: 500 }
 * armDeadline(500, { dueAt: 1_500, dueIn: 500 }, { type: 'RESUME', at: 1_300 }); // { dueAt: 1500, dueIn: 200 }
 * ```
 */
export function armDeadline(ms: number, previous: Deadline, event: Timed): Deadline {
  const at = Number.isFinite(event.at) ? (event.at as number) : null;
  if (event.type === 'RESUME' && at !== null) {
    return previous.dueAt === null ? { dueAt: at + ms, dueIn: ms } : { dueAt: previous.dueAt, dueIn: Math.max(0, previous.dueAt - at) };
  }
  const now = at ?? (event.type.startsWith('xstate.after.') ? previous.dueAt : null);
  return { dueAt: now === null ? null : now + ms, dueIn: ms };
}
