import type { AnyActorLogic, AnyActorRef } from 'xstate';
import type { Clock } from './clock.js';
import type { MachineHost } from './MachineHost.js';
import { StatewireError } from '../errors.js';
import { ConnectionHealth } from '../config/enums.js';
import type { Log } from './createLog.js';
import { ConnectionMetrics, type ConnectionMetricsSnapshot } from '../metrics/ConnectionMetrics.js';
import { CallbackError } from './callUserFn.js';
import { ConnectionEvents, type ConnectionEvent, type EventSeverity } from './ConnectionEvents.js';

/**
 * What the long-lived connections (WebSocket, SSE) share: seed 000's
 * `onEvent` / `onHealthChange` / `emitEvent` / `getMetrics`, with the event
 * hub and the metrics made on first use (a thousand idle connections should
 * not carry them), and the promises of `connect()` callers waiting for the
 * link to open. A base class rather than a helper object: no extra object per
 * connection.
 *
 * @example
 * ```ts
 * class MyConnection extends PersistentConnection {
 *   connect() { this.actor.send({ type: 'CONNECT' }); return this.waitForOpen(); }
 * }
 * ```
 */
export abstract class PersistentConnection {
  abstract readonly name: string;
  protected abstract readonly clock: Clock;
  protected eventsInstance: ConnectionEvents | undefined = undefined;
  protected metricsInstance: ConnectionMetrics | undefined = undefined;
  private openWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> | undefined = undefined;

  /** The connection's log (redacting its secrets). */
  protected abstract get log(): Log;
  /** The health its status stands for now. */
  protected abstract get health(): ConnectionHealth;
  /** Whether `monitoring` is on. */
  protected abstract get monitoring(): boolean;
  /** When the open link opened, or null when it is not open. */
  protected abstract get openSince(): number | null;

  /** The event hub; made for the first subscriber, knowing the health so far. */
  protected get events(): ConnectionEvents {
    if (this.eventsInstance === undefined) {
      this.eventsInstance = new ConnectionEvents(this.name, this.clock, () => this.log, (callback, error) => this.callbackFailed(callback, error));
      this.eventsInstance.health(this.health);
    }
    return this.eventsInstance;
  }

  /** Only health checks are timed here; made on first use, with the uptime of a link already open. */
  protected get metrics(): ConnectionMetrics {
    if (this.metricsInstance === undefined) {
      // A small sample keeps 1,000 connections cheap.
      this.metricsInstance = new ConnectionMetrics({ clock: this.clock, enabled: this.monitoring, sampleSize: 32 });
      const since = this.openSince;
      if (since !== null) this.metricsInstance.markConnected(since);
    }
    return this.metricsInstance;
  }

  /**
   * @internal A callback of the caller's threw (contained by `callUserFn`, or an
   * `onEvent` / `onHealthChange` handler): reported as a {@link CallbackError} to
   * {@link PersistentConnection.reportError} (the `error` event) and as an `onEvent` event
   * `callback_error` with severity `error`, and logged. No loop: a throwing `error`
   * handler is not reported as an error again, a throwing `onEvent` handler not to
   * `onEvent`. Never throws.
   */
  callbackFailed(callback: string, error: unknown): void {
    const failure = new CallbackError(this.ownerName, callback, error);
    failure.message = this.log.redactor.text(failure.message);
    this.log.error(failure.message, error);
    if (callback !== 'onEvent handler') this.eventsInstance?.emit('callback_error', failure.message, 'error', { callback });
    const heard = callback !== "'error' handler" && this.reportError(failure);
    // Nobody listens and logging is off: the failure must still show somewhere.
    if (!heard && !this.log.enabled) console.error(`[statewire] ${failure.message}`);
  }

  /**
   * Hands an error to the connection's `on('error')` listeners (a throwing listener is
   * reported as `'error' handler`); true when at least one listener heard it. Default: none.
   */
  protected reportError(_error: Error): boolean {
    return false;
  }

  /**
   * Runs `move` (attach to a parent, or detach to a root of its own) and re-opens on the
   * new actor a session that was open: XState cannot move a running actor, so the old
   * one stops (closing its link) and the new one dials again. Returns the new actor.
   */
  protected moveSession(host: MachineHost<AnyActorLogic>, what: 'attachTo' | 'detach', disposed: boolean, move: () => AnyActorRef): AnyActorRef {
    if (disposed) throw new StatewireError(`${this.ownerName}.${what}(): the connection was disposed`);
    const wasOpen = host.running && host.actor.getSnapshot().matches('session');
    const actor = move();
    if (wasOpen) actor.send({ type: 'CONNECT', at: this.clock.now() });
    return actor;
  }

  /** The class name the connection's errors start with. */
  protected get ownerName(): string {
    return 'PersistentConnection';
  }

  /** A promise for the next open, settled by {@link PersistentConnection.settleOpenWaiters}. */
  protected waitForOpen(): Promise<void> {
    return new Promise<void>((resolve, reject) => (this.openWaiters ??= []).push({ resolve, reject }));
  }

  /** Resolves every `connect()` waiting (no error) or rejects them with `error`. */
  protected settleOpenWaiters(error?: unknown): void {
    const waiters = this.openWaiters;
    this.openWaiters = undefined;
    if (waiters === undefined) return;
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  /** Whether some `connect()` is waiting. */
  protected get awaitingOpen(): boolean {
    return this.openWaiters !== undefined;
  }

  getMetrics(): ConnectionMetricsSnapshot {
    return this.metrics.snapshot();
  }

  onEvent(handler: (event: ConnectionEvent) => void): () => void {
    return this.events.onEvent(handler);
  }

  onHealthChange(handler: (health: ConnectionHealth) => void): () => void {
    return this.events.onHealthChange(handler);
  }

  /** Sends an event of the caller's to `onEvent` subscribers (none: nothing happens). */
  emitEvent(eventType: string, options: { data?: unknown; severity?: EventSeverity; message?: string } = {}): void {
    this.eventsInstance?.emit(eventType, options.message ?? eventType, options.severity ?? 'info', options.data);
  }
}

/**
 * The health a connection's user-visible status stands for: UNKNOWN while
 * nothing is known (`closed`: fresh or closed on purpose, `connecting`: the
 * first attempt has no outcome yet), DEGRADED while `waiting` to reconnect,
 * UNHEALTHY in `error`, HEALTHY while up.
 *
 * @example
 * ```ts
 * healthOfStatus('waiting'); // ConnectionHealth.DEGRADED
 * healthOfStatus('closed');  // ConnectionHealth.UNKNOWN
 * ```
 */
export function healthOfStatus(status: string): ConnectionHealth {
  if (status === 'error') return ConnectionHealth.UNHEALTHY;
  if (status === 'waiting') return ConnectionHealth.DEGRADED;
  if (status === 'closed' || status === 'connecting') return ConnectionHealth.UNKNOWN;
  return ConnectionHealth.HEALTHY;
}
