/**
 * Seed 000's SSEConnection snippet, run as written (import changed, config
 * from `ConnectionConfigManager` pointed at a real SSE server on 127.0.0.1).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionConfigManager, ConnectionType, SSEConnection, type ConnectionConfig } from '../../../src/index.js';

const servers: http.Server[] = [];
const connections: SSEConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.dispose();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function eventServer(): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write('id: 1\ndata: {"price": 42}\n\n');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

describe('seed 000: SSEConnection', () => {
  it('connect, receive and send run as written', async () => {
    const url = await eventServer();
    const defaults = new ConnectionConfigManager({ env: { VITE_SSE_URL: url } }).get(ConnectionType.SSE);
    const config: ConnectionConfig = { ...defaults, url: defaults.url ?? url };
    // Seed 000, "SSEConnection":
    const sseConn = new SSEConnection(config);
    connections.push(sseConn);
    await sseConn.connect();
    const event = await sseConn.receive();
    expect(event.data).toEqual({ price: 42 });
    expect(event).toMatchObject({ id: '1', event: 'message', raw: '{"price": 42}' });
    // "send always returns false for SSE"
    expect(await sseConn.send({ anything: true })).toBe(false);
    expect(sseConn.connectionType).toBe(ConnectionType.SSE);
  });
});

describe('user-info in the URL', () => {
  it('becomes an Authorization: Basic header (fetch refuses such URLs) and is never shown', async () => {
    let seen: string | undefined;
    const server = http.createServer((req, res) => {
      seen = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hi\n\n');
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const sse = new SSEConnection({ url: `http://alice:s3cret@127.0.0.1:${port}/events` });
    connections.push(sse);
    const events: unknown[] = [];
    sse.onEvent((e) => events.push(e));
    await sse.connect();
    expect((await sse.receive(2000)).data).toBe('hi');
    expect(seen).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    const shown = JSON.stringify([sse.url, events, sse.getStats(), sse.actor.getSnapshot().context]);
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain(Buffer.from('alice:s3cret').toString('base64'));
  });
});
