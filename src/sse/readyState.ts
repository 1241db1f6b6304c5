import type { SnapshotFrom } from 'xstate';
import type { sseMachine } from '../../machines/sse.js';

/**
 * `EventSource.readyState`'s values, as `SSEConnection.CONNECTING` / `OPEN` /
 * `CLOSED` give them.
 *
 * @example
 * ```ts
 * if (sse.readyState === SSE_READY_STATE.OPEN) console.log('streaming');
 * ```
 */
export const SSE_READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSED: 2 } as const;

/** 0 CONNECTING, 1 OPEN, 2 CLOSED. */
export type SSEReadyState = (typeof SSE_READY_STATE)[keyof typeof SSE_READY_STATE];

/**
 * The `readyState` a snapshot of the SSE machine stands for, with
 * `EventSource`'s meanings: OPEN while the stream is open; CONNECTING while a
 * session tries to open one, waiting to reconnect included (as an
 * `EventSource` that lost its stream); CLOSED otherwise: fresh, disconnected,
 * stopped by a 204, given up (`error`), or disposed.
 *
 * @example
 * ```ts
 * readyStateOf(actor.getSnapshot()); // 0 | 1 | 2
 * ```
 */
export function readyStateOf(snapshot: SnapshotFrom<typeof sseMachine>): SSEReadyState {
  if (snapshot.status !== 'active') return SSE_READY_STATE.CLOSED;
  if (snapshot.matches({ session: { stream: 'open' } })) return SSE_READY_STATE.OPEN;
  if (snapshot.matches('session')) return SSE_READY_STATE.CONNECTING;
  return SSE_READY_STATE.CLOSED;
}
