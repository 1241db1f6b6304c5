import { fromCallback, type Actor } from 'xstate';
import { managerMachine, type AddedConnection, type ManagerEmitted, type ManagerEvent } from '../../machines/manager.js';
import { ConfigError, StatewireError } from '../errors.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { createLog, type Log } from '../runtime/createLog.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { flushAdoptions, parentEnding } from '../runtime/MachineHost.js';
import { attachMember, hasParent, lastFailureOf, type ManageableConnection } from './connectionReadings.js';
import { GlobalHandlers, type GlobalHandler } from './GlobalHandlers.js';
import { HealthSweep } from './HealthSweep.js';
import { addOptions, disposeOptions, managerOptions, removeOptions, type AddConnectionOptions, type ConnectionManagerOptions, type RemoveConnectionOptions } from './managerOptions.js';
import { memberStatistics, type ManagerStatistics } from './managerStatistics.js';
import { Member, type MemberOwner } from './Member.js';
import { runBounded, settle, type BulkResult } from './runBounded.js';

export type { ManageableConnection } from './connectionReadings.js';

/** What `healthCheckAll()` gives per connection (its `healthCheck()` result). */
export interface ManagedHealthCheck {
  isHealthy: boolean;
  responseTime?: number;
  errorMessage?: string;
}

const passed = (): true => true;
/** The connection's own `name` option (what `connectionName` of its events says). */
const ownName = (member: Member): string => {
  const own = (member.conn as { name?: unknown }).name;
  return typeof own === 'string' ? own : member.name;
};
const healthy = (result: ManagedHealthCheck): true | Error => (result.isHealthy ? true : new StatewireError(result.errorMessage ?? 'health check failed'));

/**
 * Seed 000's ConnectionManager, as the parent of its connections in one actor
 * system (`managerMachine`): after `addConnection(conn, name)` the connection's
 * machine runs as the manager's child (`manager.actor.system.get(name)`, nested
 * under it in an inspector), whether it was made before or after the manager
 * and even when already open (it re-opens under the manager; nothing queued or
 * unacknowledged is lost). `start()` checks every connection's health once per
 * `healthCheckInterval`, spread over the interval; bulk operations run at most
 * `concurrency` at a time, each bounded by the connection's `timeout`, and
 * report `{ name, ok, error? }` per connection. `addConnection(primary, 'api',
 * { fallback: backup })` serves `'api'` from the backup while the primary is down.
 *
 * @example
 * ```ts
 * const manager = new ConnectionManager();
 * manager.addConnection(new HTTPConnection({ url: 'http://127.0.0.1:8000' }), 'api');
 * await manager.start();
 * const results = await manager.connectAll(); // [{ name: 'api', ok: true }]
 * console.log(manager.getStatistics().healthyConnections);
 * await manager.stop();
 * ```
 */
export class ConnectionManager<C extends ManageableConnection = ManageableConnection> {
  /** The root actor (read through {@link ConnectionManager.actor}, which first spawns connections joining in this turn). */
  private readonly root: Actor<typeof managerMachine>;
  private readonly members = new Map<string, Member>();
  private readonly byConnection = new Map<ManageableConnection, Member>();
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly handlers: GlobalHandlers;
  private readonly settings: ReturnType<typeof managerOptions>;
  /** Joins and leaves waiting for the next microtask (one event per kind in a row: 10,000 adds copy the record once). */
  private pending: Array<Extract<ManagerEvent, { type: 'ADDED' | 'REMOVED' }>> = [];
  /** Members whose state changed since the last CHANGED batch. */
  private dirty: Member[] = [];
  private flushQueued = false;
  private disposed = false;

  constructor(options: ConnectionManagerOptions = {}) {
    const settings = managerOptions(options);
    this.settings = settings;
    this.clock = settings.clock ?? systemClock;
    this.log = createLog({ enabled: true, logger: settings.logger, prefix: 'ConnectionManager' });
    this.handlers = new GlobalHandlers(this.log, this.clock);
    const logic = managerMachine.provide({
      actors: {
        healthSweep: fromCallback<ManagerEvent, { interval: number }>(({ input, sendBack }) => {
          const sweep = new HealthSweep(this.clock, input.interval, () => [...this.members.values()], (checked, failed) => sendBack({ type: 'SWEPT', checked, failed }));
          sweep.start();
          return () => sweep.stop();
        }),
      },
    });
    this.root = createRootActor(logic, {
      input: { healthCheckInterval: settings.healthCheckInterval, concurrency: settings.concurrency },
      clock: this.clock,
      inspect: settings.inspect,
      onError: (error) => this.log.error('actor error', error),
    });
    this.root.on('*', (event) => this.announce(event as ManagerEmitted));
  }

  /**
   * The manager's actor: its children are the connections. Connections added
   * in this turn of the event loop are spawned together (one event), at the
   * latest when this is read.
   */
  get actor(): Actor<typeof managerMachine> {
    flushAdoptions(this.root);
    return this.root;
  }

  /**
   * Manages `conn` under `name` (unique): its machine becomes the manager's
   * child `name`. With `fallback`, the backup joins too (as `<name>.fallback`
   * unless it is managed already) and serves `name` while `conn` is down.
   * Returns the manager. A taken name, or a connection managed already, is a ConfigError.
   */
  addConnection(conn: C, name: string, options: AddConnectionOptions<C> = {}): this {
    if (this.disposed) throw new StatewireError('ConnectionManager.addConnection(): the manager was disposed');
    const { fallback } = addOptions<C>(options);
    this.checkJoin(conn, name, 'name');
    let backup: Member | undefined;
    if (fallback !== undefined) {
      if (fallback === conn) throw new ConfigError('fallback', '[the connection itself]', 'expected another connection', { owner: 'ConnectionManager' });
      backup = this.byConnection.get(fallback);
      if (backup === undefined) {
        backup = this.join(fallback, this.checkJoin(fallback, `${name}.fallback`, 'fallback'), undefined);
        backup.addedAsFallback = true;
      } else if (backup.addedAsFallback || [...this.members.values()].some((m) => m.fallback === backup)) {
        throw new ConfigError('fallback', backup.name, 'already backs another connection', { owner: 'ConnectionManager' });
      }
    }
    this.join(conn, name, backup);
    return this;
  }

  /** Refuses a name or a connection that cannot join; returns the name. */
  private checkJoin(conn: unknown, name: string, option: string): string {
    const c = conn as Partial<ManageableConnection> | null;
    if (typeof c !== 'object' || c === null || typeof c.attachTo !== 'function' || typeof c.detach !== 'function') {
      throw new ConfigError(option === 'name' ? 'connection' : option, conn, 'expected a statewire connection (with attachTo and detach)', { owner: 'ConnectionManager' });
    }
    if (typeof name !== 'string' || name === '') throw new ConfigError('name', name, 'expected a non-empty string', { owner: 'ConnectionManager' });
    if (this.members.has(name) || this.root.system.get(name) !== undefined) throw new ConfigError('name', name, 'already taken in this manager', { owner: 'ConnectionManager' });
    const known = this.byConnection.get(c as ManageableConnection);
    if (known !== undefined) throw new ConfigError(option === 'name' ? 'connection' : option, `[managed as "${known.name}"]`, 'expected a connection not managed here yet', { owner: 'ConnectionManager' });
    if (hasParent(c as ManageableConnection)) {
      throw new ConfigError(option === 'name' ? 'connection' : option, '[a child of another parent]', 'expected a connection of its own (remove it from its manager or pool first)', { owner: 'ConnectionManager' });
    }
    return name;
  }

  private join(conn: ManageableConnection, name: string, fallback: Member | undefined): Member {
    // `this` is the MemberOwner (not declared with `implements`: its two methods are left out of the published types).
    const member = new Member(name, conn, this as MemberOwner);
    member.fallback = fallback;
    attachMember(conn, this.root, name);
    this.members.set(name, member);
    this.byConnection.set(conn, member);
    member.observe();
    if (this.handlers.active) this.handlers.listen(member);
    const added: AddedConnection = { name, connectionType: member.type, status: member.status, health: member.health, fallback: fallback?.name ?? null };
    this.queue({ type: 'ADDED', connections: [added] });
    return member;
  }

  /**
   * Stops managing `name` (and the backup added with it). By default the
   * connection goes on as a root actor of its own: open if it was open,
   * nothing queued or unacknowledged lost. `{ dispose: true }` disposes it
   * instead. Resolves whether `name` was managed.
   */
  async removeConnection(name: string, options: RemoveConnectionOptions = {}): Promise<boolean> {
    if (typeof name !== 'string') throw new ConfigError('name', name, 'expected the name a connection was added under', { owner: 'ConnectionManager.removeConnection' });
    const { dispose } = removeOptions(options);
    const member = this.members.get(name);
    if (member === undefined) return false;
    const leaving = member.fallback?.addedAsFallback ? [member, member.fallback] : [member];
    for (const m of leaving) {
      m.leave();
      this.members.delete(m.name);
      this.byConnection.delete(m.conn);
    }
    for (const m of this.members.values()) {
      if (m.fallback !== member) continue;
      m.fallback = undefined;
      m.servedByFallback = false;
    }
    this.queue({ type: 'REMOVED', names: leaving.map((m) => m.name) });
    for (const m of leaving) {
      if (dispose) await m.conn.dispose?.();
      else m.conn.detach();
    }
    return true;
  }

  /**
   * The connection managed as `name`; while it is failed over, its backup.
   * undefined for a name not managed here.
   */
  getConnection(name: string): C | undefined {
    const member = this.members.get(name);
    if (member === undefined) return undefined;
    // servedByFallback follows the machine's failover / failback: no lookup in its context.
    if (member.servedByFallback && member.fallback !== undefined) return member.fallback.conn as C;
    return member.conn as C;
  }

  /** What `console.log(manager)` and `util.inspect` show: a short summary (no internals, no secrets). */
  [inspectCustom](): string {
    const { healthyConnections, totalConnections } = memberStatistics(this.members.values());
    return inspectSummary('ConnectionManager', { connections: totalConnections, healthy: healthyConnections, running: this.isRunning, disposed: this.disposed || undefined });
  }

  /** What `JSON.stringify(manager)` gives: the same summary, with the connections' names. */
  toJSON(): { type: 'ConnectionManager'; connections: string[]; healthy: number; running: boolean; disposed: boolean } {
    return { type: 'ConnectionManager', connections: this.getConnectionNames(), healthy: memberStatistics(this.members.values()).healthyConnections, running: this.isRunning, disposed: this.disposed };
  }

  private get isRunning(): boolean {
    const snapshot = this.root.getSnapshot();
    return snapshot.matches('running') || snapshot.matches('idle');
  }

  /** The names of the managed connections, in the order they joined. */
  getConnectionNames(): string[] {
    return [...this.members.keys()];
  }

  /** Starts the automatic health checks (every `healthCheckInterval`, spread over it). */
  async start(): Promise<void> {
    if (this.disposed) throw new StatewireError('ConnectionManager.start(): the manager was disposed');
    this.actor.send({ type: 'START' });
  }

  /** Stops the automatic health checks; the connections stay as they are (no timer of the manager's is left). */
  async stop(): Promise<void> {
    this.actor.send({ type: 'STOP' });
  }

  /** Connects every connection (`concurrency` at a time, each bounded by its `timeout`). */
  connectAll(): Promise<BulkResult[]> {
    return this.bulk('connect', (c) => c.connect?.(), passed) as Promise<BulkResult[]>;
  }

  /** Disconnects every connection (`concurrency` at a time, each bounded by its `timeout`). */
  disconnectAll(): Promise<BulkResult[]> {
    return this.bulk('disconnect', (c) => c.disconnect?.(), passed) as Promise<BulkResult[]>;
  }

  /** Health-checks every connection that can be checked; `ok` is whether it passed, `value` its result. */
  healthCheckAll(): Promise<BulkResult<ManagedHealthCheck>[]> {
    const members = [...this.members.values()].filter((m) => m.conn.healthCheck !== undefined);
    return runBounded(
      members.map((m) => ({ name: m.name, timeout: m.timeout, run: () => this.recordCheck(m, m.conn.healthCheck!(m.timeout)), lastFailure: () => lastFailureOf(m.conn) })),
      this.settings.concurrency,
      this.clock,
      healthy,
    );
  }

  private bulk(op: 'connect' | 'disconnect', run: (conn: ManageableConnection) => unknown, judge: () => true): Promise<BulkResult<unknown>[]> {
    const members = [...this.members.values()].filter((m) => typeof m.conn[op] === 'function');
    return runBounded(
      members.map((m) => ({ name: m.name, timeout: m.timeout, run: async () => void (await run(m.conn)), lastFailure: () => lastFailureOf(m.conn) })),
      this.settings.concurrency,
      this.clock,
      judge,
    );
  }

  /** @internal One automatic health check, bounded by the connection's timeout; resolves whether it passed. */
  async check(member: Member): Promise<boolean> {
    member.checking = true;
    try {
      const result = await settle({ name: member.name, timeout: member.timeout, run: () => this.recordCheck(member, member.conn.healthCheck!(member.timeout)) }, this.clock, healthy);
      // Reported where the manager reports (its logger, console by default): a failed check is news.
      // Not when the manager stopped or ended meanwhile: a check its own dispose cut short is no news.
      if (!result.ok && !this.disposed && this.isRunning && !member.removed) this.log.warn(`health check of "${member.name}" failed: ${result.error?.message ?? 'unhealthy'}`);
      return result.ok;
    } finally {
      member.checking = false;
    }
  }

  private async recordCheck(member: Member, check: Promise<ManagedHealthCheck>): Promise<ManagedHealthCheck> {
    const result = await check.catch((error: unknown) => {
      member.checked(false, this.clock.now());
      throw error;
    });
    member.checked(result.isHealthy, this.clock.now());
    return result;
  }

  /** @internal A member's status or health changed: batched to the machine, told to global handlers. */
  changed(member: Member, previousHealth: string): void {
    if (!member.dirty) {
      member.dirty = true;
      this.dirty.push(member);
      this.scheduleFlush();
    }
    if (member.health !== previousHealth) {
      const severity = member.health === 'unhealthy' ? 'error' : member.health === 'degraded' ? 'warning' : 'info';
      this.handlers.emit(member.name, ownName(member), 'health_changed', `"${member.name}" is ${member.health} (was ${previousHealth})`, severity, { from: previousHealth, to: member.health, status: member.status });
    }
  }

  /**
   * Calls `handler(type, event)` for every event of every managed connection
   * (its `onEvent` events, a WebSocket's `reconnecting`) and the manager's own
   * (`health_changed`, `failover`, `failback`), with the connection's name
   * under the manager as `event.name`. Returns the function that removes it.
   */
  addGlobalHandler(handler: GlobalHandler): () => void {
    if (typeof handler !== 'function') throw new ConfigError('handler', handler, 'expected a function', { owner: 'ConnectionManager.addGlobalHandler' });
    const first = !this.handlers.active;
    const remove = this.handlers.add(handler);
    if (first) for (const member of this.members.values()) this.handlers.listen(member);
    return remove;
  }

  /** Aggregated health, types and counters of every managed connection (a closed connection is not healthy). */
  getStatistics(): ManagerStatistics {
    const snapshot = this.actor.getSnapshot();
    const { sweeps, lastSweep } = snapshot.context;
    const failedOver: string[] = [];
    for (const member of this.members.values()) if (member.servedByFallback && member.fallback !== undefined) failedOver.push(member.name);
    return {
      ...memberStatistics(this.members.values()),
      failedOver,
      running: this.isRunning,
      healthCheckInterval: this.settings.healthCheckInterval,
      healthCheckRounds: sweeps,
      lastHealthCheckRound: lastSweep,
    };
  }

  /**
   * Stops the manager for good: health checks end, and every connection is
   * disposed (`{ connections: 'detach' }`: each goes on as a root of its own,
   * re-opened if it was open). Nothing of the manager's is left running.
   */
  async dispose(options: { connections?: 'dispose' | 'detach' } = {}): Promise<void> {
    const { connections } = disposeOptions(options);
    if (this.disposed) return;
    this.disposed = true;
    const members = [...this.members.values()];
    this.members.clear();
    this.byConnection.clear();
    for (const member of members) member.leave();
    this.pending = [];
    this.dirty = [];
    if (connections === 'detach') {
      for (const member of members) member.conn.detach();
      this.actor.send({ type: 'DISPOSE' });
      return;
    }
    // Each connection is disposed while its machine runs (it closes as it would alone: a
    // 'closed' status, its waits rejected as disposed), and leaves its child actor to the
    // root's end, which stops them all in one transition (a release each costs more).
    parentEnding(this.actor);
    for (const member of members) await member.conn.dispose?.();
    this.actor.send({ type: 'DISPOSE' });
  }

  /** Queues a join or a leave for the next batch (consecutive ones of a kind become one event). */
  private queue(event: Extract<ManagerEvent, { type: 'ADDED' | 'REMOVED' }>): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.type === 'ADDED' && event.type === 'ADDED') last.connections.push(...event.connections);
    else if (last?.type === 'REMOVED' && event.type === 'REMOVED') last.names.push(...event.names);
    else this.pending.push(event);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Sends the batched joins and leaves in order, then one CHANGED with each changed member's state as of now. */
  private flush(): void {
    this.flushQueued = false;
    const events = this.pending;
    this.pending = [];
    for (const event of events) this.actor.send(event);
    const dirty = this.dirty;
    if (dirty.length === 0) return;
    this.dirty = [];
    const changes = [];
    for (const member of dirty) {
      member.dirty = false;
      if (!member.removed) changes.push({ name: member.name, status: member.status, health: member.health });
    }
    if (changes.length > 0) this.actor.send({ type: 'CHANGED', changes });
  }

  /** The machine's `failover` / `failback`: logged and told to global handlers (after the transition, so a handler may call the manager). */
  private announce(event: ManagerEmitted): void {
    const member = this.members.get(event.name);
    const own = member === undefined ? event.name : ownName(member);
    if (member !== undefined) member.servedByFallback = event.type === 'failover';
    if (event.type === 'failover') {
      const message = `"${event.name}" is ${event.health}: "${event.to}" serves it`;
      this.log.warn(message);
      queueMicrotask(() => this.handlers.emit(event.name, own, 'failover', message, 'warning', { to: event.to, health: event.health }));
    } else if (event.type === 'failback') {
      const message = `"${event.name}" is healthy again: it serves itself`;
      this.log.info(message);
      queueMicrotask(() => this.handlers.emit(event.name, own, 'failback', message, 'info', { from: event.from }));
    }
  }
}
