import type { AnyActorLogic, AnyActorRef } from 'xstate';
import type { MachineHost } from '../runtime/MachineHost.js';
import { ApiClient } from '../http/ApiClient.js';
import { HTTPConnection } from '../http/HTTPConnection.js';
import { SSEConnection } from '../sse/SSEConnection.js';
import { WebSocketConnection } from '../websocket/WebSocketConnection.js';
import { healthOfStatus } from '../runtime/PersistentConnection.js';
import type { ConnectionMetrics } from '../metrics/ConnectionMetrics.js';
import type { ConnectionEvent } from '../runtime/ConnectionEvents.js';

/**
 * What a connection must offer to be managed: a machine that can run as a
 * child (`attachTo`) and run alone again (`detach`). Everything else is used
 * when there: statewire's WebSocketConnection, GuruConnection, SSEConnection,
 * HTTPConnection and ApiClient have what applies to them.
 */
export interface ManageableConnection {
  readonly actor: AnyActorRef;
  attachTo(parent: AnyActorRef, name: string): AnyActorRef;
  detach(): AnyActorRef;
  readonly connectionType?: string;
  connect?(): Promise<unknown>;
  disconnect?(): Promise<unknown>;
  healthCheck?(timeout?: number): Promise<{ isHealthy: boolean; responseTime?: number; errorMessage?: string }>;
  isConnected?(): boolean;
  onEvent?(handler: (event: ConnectionEvent) => void): () => void;
  dispose?(): unknown;
}

/** The host that runs a statewire connection's machine (undefined for another kind of connection). */
export function hostOf(conn: ManageableConnection): MachineHost<AnyActorLogic> | undefined {
  if (conn instanceof WebSocketConnection) return conn['host'];
  if (conn instanceof SSEConnection) return conn['host'];
  if (conn instanceof HTTPConnection) return conn['core']['host'];
  if (conn instanceof ApiClient) return conn['core']['host'];
  return undefined;
}

/**
 * Makes `conn` the child `name` of `parent`: a WebSocket or SSE connection
 * whose machine does not run yet joins the turn's batch (one XState event for
 * all of them, see `MachineHost.adoptSoon`); any other through its `attachTo`.
 */
export function attachMember(conn: ManageableConnection, parent: AnyActorRef, name: string): void {
  const fresh = (conn instanceof WebSocketConnection && !conn['disposed']) || (conn instanceof SSEConnection && !conn['disposed']);
  const host = fresh ? hostOf(conn) : undefined;
  if (host !== undefined && !host.running && !host.hasParent) host.adoptSoon(parent, name);
  else conn.attachTo(parent, name);
}

/** Whether `conn` runs (or waits to run) as another parent's child, read without making its actor. */
export function hasParent(conn: ManageableConnection): boolean {
  const host = hostOf(conn);
  if (host !== undefined) return host.hasParent;
  return (conn.actor as { _parent?: unknown } | undefined)?._parent !== undefined;
}

/** What a WebSocket or SSE connection last failed with (what its connect() would reject with). */
export function lastFailureOf(conn: ManageableConnection): Error | undefined {
  if (conn instanceof WebSocketConnection) return conn['lastFailure'];
  if (conn instanceof SSEConnection) return conn['lastFailure'];
  return undefined;
}

/** A connection's status word and health now. */
export interface ConnectionState {
  status: string;
  health: string;
}

/** The timeout of a connection that declares none (an ApiClient's default). */
const DEFAULT_TIMEOUT = 12_000;

/** The connection's `connectionType` (`http` for an ApiClient, `unknown` for others without one). */
export function typeOf(conn: ManageableConnection): string {
  if (conn instanceof ApiClient) return 'http';
  return typeof conn.connectionType === 'string' ? conn.connectionType : 'unknown';
}

/** The connection's own `timeout` option, ms: what bounds one bulk operation on it. */
export function timeoutOf(conn: ManageableConnection): number {
  if (conn instanceof WebSocketConnection) return conn['options'].timeout;
  if (conn instanceof SSEConnection) return conn['options'].timeout;
  if (conn instanceof HTTPConnection) return conn['config'].timeout;
  if (conn instanceof ApiClient) return conn['defaults'].timeout ?? DEFAULT_TIMEOUT;
  return DEFAULT_TIMEOUT;
}

/**
 * The status and health a connection has now, read from its fields (no
 * allocation but the result): called on every snapshot of its machine.
 */
export function stateOf(conn: ManageableConnection): ConnectionState {
  if (conn instanceof WebSocketConnection) {
    const status = conn['status'];
    return { status, health: healthOfStatus(status) };
  }
  if (conn instanceof SSEConnection) {
    // The SSE machine's `idle` covers both a fresh connection and an open stream.
    const own = conn['status'];
    const status = conn['open'] ? 'open' : own === 'idle' ? 'closed' : own;
    return { status, health: healthOfStatus(status) };
  }
  if (conn instanceof HTTPConnection) {
    // A disconnected HTTPConnection is not healthy, whatever its last request said.
    const connected = conn['connected'];
    return { status: connected ? 'connected' : 'closed', health: connected ? (conn['events'].currentHealth ?? 'unknown') : 'unknown' };
  }
  if (conn instanceof ApiClient) return { status: 'ready', health: conn['core'].currentHealth };
  const json = (conn as { toJSON?: () => { status?: unknown; health?: unknown } }).toJSON?.();
  return { status: String(json?.status ?? 'unknown'), health: String(json?.health ?? 'unknown') };
}

/** Running totals `getStatistics()` sums into (one object per call, not per connection). */
export interface Totals {
  requests: number;
  errors: number;
  /** Sum of request durations, ms (mean × count per connection). */
  responseTime: number;
  /** Requests whose durations are in `responseTime` (an ApiClient counts requests without timing them). */
  timedRequests: number;
  messagesSent: number;
  messagesReceived: number;
}

function addMetrics(totals: Totals, metrics: ConnectionMetrics | undefined): void {
  if (metrics === undefined) return;
  const requests = metrics['requests'];
  totals.requests += requests;
  totals.errors += metrics['failedRequests'] + metrics['otherErrors'];
  totals.responseTime += metrics['latency'].mean * requests;
  totals.timedRequests += requests;
}

/**
 * Adds one connection's counters to `totals`, reading its fields: what its
 * `getMetrics()` reports, without making the metrics of a connection that has
 * none yet, nor a snapshot object per connection.
 */
export function addCounters(totals: Totals, conn: ManageableConnection): void {
  if (conn instanceof WebSocketConnection) {
    addMetrics(totals, conn['metricsInstance']);
    totals.messagesSent += conn['messagesSent'];
    totals.messagesReceived += conn['messagesReceived'];
  } else if (conn instanceof SSEConnection) {
    addMetrics(totals, conn['metricsInstance']);
    totals.messagesReceived += conn['receiver'].eventsReceived;
  } else if (conn instanceof HTTPConnection) {
    addMetrics(totals, conn['metrics']);
  } else if (conn instanceof ApiClient) {
    const counters = conn['core'].counters;
    totals.requests += counters.requests;
    totals.errors += counters.failed;
  }
}
