import type { LoopTracking } from './reconnectLoop.js';
import type { Jitter } from './backoffDelay.js';
import type { Deadline } from './deadline.js';

/** Input of the WebSocket machine: plain data, no secrets (the URL is shown redacted). Durations in ms. */
export interface WebSocketInput {
  /** The URL as the inspector may show it (redacted by the runtime). */
  url?: string;
  /** How long an opening may take. Default 10000. */
  connectTimeout?: number;
  /** Ping every this often while open; 0 turns the heartbeat off. Default 30000. */
  pingInterval?: number;
  /** No pong within this → the socket is dead: terminate and reconnect. Default 10000. */
  pongTimeout?: number;
  /** First reconnect delay; doubles, capped at `maxReconnectDelay`. Default 2000 (seed 004). */
  reconnectDelay?: number;
  maxReconnectDelay?: number;
  /** Attempts after a link that opened dropped; `Infinity` (the seed's default) for no limit. */
  maxReconnectAttempts?: number;
  /** Attempts one `CONNECT` may make before a link first opens (seed 000's `retryCount + 1`). Default `Infinity`. */
  maxConnectAttempts?: number;
  /** The attempt count resets only after a connection stayed up this long. Default 5000. */
  minUptime?: number;
  jitter?: Jitter;
  /** First seed of the reconnect jitter (the runtime draws it). */
  seed?: number;
  /** Whether the network is up at start (browsers: `navigator.onLine`). Default true. */
  online?: boolean;
}

export type Activity = 'idle' | 'listening' | 'thinking' | 'speaking';
/**
 * The user-visible status: seed 004's six (an activity while connected,
 * `waiting` while reconnecting after a drop or a failed attempt, `error` when it
 * gave up or was refused) plus `connecting` (a `connect()` opening a link that
 * is not up yet: the first open, or one after `disconnect`) and `closed` (not
 * connected and not trying: fresh, or after `disconnect` / `dispose`).
 */
export type WebSocketStatus = Activity | 'connecting' | 'waiting' | 'error' | 'closed';

/**
 * The loop's part (`reconnect`, `attempts`, `nextDelay`, `sessionOpened`, `down`) is `LoopTracking`; the
 * pending timer of the link (connect timeout, next ping, pong deadline) is a
 * `Deadline`, so a restored snapshot can be re-armed with `RESUME`.
 */
export interface WebSocketContext extends LoopTracking, Deadline {
  url: string;
  connectTimeout: number;
  pingInterval: number;
  pongTimeout: number;
  /** False after the runtime reported the network gone (browsers' `offline`). */
  online: boolean;
  lastClose: { code: number; reason: string } | null;
  lastError: string | null;
  connectedAt: number | null;
  /** The session dropped or an attempt failed since `CONNECT`: attempts now are reconnects (status `waiting`). */
  reconnecting: boolean;
  /** The open link can run the ping/pong heartbeat (false: a browser socket without an app-level ping). */
  heartbeat: boolean;
}

/**
 * Events. An optional `at` (epoch ms, the runtime's clock) on an event that starts
 * a timer (`CONNECT`, `ONLINE`, `OFFLINE`, `PONG`; `OPENED` always has one) lets
 * the machine keep that timer's absolute deadline, so `RESUME` re-arms a restored
 * snapshot for only what is left; without it `RESUME` waits the whole delay again.
 */
export type WebSocketEvent =
  | { type: 'CONNECT'; at?: number }
  | { type: 'DISCONNECT' }
  /** Reconnect now (the health URL answered, the browser came online). */
  | { type: 'RETRY_NOW' }
  /** Browsers: the network came back / went away; the page became visible again. */
  | { type: 'ONLINE'; at?: number }
  | { type: 'OFFLINE'; at?: number }
  | { type: 'VISIBLE' }
  /**
   * Sent after restoring a snapshot (XState drops pending `after` timers on
   * restore, statelyai/xstate#5331): re-arms the link's pending timer (connect
   * timeout, next ping, pong deadline) for what is left until its `dueAt`, and the
   * reconnect loop's wait while `waiting`. Ignored where no timer runs, so it is
   * harmless on a live actor whose deadlines are known.
   */
  | { type: 'RESUME'; at: number }
  // From the socket actor:
  /** `heartbeat: false`: this socket cannot be pinged (a browser without an app-level ping), so no heartbeat runs. */
  | { type: 'OPENED'; at: number; heartbeat?: boolean }
  /**
   * `terminal`: the runtime's `shouldReconnect` said this close ends the session.
   * `at`: when it closed (the runtime's clock); a connection that lasted
   * `minUptime` resets the attempt count.
   */
  | { type: 'SOCKET_CLOSED'; code: number; reason: string; wasOpen: boolean; terminal?: boolean; at?: number }
  /** The opening failed before a socket existed: refused, URL provider rejected, handshake answered `status`. */
  | { type: 'SOCKET_FAILED'; reason: string; status?: number }
  | { type: 'PONG'; at?: number }
  // From the health poll while waiting:
  | { type: 'HEALTHY' }
  // Activity, told by the runtime only when it changes:
  | { type: 'STREAM_AUDIO' }
  | { type: 'USER_MESSAGE' }
  | { type: 'SPEAKING' }
  | { type: 'IDLE' };

export type WebSocketEmitted =
  | { type: 'open'; at: number }
  | { type: 'close'; code: number; reason: string; wasOpen: boolean }
  | { type: 'reconnecting'; attempt: number; delay: number }
  | { type: 'max_reconnect_attempts'; attempts: number }
  /** An attempt failed or a close was terminal; `status` (upgrade answer) or `code` (close) when the server was reached. */
  | { type: 'error'; message: string; status?: number; code?: number }
  /** The runtime pings the open socket (a ping frame, or the app-level ping in browsers). */
  | { type: 'ping' }
  /** The runtime drops the open socket at once: its peer stopped answering. */
  | { type: 'terminate' };
