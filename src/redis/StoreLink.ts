import { fromPromise, type Actor, type AnyActorRef } from 'xstate';
import { sharedStateMachine, type SharedStateEmitted, type SharedStateEvent, type StoreChecked } from '../../machines/sharedState.js';
import type { SharedStateView } from '../runtime/SharedStateView.js';
import { createRootActor } from '../runtime/createRootActor.js';
import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { RedisLike } from './RedisLike.js';
import type { Script } from './scripts.js';

/** What {@link StoreLink} is made from (validated by `redisState`). */
export interface StoreLinkOptions {
  client: RedisLike;
  /** Channel all messages of this store travel on. */
  channel: string;
  commandTimeout: number;
  recheckMs: number;
  clock: Clock;
  onError: (error: unknown) => void;
  inspect?: Inspect;
}

/** A message on the channel: `type|instanceId|sharedKey|ms|rest`. */
export interface StoreMessage {
  type: string;
  instanceId: string;
  sharedKey: string;
  ms: number;
  rest: string;
}

/**
 * One process's link to the store: runs scripts (EVALSHA, then EVAL after a
 * NOSCRIPT, e.g. a restarted Redis) within the command timeout, sends nothing
 * while the client is not ready or the `sharedState` machine says `degraded`
 * (so a request never waits on a dead store), reports every failure to that
 * machine, and owns the pub/sub connection (`client.duplicate()`).
 *
 * @example
 * ```ts
 * const link = new StoreLink({ client, channel: 'app:events', commandTimeout: 25, recheckMs: 1000, clock: systemClock, onError: console.error });
 * const reply = link.run(TAKE, keys, [20, 30, 1]); // undefined: decide locally
 * ```
 */
export class StoreLink {
  readonly actor: Actor<typeof sharedStateMachine>;
  private connected = false;
  private readonly listeners = new Set<(message: StoreMessage) => void>();
  private readonly restoredListeners = new Set<() => void>();
  private subscriber: RedisLike | undefined;
  private disposed = false;
  /** The store's view for each client using it (their `sharedState` children), driven by this link's one health check. */
  readonly view: SharedStateView;
  private readonly views = new Set<AnyActorRef>();
  private readonly onClientReady = () => this.actor.send({ type: 'CLIENT_READY' });
  private readonly onClientLost = () => this.lost('connection to Redis lost');

  constructor(private readonly options: StoreLinkOptions) {
    const machine = sharedStateMachine.provide({
      actors: { checkStore: fromPromise(() => this.check()) },
    });
    this.actor = createRootActor(machine, {
      input: { recheckMs: options.recheckMs },
      clock: options.clock,
      onError: options.onError,
      // The recheck timer must not keep the process alive.
      background: true,
      inspect: options.inspect,
      onSnapshot: (snapshot) => {
        const now = snapshot.matches('connected');
        const was = this.connected;
        this.connected = now;
        if (now === was) return;
        // The clients' views follow: a lost store is FAILED for them too, a reached one ends their wait.
        const { since, reason } = snapshot.context;
        this.tellViews(now ? { type: 'CLIENT_READY' } : { type: 'FAILED', at: since ?? this.options.clock.now(), reason: reason ?? 'store lost' });
        if (now) for (const l of this.restoredListeners) l();
      },
    });
    this.view = {
      // A client's view checks nothing itself: it asks this link, so a hundred clients add no Redis command.
      logic: sharedStateMachine.provide({ actors: { checkStore: fromPromise(() => this.viewCheck()) } }),
      input: { recheckMs: options.recheckMs },
      drive: (child) => {
        this.views.add(child);
        return () => this.views.delete(child);
      },
    };
    options.client.on('ready', this.onClientReady);
    options.client.on('end', this.onClientLost);
    options.client.on('reconnecting', this.onClientLost);
    this.subscribe();
  }

  /** Whether a command may be sent now (connected view and a ready client). */
  get usable(): boolean {
    return this.connected && this.options.client.isReady && !this.disposed;
  }

  /**
   * Runs `script`: resolves its reply, or `undefined` when the store cannot
   * answer within the command timeout (then the caller decides locally). Returns
   * `undefined` at once, sending nothing, while the store is not usable.
   */
  run(script: Script, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> | undefined {
    return this.call(script, StoreLink.prepare(script, keys, args), identity);
  }

  /** The EVALSHA command line of `script` (for {@link StoreLink.call}, which never changes it: build it once, send it often). */
  static prepare(script: Script, keys: readonly string[], args: ReadonlyArray<string | number>): string[] {
    const argv = ['EVALSHA', script.sha, String(keys.length), ...keys];
    for (const a of args) argv.push(String(a));
    return argv;
  }

  /**
   * {@link StoreLink.run} with a prepared command line and the reply handled in
   * the same step: resolves `settle(reply)`, or `settle(undefined)` when the store
   * could not answer in time. One promise per call, no timer per call: this is a
   * shared take's hot path. `settle` must not throw.
   */
  call<T>(script: Script, argv: readonly string[], settle: (reply: unknown) => T): Promise<T> | undefined {
    if (!this.usable) return undefined;
    return new Promise<T>((resolve) => {
      const entry = this.track((error) => resolve(settle(this.failed(error, script))));
      this.options.client.sendCommand(argv).then(
        (reply) => {
          if (entry.done) return;
          this.finish(entry);
          resolve(settle(reply));
        },
        (error: unknown) => {
          if (entry.done) return;
          this.finish(entry);
          if (!isNoScript(error)) return resolve(settle(this.failed(error, script)));
          // A restarted (or flushed) Redis has no scripts: EVAL loads it again.
          resolve(this.command(['EVAL', script.source, ...argv.slice(2)]).then(settle, (e: unknown) => settle(this.failed(e, script))));
        },
      );
    });
  }

  /** Every message on the channel. */
  onMessage(listener: (message: StoreMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called each time the store becomes usable (first connection, after a degradation, the subscriber back): re-read what may have been missed. */
  onRestored(listener: () => void): () => void {
    this.restoredListeners.add(listener);
    return () => this.restoredListeners.delete(listener);
  }

  on<K extends SharedStateEmitted['type']>(type: K, handler: (event: Extract<SharedStateEmitted, { type: K }>) => void): () => void {
    const sub = this.actor.on(type, handler as never);
    return () => sub.unsubscribe();
  }

  /**
   * One command within the timeout. node-redis's own `timeout` option covers
   * only the queue (not the reply) and costs ~5× the command's throughput (an
   * AbortSignal.timeout per command), so the deadline is ours: one sweeping
   * timer while commands are in flight (a command fails at most half a timeout
   * late), no timer per command. Commands are only sent while the client is
   * ready, and the first timeout stops further ones (degraded), so nothing piles
   * up in node-redis's queue. Time the event loop spent busy here (a late sweep)
   * does not count against a command: only the store's slowness degrades.
   */
  private command(args: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const entry = this.track(reject);
      this.options.client.sendCommand(args).then(
        (reply) => {
          this.finish(entry);
          resolve(reply);
        },
        (error: unknown) => {
          this.finish(entry);
          reject(error);
        },
      );
    });
  }

  /** A command in flight from now: `fail` ends it when the deadline passes (the sweeper starts with the first one). */
  private track(fail: (error: Error) => void): Pending {
    const entry: Pending = { deadline: performance.now() + this.options.commandTimeout, fail, done: false };
    this.pending.push(entry);
    if (this.sweeper === undefined) {
      this.lastSweep = performance.now();
      this.sweeper = setInterval(this.sweep, Math.max(1, this.options.commandTimeout >> 1));
      this.sweeper.unref?.();
    }
    return entry;
  }

  /**
   * An answered command: the answered ones at the head leave the queue at once
   * (replies come in order), so it holds only what is in flight and no garbage
   * outlives its reply (a queue swept only every half timeout made the GC copy
   * thousands of answered entries).
   */
  private finish(entry: Pending): void {
    entry.done = true;
    const pending = this.pending;
    let head = this.pendingHead;
    while (head < pending.length && pending[head]!.done) head++;
    if (head === pending.length) {
      pending.length = 0;
      head = 0;
    } else if (head >= 64 && head * 2 >= pending.length) {
      pending.splice(0, head);
      head = 0;
    }
    this.pendingHead = head;
  }

  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private lastSweep = 0;
  private readonly sweep = () => {
    const now = performance.now();
    const pending = this.pending;
    let i = this.pendingHead;
    // A sweep that comes late found the event loop busy here (a module loading, a long task):
    // that time is not the store's, so it does not count against the commands in flight.
    const interval = Math.max(1, this.options.commandTimeout >> 1);
    const stalled = now - this.lastSweep - interval;
    this.lastSweep = now;
    if (stalled > interval) for (let j = i; j < pending.length; j++) pending[j]!.deadline += stalled;
    const late: Pending[] = [];
    for (; i < pending.length; i++) {
      const entry = pending[i]!;
      if (!entry.done) {
        if (entry.deadline > now) break;
        late.push(entry);
      }
    }
    // Timers run before I/O: after a busy event loop (a module loading, a long task) the
    // reply may already be waiting in the socket. The verdict comes after this turn's I/O.
    if (late.length > 0) setImmediate(() => this.expire(late));
    if (i === pending.length) {
      pending.length = 0;
      this.pendingHead = 0;
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    } else if (i > 1024) {
      pending.splice(0, i);
      this.pendingHead = 0;
    } else this.pendingHead = i;
  };

  private expire(late: Pending[]): void {
    for (const entry of late) {
      if (entry.done) continue;
      entry.done = true;
      entry.fail(new Error(`Redis did not answer within ${this.options.commandTimeout} ms`));
    }
  }

  private failed(error: unknown, script: Script): undefined {
    const reason = `${script.name}: ${error instanceof Error ? error.message : String(error)}`;
    // A script error (ERR …) is a bug here, not an outage: report it, and still decide locally.
    if (/^(?:ERR|WRONGTYPE)/.test((error as Error)?.message ?? '')) this.options.onError(new Error(`statewire/redis script ${reason}`));
    this.lost(reason);
    return undefined;
  }

  private lost(reason: string): void {
    if (this.disposed) return;
    this.actor.send({ type: 'FAILED', at: this.options.clock.now(), reason });
  }

  /** A client's view asks: resolves while this link is connected, else fails with why (its next ask comes with CLIENT_READY, or after `recheckMs`). */
  private viewCheck(): Promise<StoreChecked> {
    if (this.connected && !this.disposed) return Promise.resolve({ at: this.options.clock.now() });
    return Promise.reject(new Error(this.actor.getSnapshot().context.reason ?? 'Redis not reached yet'));
  }

  private tellViews(event: SharedStateEvent): void {
    for (const view of this.views) {
      if (view.getSnapshot().status === 'active') view.send(event);
      else this.views.delete(view);
    }
  }

  /** The `checkStore` actor: a PING within the command timeout. */
  private async check(): Promise<{ at: number }> {
    if (this.disposed) throw new Error('disposed');
    if (!this.options.client.isReady) throw new Error('Redis client not ready');
    await this.command(['PING']);
    return { at: this.options.clock.now() };
  }

  private subscribe(): void {
    const sub = this.options.client.duplicate();
    this.subscriber = sub;
    // node-redis emits 'error' on every failed reconnect; unheard, it would crash the process.
    sub.on('error', () => {});
    // Back after a drop: messages may have been missed, so re-read.
    sub.on('ready', () => {
      if (this.connected) for (const l of this.restoredListeners) l();
    });
    const deliver = (raw: string) => {
      const [type, instanceId, sharedKey, ms, ...rest] = raw.split('|');
      if (type === undefined || instanceId === undefined || sharedKey === undefined) return;
      const message = { type, instanceId, sharedKey, ms: Number(ms), rest: rest.join('|') };
      for (const l of this.listeners) {
        try {
          l(message);
        } catch (error) {
          this.options.onError(error);
        }
      }
    };
    sub
      .connect()
      .then(() => (this.disposed ? undefined : sub.subscribe(this.options.channel, deliver)))
      .catch((error: unknown) => {
        if (!this.disposed) this.options.onError(error);
      });
  }

  /** Stops the machine and closes the pub/sub client (the user's client stays theirs). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.options.client.off('ready', this.onClientReady);
    this.options.client.off('end', this.onClientLost);
    this.options.client.off('reconnecting', this.onClientLost);
    this.actor.stop();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const entry of this.pending) {
      if (entry.done) continue;
      entry.done = true;
      entry.fail(new Error('statewire/redis disposed'));
    }
    this.pending.length = 0;
    const sub = this.subscriber;
    this.subscriber = undefined;
    try {
      if (sub?.destroy) sub.destroy();
      else void sub?.disconnect?.().catch(() => {});
    } catch {
      // already closed
    }
    this.listeners.clear();
    this.restoredListeners.clear();
    this.views.clear();
  }
}

/** A command in flight: its deadline (performance.now() ms) and how to fail it. */
interface Pending {
  deadline: number;
  fail: (error: Error) => void;
  done: boolean;
}

const identity = (reply: unknown): unknown => reply;

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
