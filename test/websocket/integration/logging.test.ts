/**
 * A WebSocketConnection logs its lifecycle through its log, against a real
 * server on 127.0.0.1: open, close (with its code), each reconnect scheduled
 * (attempt, delay), each failed attempt (the reason, redacted), giving up, and
 * a dropped message; one line per event, none per data message, no secret in
 * any line. With logging off it writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Endpoint, GuruConnection, WebSocketConnection } from '../../../src/index.js';
import { captureLogger } from '../../helpers/captureLogger.js';
import { closedPort, json, startServer } from '../../helpers/testServer.js';
import { sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

const TOKEN = 's3cr3t-t0ken';
const HEADER_SECRET = 'Bearer hdr-s3cr3t';


/** Open, 100 messages, the server goes away, two queued messages (one dropped), reconnects refused until it gives up. */
async function lifecycle(enableLogging: boolean) {
  const server = track.server(await startWsServer({ echo: true }));
  const { lines, logger } = captureLogger();
  const conn = track.conn(
    new WebSocketConnection({
      url: `${server.url}?token=${TOKEN}`,
      headers: { Authorization: HEADER_SECRET },
      enableLogging,
      logger,
      reconnectDelay: 20,
      maxReconnectDelay: 40,
      maxReconnectAttempts: 3,
      maxQueuedMessages: 1,
      overflow: 'drop-newest',
    }),
  );
  conn.on('error', () => {});
  let gaveUp = false;
  conn.on('max_reconnect_attempts', () => (gaveUp = true));
  await conn.connect();
  const afterOpen = lines.length;
  for (let i = 0; i < 100; i++) conn.send({ i });
  await server.waitForMessages(100);
  await sleep(50); // the echoes come back
  const afterMessages = lines.length;
  await server.stop();
  await waitFor(() => conn.getStats().status !== 'idle' && conn.getStats().status !== 'listening', 5_000, 'the drop');
  conn.send({ queued: 1 });
  conn.send({ queued: 2 }); // over maxQueuedMessages: dropped
  await waitFor(() => gaveUp, 5_000, 'giving up');
  return { lines, afterOpen, afterMessages };
}

describe('WebSocketConnection logging', () => {
  it('enableLogging: one line per lifecycle event, none per message, no secrets', async () => {
    const { lines, afterOpen, afterMessages } = await lifecycle(true);
    expect(lines.slice(0, afterOpen).some((l) => /^info \[WebSocket websocket\] open: ws:\/\/127\.0\.0\.1:\d+\/ws\?token=\[REDACTED\]$/.test(l))).toBe(true);
    // 100 messages out and 100 echoes in: not a line.
    expect(afterMessages).toBe(afterOpen);
    expect(lines).toContainEqual('warn [WebSocket websocket] closed 1006');
    const reconnects = lines.filter((l) => /^info \[WebSocket websocket\] reconnect attempt \d+ in \d+ ms$/.test(l));
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => /^warn \[WebSocket websocket\] connect attempt failed: .*ECONNREFUSED/.test(l)).length).toBe(reconnects.length);
    expect(lines).toContainEqual('warn [WebSocket websocket] message dropped (overflow)');
    expect(lines.filter((l) => l.startsWith('error [WebSocket websocket] gave up after 3 attempts'))).toHaveLength(1);
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('hdr-s3cr3t');
  });

  it('a terminal close is one line, its reason redacted (a server echoing the token)', async () => {
    const server = track.server(await startWsServer({ onConnection: (socket) => setTimeout(() => socket.close(4001, `bad token ${TOKEN}`), 20) }));
    const { lines, logger } = captureLogger();
    const conn = track.conn(new WebSocketConnection({ url: `${server.url}?token=${TOKEN}`, enableLogging: true, logger, autoReconnect: false }));
    conn.on('error', () => {});
    const closed = new Promise((resolve) => conn.on('close', resolve));
    await conn.connect();
    await closed;
    await sleep(20);
    expect(lines.filter((l) => l.includes('4001'))).toEqual(['warn [WebSocket websocket] closed 4001 bad token [REDACTED]']);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('logging off (the default): nothing is written, whatever happens', async () => {
    const { lines } = await lifecycle(false);
    expect(lines).toEqual([]);
  });

  it('GuruConnection: enableLogging can be turned on and off at run time', async () => {
    const port = await closedPort();
    const { lines, logger } = captureLogger();
    const guru = track.conn(new GuruConnection({ url: `ws://127.0.0.1:${port}/ws`, logger, reconnectDelay: 20, maxReconnectDelay: 40 }));
    guru.on('error', () => {});
    await sleep(150);
    expect(lines).toEqual([]);
    guru.enableLogging = true;
    await waitFor(() => lines.some((l) => l.includes('connect attempt failed')), 5_000, 'a logged attempt');
    expect(lines.every((l) => l.includes('[WebSocket guru]'))).toBe(true);
    guru.enableLogging = false;
    await sleep(30);
    const count = lines.length;
    await sleep(150);
    expect(lines.length).toBe(count);
  });

  it("Endpoint with NODE_ENV 'development' logs its WebSocket's failed attempts; 'production' does not", async () => {
    const api = track.server(await startServer((_req, res) => json(res, 200, { ok: true })));
    const port = await closedPort();
    const runs: Record<string, string[]> = {};
    for (const env of ['development', 'production'] as const) {
      const { lines, logger } = captureLogger();
      const endpoint = new Endpoint({ WS_URL: `ws://127.0.0.1:${port}/ws`, API_BASE_URL: api.url, NODE_ENV: env, logger, websocket: { reconnectDelay: 20 } });
      endpoint.on('error', () => {});
      await sleep(300);
      await endpoint.dispose();
      runs[env] = lines.filter((l) => l.includes('[WebSocket'));
    }
    expect(runs.development!.some((l) => l.startsWith('warn [WebSocket') && l.includes('connect attempt failed'))).toBe(true);
    expect(runs.development!.some((l) => /reconnect attempt \d+ in \d+ ms/.test(l))).toBe(true);
    expect(runs.production).toEqual([]);
  });
});
