import { FaultSseServer } from '../servers/FaultSseServer.js';
import { waitUntil } from '../servers/waitUntil.js';
import { withTimeout } from './withTimeout.js';

/** One thing a runtime SSE test does to the server. */
export type SseAction = { kind: 'push' } | { kind: 'end' } | { kind: 'drop' } | { kind: 'reject'; status: number } | { kind: 'stall' } | { kind: 'resume' };

/** What the SSE model tracks: events pushed (`{ n }`, ids '1', '2', …) and whether the server is stalled. */
export interface SseModelState {
  pushed: number;
  stalled: boolean;
}

/** What a runtime SSE test needs of a connection: `SSEConnection` structurally. */
export interface SseUnderTest {
  connect(): Promise<void>;
  on(event: string, handler: (message: { id: string; data: unknown }) => void): unknown;
  isConnected(): boolean;
  dispose(): void;
}

/** Options of the runtime SSE model tests. */
export interface SseRuntimeOptions {
  /** A fresh connection to `url`, not connected yet (short retry delays, and an `idleTimeout` if stalls should be detected). */
  connect: (url: string) => SseUnderTest;
  /** Longest wait of one action, ms. @default 3000 */
  stepTimeout?: number;
  /** Longest wait for every event to arrive at the end, ms. @default 5000 */
  settleTimeout?: number;
}

/** Whether `action` applies in `state`: `resume` only while stalled, `stall` only while not. */
export function sseActionApplies(action: SseAction, state: SseModelState): boolean {
  return action.kind === 'resume' ? state.stalled : action.kind === 'stall' ? !state.stalled : true;
}

/**
 * The oracle of an SSE run, from the contract (resume with `Last-Event-ID`):
 * every event pushed delivered exactly once and in order, nothing else; each
 * reconnect names an event the client had received (or none before the first),
 * never going back; connected at the end.
 */
export function sseViolations(state: SseModelState, received: Array<{ id: string; data: unknown }>, lastEventIds: Array<string | undefined>, connected: boolean): string[] {
  const out: string[] = [];
  const ns = received.map((m) => (m.data as { n?: unknown } | null)?.n);
  for (let n = 1; n <= state.pushed; n++) {
    const times = ns.filter((x) => x === n).length;
    if (times !== 1) out.push(`event ${n} was delivered ${times} times`);
  }
  for (const m of received) if (typeof (m.data as { n?: unknown } | null)?.n !== 'number' || m.id !== String((m.data as { n: number }).n)) out.push(`delivered an event never pushed, or under another id: ${JSON.stringify(m)}`);
  if (ns.join() !== [...ns].sort((a, b) => Number(a) - Number(b)).join()) out.push(`events delivered out of order: ${ns.join(', ')}`);
  const ids = new Set(received.map((m) => m.id));
  let last = 0;
  for (const [i, id] of lastEventIds.entries()) {
    if (i === 0) continue;
    if (id === undefined) {
      if (last > 0) out.push(`reconnect ${i} sent no Last-Event-ID after event ${last}`);
      continue;
    }
    if (!ids.has(id)) out.push(`reconnect ${i} sent Last-Event-ID ${id}, an event the client never received`);
    if (Number(id) < last) out.push(`reconnect ${i} went back to Last-Event-ID ${id} after ${last}`);
    last = Math.max(last, Number(id));
  }
  if (!connected) out.push('the connection is not connected at the end');
  return out;
}

/**
 * One run: a started {@link FaultSseServer} (events held open, resumed after
 * `Last-Event-ID`), a connected connection, and what it delivered.
 *
 * @example
 * ```ts
 * const run = await SseRun.start({ connect: (url) => new SSEConnection({ url, retryDelay: 5 }) });
 * const state = { pushed: 0, stalled: false };
 * await run.apply({ kind: 'push' }, state);
 * await run.apply({ kind: 'drop' }, state);
 * const violations = await run.finish(state);
 * await run.dispose();
 * ```
 */
export class SseRun {
  readonly received: Array<{ id: string; data: unknown }> = [];
  readonly trace: string[] = [];

  private constructor(readonly server: FaultSseServer, readonly conn: SseUnderTest, readonly options: SseRuntimeOptions) {
    conn.on('message', (m) => this.received.push({ id: m.id, data: m.data }));
  }

  static async start(options: SseRuntimeOptions): Promise<SseRun> {
    const server = new FaultSseServer();
    await server.start();
    const conn = options.connect(server.url);
    const run = new SseRun(server, conn, options);
    try {
      await withTimeout(conn.connect(), options.stepTimeout ?? 3_000, 'the first connect()');
      return run;
    } catch (error) {
      await run.dispose();
      throw error;
    }
  }

  async apply(action: SseAction, state: SseModelState): Promise<void> {
    this.trace.push(action.kind === 'reject' ? `reject(${action.status})` : action.kind);
    switch (action.kind) {
      case 'push': {
        const n = ++state.pushed;
        this.server.push({ data: { n } });
        if (!state.stalled) await this.expect(() => this.received.some((m) => (m.data as { n?: unknown }).n === n), `event ${n} to arrive`);
        return;
      }
      case 'end':
        return this.server.endAll();
      case 'drop':
        return this.server.destroyAll();
      case 'reject':
        this.server.rejectNext(action.status, 1);
        return this.server.endAll();
      case 'stall':
        state.stalled = true;
        return this.server.stall();
      case 'resume':
        state.stalled = false;
        return this.server.resume();
    }
  }

  /** Resumes a stalled server, waits for every event, and returns the oracle's verdict. */
  async finish(state: SseModelState): Promise<string[]> {
    if (state.stalled) await this.apply({ kind: 'resume' }, state);
    const all = () => this.conn.isConnected() && this.received.length >= state.pushed;
    await waitUntil(all, this.options.settleTimeout ?? 5_000).catch(() => undefined);
    return sseViolations(state, this.received, this.server.requests.filter((r) => r.status === 200 || r.index === 0).map((r) => r.lastEventId), this.conn.isConnected());
  }

  async dispose(): Promise<void> {
    this.conn.dispose();
    await this.server.close();
  }

  private expect(predicate: () => boolean, what: string): Promise<void> {
    return waitUntil(predicate, this.options.stepTimeout ?? 3_000, () => `${what} (after ${this.trace.join(', ')})`);
  }
}
