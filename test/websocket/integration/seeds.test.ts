/**
 * The seeds' WebSocket snippets, run against real `ws` servers with only the
 * import changed: seed 000 (WebSocketConnection), seed 004 (GuruConnection
 * usage block, "GuruConnection Events", troubleshooting).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GuruConnection, NetworkError, WebSocketConnection } from '../../../src/index.js';
import { nextEvent, recordEvents, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(async () => {
  vi.restoreAllMocks();
  await track.cleanup();
});

describe('seed 000: WebSocketConnection', () => {
  it('connect, send, receive and isConnected run as written against an echo server', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    // Seed 000 Quick Start (URL changed to the test server).
    const wsConn = track.conn(
      new WebSocketConnection({
        url: server.url,
        timeout: 10000,
        retryCount: 3,
      }),
    );
    await wsConn.connect();
    await wsConn.send({ type: 'ping' });
    const message = await wsConn.receive();
    expect(message).toEqual({ type: 'ping' });

    // "WebSocketConnection" section.
    await wsConn.send({ type: 'message', data: 'hello' });
    const message2 = await wsConn.receive();
    const isConnected = await wsConn.isConnected();
    expect(message2).toEqual({ type: 'message', data: 'hello' });
    expect(isConnected).toBe(true);
    expect(server.jsons()).toEqual([{ type: 'ping' }, { type: 'message', data: 'hello' }]);
    expect(server.connections).toBe(1);
  });

  it('receive(timeout) rejects with a TimeoutError when nothing arrives', async () => {
    const server = track.server(await startWsServer());
    const wsConn = track.conn(new WebSocketConnection({ url: server.url }));
    await wsConn.connect();
    await expect(wsConn.receive(50)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it("on('message') pushes and receive() pulls the same messages, in order", async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url }));
    const pushed: unknown[] = [];
    conn.on('message', (m: unknown) => pushed.push(m));
    await conn.connect();
    for (const c of server.clients) for (let i = 0; i < 3; i++) c.send(JSON.stringify({ i }));
    expect([await conn.receive(2000), await conn.receive(2000), await conn.receive(2000)]).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(pushed).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(conn.getStats().messagesReceived).toBe(3);
  });
});

describe('seed 004: GuruConnection usage block', () => {
  it('runs verbatim (import changed): the send is queued, the early audio dropped, dispose reports the queue', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    const audioArrayBuffer = new Uint8Array([1, 2, 3, 4]).buffer;

    // ---- seed 004, "Usage" (URL changed; everything else as written) ----
    const connection = track.conn(
      new GuruConnection({
        url: server.url,
        reconnectDelay: 2000, // Base reconnect delay (ms)
        pingInterval: 30000, // Ping interval (ms)
        healthInterval: 5000, // Health check interval (ms)
        maxReconnectAttempts: Infinity,
        enableLogging: false,
      }),
    );
    const dropped = recordEvents(connection, ['message_dropped', 'disposed']);

    connection.on('open', () => console.log('Connected'));
    connection.on('close', (event) => console.log('Closed', event.code));
    connection.on('message', (data) => console.log('Message:', data));
    connection.on('statusChange', (status) => console.log('Status:', status));

    connection.send({ type: 'message', content: 'Hello' });
    connection.streamAudio(audioArrayBuffer);

    const stats = connection.getStats();
    console.log('Connected:', stats.connected);
    console.log('Reconnect attempts:', stats.reconnectAttempts);
    console.log('Queued messages:', stats.queuedMessages);

    connection.dispose();
    // ---- end of snippet ----

    expect(logs).toContainEqual(['Connected:', false]);
    expect(logs).toContainEqual(['Queued messages:', 1]);
    expect(logs.some((l) => l[0] === 'Reconnect attempts:' && typeof l[1] === 'number')).toBe(true);
    // Nothing vanished silently: the audio was refused (not connected), the queued send reported on dispose.
    expect(dropped).toContainEqual(['message_dropped', { message: audioArrayBuffer, reason: 'not-connected' }]);
    expect(dropped).toContainEqual(['message_dropped', { message: { type: 'message', content: 'Hello' }, reason: 'disposed' }]);
    expect(dropped).toContainEqual(['disposed', { queued: [{ type: 'message', content: 'Hello' }], unacknowledged: [] }]);
    await sleep(50);
    expect(server.messages).toHaveLength(0);
  });

  it('step by step against an echo server: events, send, binary streamAudio, getStats, dispose', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));

    const connection = track.conn(
      new GuruConnection({ url: server.url, reconnectDelay: 2000, pingInterval: 30000, healthInterval: 5000, maxReconnectAttempts: Infinity, enableLogging: false }),
    );
    connection.on('open', () => console.log('Connected'));
    connection.on('close', (event) => console.log('Closed', event.code));
    connection.on('message', (data) => console.log('Message:', data));
    connection.on('statusChange', (status) => console.log('Status:', status));

    // Queued before the socket opens (GuruConnection connects on construction), flushed on open.
    expect(connection.send({ type: 'message', content: 'Hello' })).toBe(true);
    await nextEvent(connection, 'open');
    expect(logs).toContainEqual(['Connected']);

    // Binary audio once open: reaches the server as a binary frame, byte for byte.
    const audioArrayBuffer = new Uint8Array([0, 1, 2, 250, 251, 255]).buffer;
    expect(connection.streamAudio(audioArrayBuffer)).toBe(true);
    await server.waitForMessages(2);
    expect(server.messages[0]).toMatchObject({ isBinary: false, json: { type: 'message', content: 'Hello' } });
    expect(server.messages[1]!.isBinary).toBe(true);
    expect([...server.messages[1]!.data]).toEqual([0, 1, 2, 250, 251, 255]);

    await waitFor(() => logs.some((l) => l[0] === 'Message:' && Buffer.isBuffer(l[1])), 2000, 'the echoed audio');
    // A user message sent while open → thinking.
    expect(connection.send({ type: 'message', content: 'Again' })).toBe(true);
    await waitFor(() => logs.some((l) => l[0] === 'Status:' && l[1] === 'thinking'), 2000, "status 'thinking'");
    await server.waitForMessages(3);
    await waitFor(() => connection.getStats().messagesReceived === 3, 2000, 'the third echo');
    expect(logs).toContainEqual(['Message:', { type: 'message', content: 'Hello' }]);
    expect(logs).toContainEqual(['Status:', 'idle']);
    // Streamed audio → listening (seed 004's states).
    expect(logs).toContainEqual(['Status:', 'listening']);

    const stats = connection.getStats();
    expect(Object.keys(stats)).toEqual(
      expect.arrayContaining(['connected', 'status', 'reconnectAttempts', 'queuedMessages', 'messagesSent', 'messagesReceived', 'bytesSent', 'bytesReceived', 'lastConnectedAt', 'uptime']),
    );
    // The echo of the user message is the server's answer: thinking ended.
    expect(stats).toMatchObject({ connected: true, status: 'idle', queuedMessages: 0, messagesSent: 3, messagesReceived: 3 });
    expect(stats.bytesSent).toBe(JSON.stringify({ type: 'message', content: 'Hello' }).length + 6 + JSON.stringify({ type: 'message', content: 'Again' }).length);
    expect(stats.bytesReceived).toBe(stats.bytesSent);
    expect(typeof stats.lastConnectedAt).toBe('number');
    expect(stats.uptime).toBeGreaterThanOrEqual(0);
    expect(server.connections).toBe(1);

    connection.dispose();
    expect(connection.getStats().connected).toBe(false);
    // The server sees the client leave with a normal close.
    await waitFor(() => server.clients.size === 0, 2000, 'the server-side socket to close');
    expect(connection.send({ type: 'late' })).toBe(false);
  });
});

describe('seed 004: GuruConnection Events', () => {
  /** Runs the seed's events snippet on `connection`, capturing console.warn / console.error. */
  function eventsSnippet(connection: GuruConnection) {
    const warns: unknown[][] = [];
    const errors: unknown[][] = [];
    vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void warns.push(a));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));

    // ---- seed 004, "GuruConnection Events" ----
    connection.on('error', (error) => {
      console.error('WebSocket error:', error);
    });

    connection.on('close', (event) => {
      if (event.code !== 1000) {
        console.warn('Abnormal close:', event.code, event.reason);
      }
    });

    connection.on('max_reconnect_attempts', () => {
      console.error('Max reconnection attempts reached');
    });
    // ---- end of snippet ----
    return { warns, errors };
  }

  it("'close' carries the abnormal code and reason; the loop stops after maxReconnectAttempts connections", async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4000, 'go away') }));
    const connection = track.conn(new GuruConnection({ url: server.url, reconnectDelay: 10, maxReconnectAttempts: 2, healthUrl: false }));
    const { warns } = eventsSnippet(connection);
    await waitFor(() => warns.length >= 2, 3000, 'two abnormal closes');
    await sleep(200);
    expect(warns).toEqual([
      ['Abnormal close:', 4000, 'go away'],
      ['Abnormal close:', 4000, 'go away'],
    ]);
    expect(server.connections).toBe(2);
  });

  it("'max_reconnect_attempts' fires and the status becomes 'error' when the attempts are spent", async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4000, 'go away') }));
    const connection = track.conn(new GuruConnection({ url: server.url, reconnectDelay: 10, maxReconnectAttempts: 2, healthUrl: false }));
    const { errors } = eventsSnippet(connection);
    await waitFor(() => connection.getStats().status === 'error', 1000, "status 'error'");
    expect(errors).toContainEqual(['Max reconnection attempts reached']);
  });

  it("'error' fires with a NetworkError when the server refuses the upgrade with 401 (no reconnect)", async () => {
    const server = track.server(await startWsServer({ rejectUpgrade: 401 }));
    const errors: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
    const connection = track.conn(new GuruConnection({ url: server.url, reconnectDelay: 10, healthUrl: false }));
    connection.on('error', (error) => {
      console.error('WebSocket error:', error);
    });
    await waitFor(() => errors.length > 0, 3000, "an 'error' event");
    const error = errors[0]![1] as NetworkError;
    expect(errors[0]![0]).toBe('WebSocket error:');
    expect(error).toBeInstanceOf(NetworkError);
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(/401/);
    expect(connection.getStats().status).toBe('error');
    await sleep(100);
    expect(connection.getStats().status).toBe('error');
  });

  it("'error' fires for a refused connection attempt while it keeps reconnecting", async () => {
    const server = track.server(await startWsServer());
    const url = server.url;
    await server.stop();
    const errors: unknown[] = [];
    const connection = track.conn(new GuruConnection({ url, reconnectDelay: 20, healthUrl: false }));
    connection.on('error', (error) => errors.push(error));
    await waitFor(() => errors.length > 0, 500, "an 'error' event for the refused attempt");
    expect(connection.getStats().status).toBe('waiting');
  });
});

describe('seed 004: troubleshooting "WebSocket won\'t connect"', () => {
  it('connection.url (redacted), stats.reconnectAttempts and _startHealthCheck() reconnecting at once', async () => {
    const server = track.server(await startWsServer());
    const url = `${server.url}?token=s3cr3t-t0ken`;
    await server.stop();
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    const connection = track.conn(new GuruConnection({ url, reconnectDelay: 10_000, healthUrl: false }));
    await waitFor(() => connection.getStats().status === 'waiting' && connection.actor.getSnapshot().matches({ session: 'waiting' }), 3000, 'waiting');

    // ---- seed 004, troubleshooting ----
    // Check URL
    console.log('WS URL:', connection.url);

    // Check reconnection attempts
    const stats = connection.getStats();
    console.log('Reconnect attempts:', stats.reconnectAttempts);

    await server.restart();
    // Check health check
    connection._startHealthCheck();
    // ---- end of snippet ----

    expect(logs[0]![0]).toBe('WS URL:');
    expect(String(logs[0]![1])).toContain(`127.0.0.1:${server.port}`);
    expect(String(logs[0]![1])).not.toContain('s3cr3t-t0ken');
    expect(logs[1]).toEqual(['Reconnect attempts:', 1]);
    // The wait was 5–10 s; _startHealthCheck() skips it.
    await waitFor(() => connection.isConnected(), 3000, 'the reconnect');
    expect(server.paths).toEqual(['/ws?token=s3cr3t-t0ken']);
  });
});
