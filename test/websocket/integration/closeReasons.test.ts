/**
 * What a WebSocket server says when it closes, and what nobody listens to:
 * a close reason that echoes the connection's credential is scrubbed before
 * the machine, its snapshots, the `close` event and an inspector see it; a
 * throwing handler with no `error` listener still shows on console.error.
 * Real `ws` servers on 127.0.0.1.
 */
import type { InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, ConfigError, RateLimiter, WebSocketConnection } from '../../../src/index.js';
import { startWsServer, waitFor, type WsTestServer } from '../../helpers/wsServer.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(options: Parameters<typeof startWsServer>[0]): Promise<WsTestServer> {
  const s = await startWsServer(options);
  cleanups.push(() => s.stop());
  return s;
}

const TOKEN = 'sekret-close-4242';

describe('close reasons and unheard callback errors', () => {
  it("a close reason echoing the URL's token reaches neither the machine, nor 'close', nor the inspector", async () => {
    const s = await server({ onConnection: (socket) => setTimeout(() => socket.close(4001, `bad token ${TOKEN}`), 20) });
    const inspected: InspectionEvent[] = [];
    const conn = new WebSocketConnection({ url: `${s.url}/?token=${TOKEN}`, autoReconnect: false, inspect: (e) => inspected.push(e) });
    cleanups.push(() => conn.dispose());
    const reasons: string[] = [];
    conn.on('close', (e) => reasons.push(e.reason));
    await conn.connect();
    await waitFor(() => reasons.length === 1);
    expect(reasons[0]).toContain('bad token');
    expect(reasons[0]).not.toContain(TOKEN);
    expect(JSON.stringify(conn.actor.getPersistedSnapshot())).not.toContain(TOKEN);
    // Under a parent (the as-children project) the parent's system is inspected, not the client's option.
    if (conn.actor._parent !== undefined) return;
    const seen = inspected.map((e) => JSON.stringify({ event: (e as { event?: unknown }).event, snapshot: e.actorRef.getSnapshot()?.context }));
    expect(seen.join('\n')).toContain('bad token');
    expect(seen.join('\n')).not.toContain(TOKEN);
  });

  it("a message handler that throws with no 'error' listener and logging off is still shown on console.error", async () => {
    const s = await server({ onConnection: (socket) => socket.send('{"hello":1}') });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const conn = new WebSocketConnection({ url: s.url });
    cleanups.push(() => conn.dispose());
    conn.on('message', () => {
      throw new Error('handler bug');
    });
    await conn.connect();
    await waitFor(() => errors.mock.calls.length > 0);
    expect(String(errors.mock.calls[0]![0])).toContain('handler bug');
    expect(conn.isConnected()).toBe(true);
  });

  it("with an 'error' listener, the listener hears it and console.error stays quiet", async () => {
    const s = await server({ onConnection: (socket) => socket.send('{"hello":1}') });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const conn = new WebSocketConnection({ url: s.url });
    cleanups.push(() => conn.dispose());
    const heard: Error[] = [];
    conn.on('error', (e) => heard.push(e));
    conn.on('message', () => {
      throw new Error('handler bug');
    });
    await conn.connect();
    await waitFor(() => heard.length > 0);
    expect(heard[0]!.message).toContain('handler bug');
    expect(errors).not.toHaveBeenCalled();
  });

  it.each([
    ['CircuitBreaker', () => new CircuitBreaker({ onError: 5 as never })],
    ['RateLimiter', () => new RateLimiter({ onError: 'log' as never })],
  ])('%s refuses an onError that is not a function, naming the option', (owner, make) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(new RegExp(`${owner}: invalid option "onError"`));
  });
});
