import { FaultWebSocketServer } from '../servers/FaultWebSocketServer.js';
import { waitUntil } from '../servers/waitUntil.js';
import { withTimeout } from './withTimeout.js';
import { atLeastOnceModel, webSocketViolations, type WebSocketAction, type WebSocketModel, type WebSocketModelState, type WebSocketObservation } from './webSocketModel.js';

/** What a runtime WebSocket test needs of a connection: `WebSocketConnection` (and `GuruConnection`) structurally. */
export interface WebSocketUnderTest {
  connect(): Promise<void>;
  send(message: unknown): boolean;
  close(code?: number, reason?: string): Promise<void>;
  isConnected(): boolean;
  on(event: 'message' | 'message_dropped' | 'close', handler: (arg: any) => void): unknown;
  /** Read at the end: nothing may stay unacknowledged or queued once the run settled. */
  getStats?(): { unacknowledged?: number; queuedMessages?: number };
  dispose(): void;
}

/** Options of the runtime WebSocket model tests. */
export interface WebSocketRuntimeOptions {
  /**
   * A fresh connection to `url`, not connected yet. It must acknowledge delivery the
   * way the server does: `delivery: { ...idAckDelivery, ackTimeout }` (a short
   * `ackTimeout`, e.g. 200, and short reconnect delays keep each run brief).
   */
  connect: (url: string) => WebSocketUnderTest;
  /** A fresh server per run (not started). @default () => new FaultWebSocketServer({ ack: true }) */
  server?: () => FaultWebSocketServer;
  /** The expectation the run is checked against. @default atLeastOnceModel */
  model?: WebSocketModel;
  /** Longest wait of one action (a reconnect, a message to arrive), ms. @default 3000 */
  stepTimeout?: number;
  /** Longest wait for the run to settle at the end (everything delivered and acknowledged), ms. @default 5000 */
  settleTimeout?: number;
}

/** A line per action, for the failure message. */
export function describeWebSocketAction(a: WebSocketAction): string {
  if (a.kind === 'serverClose') return `serverClose(${a.code}${a.reason ? `, '${a.reason}'` : ''})`;
  if (a.kind === 'delay') return `delay(${a.ms})`;
  return a.kind;
}

/**
 * One run: a started server, a connected connection, what was observed, and the
 * actions applied to them. {@link finish} settles the run and asks the oracle.
 *
 * @example
 * ```ts
 * const run = await WebSocketRun.start({ connect: (url) => new WebSocketConnection({ url, delivery: idAckDelivery }) });
 * const state = initialWebSocketState();
 * await run.apply({ kind: 'send' }, state);
 * await run.apply({ kind: 'kill' }, state);
 * const violations = await run.finish(state); // [] when the contract held
 * await run.dispose();
 * ```
 */
export class WebSocketRun {
  readonly incoming: unknown[] = [];
  readonly dropped: unknown[] = [];
  readonly trace: string[] = [];
  private closes: Array<{ code: number; wasClean: boolean }> = [];
  private readonly stepTimeout: number;

  private constructor(
    readonly server: FaultWebSocketServer,
    readonly conn: WebSocketUnderTest,
    readonly options: WebSocketRuntimeOptions,
  ) {
    this.stepTimeout = options.stepTimeout ?? 3_000;
    conn.on('message', (m: unknown) => this.incoming.push(m));
    conn.on('message_dropped', (e: { message: unknown }) => this.dropped.push(e.message));
    conn.on('close', (e: { code: number; wasClean: boolean }) => this.closes.push(e));
  }

  /** Starts a server and connects a connection to it. */
  static async start(options: WebSocketRuntimeOptions): Promise<WebSocketRun> {
    const server = options.server?.() ?? new FaultWebSocketServer({ ack: true });
    await server.start();
    let conn: WebSocketUnderTest | undefined;
    try {
      conn = options.connect(server.url);
      const run = new WebSocketRun(server, conn, options);
      await withTimeout(conn.connect(), run.stepTimeout, 'the first connect()');
      return run;
    } catch (error) {
      conn?.dispose();
      await server.close();
      throw error;
    }
  }

  get model(): WebSocketModel {
    return this.options.model ?? atLeastOnceModel;
  }

  /** Applies one action (the caller checked `model.applies`); throws when the contract broke on the way. */
  async apply(action: WebSocketAction, state: WebSocketModelState): Promise<void> {
    this.trace.push(describeWebSocketAction(action));
    const { server, conn } = this;
    switch (action.kind) {
      case 'send': {
        const id = state.sent.length;
        state.sent.push(id);
        if (!conn.send({ type: 'data', id })) this.dropped.push({ type: 'data', id });
        return;
      }
      case 'push':
        return this.push(state);
      case 'kill':
        state.faults++;
        state.serverUp = false;
        return this.dropsLink(() => server.kill());
      case 'restart':
        state.serverUp = true;
        return server.restart();
      case 'terminate':
        state.faults++;
        return this.dropsLink(() => server.terminateAll());
      case 'serverClose': {
        await this.liveLink();
        state.faults++;
        const before = this.closes.length;
        server.closeAll(action.code, action.reason);
        await this.expect(() => this.closes.length > before, `the server's close ${action.code} to be reported`);
        const close = this.closes[before]!;
        // A close frame was exchanged: clean, whatever its code (WebSocket's CloseEvent).
        if (close.code !== action.code || !close.wasClean) throw new Error(`the server's close ${action.code} was reported as ${JSON.stringify(close)}`);
        if (action.code !== 1000) return;
        await this.expect(() => !conn.isConnected(), 'the connection to stay closed after a close 1000');
        state.closed = true;
        state.connectionsAtClose = server.connections;
        return;
      }
      case 'dropIncoming':
        state.faults++;
        return server.dropIncoming();
      case 'dropOutgoing':
        state.faults++;
        return server.dropOutgoing();
      case 'delay':
        return server.delayOutgoing(action.ms);
      case 'userClose': {
        state.faults++;
        const open = conn.isConnected();
        const before = this.closes.length;
        await withTimeout(conn.close(), this.stepTimeout, 'close()');
        // The app's own close of an open link is one clean close event (as WebSocket and partysocket report it).
        const reported = this.closes.slice(before);
        if (open && (reported.length !== 1 || reported[0]!.code !== 1000 || !reported[0]!.wasClean)) throw new Error(`close() of an open link was reported as ${JSON.stringify(reported)}`);
        state.closed = true;
        state.connectionsAtClose = server.connections;
        return;
      }
      case 'connect':
        return this.reopen(state);
    }
  }

  /** Settles the run (server up, faults cleared, reopened if closed, everything delivered) and returns the oracle's verdict. */
  async finish(state: WebSocketModelState): Promise<string[]> {
    // Armed drops stay: each takes one frame at most, and the re-sends that follow must cope with it.
    if (!state.serverUp) await this.apply({ kind: 'restart' }, state);
    if (state.closed) await this.reopen(state);
    const expectDropped = new Set(this.model.expectedDropped(state));
    const settled = () => {
      const at = new Set(this.observe().serverIds.map((s) => s.id));
      const stats = this.conn.getStats?.() ?? {};
      return this.conn.isConnected() && state.sent.every((id) => at.has(id) || expectDropped.has(id)) && !stats.unacknowledged && !stats.queuedMessages;
    };
    await waitUntil(settled, this.options.settleTimeout ?? 5_000).catch(() => undefined); // the oracle says what is missing
    return webSocketViolations(this.model, state, this.observe());
  }

  /** What the run observed so far. */
  observe(): WebSocketObservation {
    const serverIds: WebSocketObservation['serverIds'] = [];
    const strangers: string[] = [];
    for (const f of this.server.delivered()) {
      const m = f.json as { type?: unknown; id?: unknown } | undefined;
      if (m?.type === 'data' && typeof m.id === 'number') serverIds.push({ connection: f.connection, id: m.id });
      else strangers.push(f.isBinary ? `<${f.data.length} binary bytes>` : f.text);
    }
    return { serverIds, strangers, incoming: this.incoming, dropped: this.dropped, connected: this.conn.isConnected() };
  }

  /** Disposes the connection and closes the server. */
  async dispose(): Promise<void> {
    this.conn.dispose();
    await this.server.close();
  }

  private async reopen(state: WebSocketModelState): Promise<void> {
    if (this.server.connections !== state.connectionsAtClose) throw new Error(`the connection reconnected on its own after a close that ends it (${this.server.connections - state.connectionsAtClose} new connection(s))`);
    await withTimeout(this.conn.connect(), this.stepTimeout, 'connect() after a close');
    state.closed = false;
  }

  /** A server message on a live link: delivered exactly once, unless the link died meanwhile (then it may be lost, never duplicated). */
  private async push(state: WebSocketModelState): Promise<void> {
    await this.liveLink();
    const n = state.pushes++;
    const closes = this.closes.length + this.server.closes.length;
    const eaten = this.server.pendingDrops.outgoing > 0; // an armed drop takes the next frame the server sends: this one
    this.server.send({ push: n });
    if (eaten) {
      state.pushesMayBeLost.add(n);
      return;
    }
    const arrived = () => this.incoming.some((m) => (m as { push?: unknown } | null)?.push === n);
    await waitUntil(() => arrived() || this.closes.length + this.server.closes.length > closes, this.stepTimeout).catch(() => undefined);
    if (!arrived()) state.pushesMayBeLost.add(n);
    if (!arrived() && this.closes.length + this.server.closes.length === closes) {
      throw new Error(`server message ${n} was not delivered within ${this.stepTimeout} ms on a live link`);
    }
  }

  /** Runs a fault that ends an open link; an open connection must report the close (1006, not clean). */
  private async dropsLink(fault: () => void | Promise<void>): Promise<void> {
    const open = this.conn.isConnected() && this.server.clients.size > 0;
    const before = this.closes.length;
    await fault();
    if (!open) return;
    await this.expect(() => this.closes.length > before, 'the dropped link to be reported as a close');
    const close = this.closes[before]!;
    if (close.code !== 1006 || close.wasClean) throw new Error(`a link dropped without a close frame was reported as ${JSON.stringify(close)}`);
  }

  /** Waits until the connection is open with exactly one socket at the server (a running server must be reconnected to). */
  private liveLink(): Promise<void> {
    return this.expect(() => this.conn.isConnected() && this.server.clients.size === 1, 'the connection to be open to the running server');
  }

  private expect(predicate: () => boolean, what: string): Promise<void> {
    return waitUntil(predicate, this.stepTimeout, () => `${what} (after ${this.trace.join(', ')})`);
  }
}
