// In your app: import { WebSocketConnection, type WebSocketStatus } from 'statewire';
//              import { statusOf } from 'statewire/machines';
/**
 * A React component that shows a `WebSocketConnection`'s status, live, by
 * selecting from the connection's actor with `useSelector` from `@xstate/react`.
 * It re-renders only when a selected value changes (a status change, a new
 * reconnect attempt, a new close), never for data messages: those stay out of
 * the actor.
 *
 * @example
 * ```tsx
 * const realtime = new WebSocketConnection({ url: 'wss://api.example.com/ws' });
 * void realtime.connect();
 * root.render(<ConnectionStatus connection={realtime} label="Live updates" />);
 * ```
 */
import { useSelector } from '@xstate/react';
import type { WebSocketConnection, WebSocketStatus } from '../../src/index.js';
import { statusOf } from '../../machines/index.js';

/** What each status says to a user. */
const TEXT: Record<WebSocketStatus, string> = {
  closed: 'offline',
  connecting: 'connecting…',
  idle: 'connected',
  listening: 'connected (listening)',
  thinking: 'connected (working)',
  speaking: 'connected (speaking)',
  waiting: 'connection lost, reconnecting',
  error: 'disconnected: gave up reconnecting',
};

const COLOUR: Record<WebSocketStatus, string> = {
  closed: 'grey',
  connecting: 'orange',
  idle: 'green',
  listening: 'green',
  thinking: 'green',
  speaking: 'green',
  waiting: 'orange',
  error: 'red',
};

export interface ConnectionStatusProps {
  /** The connection to show. Its `actor` is read on every render: after `attachTo()` it names a new actor. */
  connection: WebSocketConnection;
  /** What the connection is for, shown before its status. @default 'Connection' */
  label?: string;
}

/**
 * One line: a coloured dot, the label, the status in words, and while
 * reconnecting the attempt number and the last close code.
 */
export function ConnectionStatus({ connection, label = 'Connection' }: ConnectionStatusProps) {
  const status = useSelector(connection.actor, statusOf);
  const attempts = useSelector(connection.actor, (snapshot) => snapshot.context.attempts);
  const lastCloseCode = useSelector(connection.actor, (snapshot) => snapshot.context.lastClose?.code ?? null);
  const detail = status === 'waiting' || status === 'error' ? [attempts > 0 ? `attempt ${attempts}` : null, lastCloseCode === null ? null : `closed ${lastCloseCode}`].filter(Boolean).join(', ') : '';
  return (
    <p role="status" aria-live="polite" data-status={status} className={`connection-status connection-status--${status}`}>
      <span aria-hidden="true" style={{ color: COLOUR[status] }}>
        ●
      </span>{' '}
      {label}: {TEXT[status]}
      {detail === '' ? null : <small> ({detail})</small>}
    </p>
  );
}
