/**
 * `console.log(connection)` / `util.inspect` of a WebSocketConnection and a
 * GuruConnection, connected to a real server with credentials in the URL
 * (user-info, a query token) and in the handshake headers: a short summary,
 * no secret, at any depth; `JSON.stringify` gives the same summary.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { GuruConnection, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

const PASSWORD = 'pw-hunter2-secret';
const QUERY_TOKEN = 'qt-live-7c1f09aa';
const BEARER = 'sk-live-bearer-5e2d';
const API_KEY = 'ak-live-90be11';
const SECRETS = [PASSWORD, QUERY_TOKEN, BEARER, API_KEY];

/** Short: one line, never the connection's fields (a bare WebSocketConnection prints kilobytes at depth 6). */
const MAX_LENGTH = 300;

function expectSafe(shown: string, name: string): void {
  for (const secret of SECRETS) expect(shown).not.toContain(secret);
  expect(shown.length).toBeLessThanOrEqual(MAX_LENGTH);
  expect(shown.startsWith(`${name} {`)).toBe(true);
}

describe('util.inspect of a WebSocket connection shows a short summary without secrets', () => {
  it('WebSocketConnection, connected, with a password, a query token and auth headers', async () => {
    const server = track.server(await startWsServer());
    const url = `ws://user:${PASSWORD}@127.0.0.1:${server.port}/ws?token=${QUERY_TOKEN}&v=2`;
    const conn = track.conn(new WebSocketConnection({ url, name: 'live', headers: { Authorization: `Bearer ${BEARER}`, 'X-API-Key': API_KEY } }));
    const before = inspect(conn);
    expectSafe(before, 'WebSocketConnection');
    await conn.connect();
    conn.send({ hello: 1 });
    await server.waitForMessages(1);
    for (const shown of [inspect(conn), inspect(conn, { depth: 6 }), inspect({ nested: { conn } }, { depth: 6 })]) {
      expect(shown).toContain('WebSocketConnection {');
      for (const secret of SECRETS) expect(shown).not.toContain(secret);
      expect(shown.length).toBeLessThanOrEqual(MAX_LENGTH + 40);
    }
    const shown = inspect(conn, { depth: 6 });
    expectSafe(shown, 'WebSocketConnection');
    // What it does show: name, the redacted URL, status and health.
    expect(shown).toContain('name: "live"');
    expect(shown).toContain(`127.0.0.1:${server.port}/ws`);
    expect(shown).toMatch(/status: "/);
    expect(shown).toMatch(/health: "/);
  });

  it('JSON.stringify gives the summary as an object, without secrets', async () => {
    const server = track.server(await startWsServer());
    const url = `ws://user:${PASSWORD}@127.0.0.1:${server.port}/ws?token=${QUERY_TOKEN}`;
    const conn = track.conn(new WebSocketConnection({ url, name: 'live', headers: { Authorization: `Bearer ${BEARER}`, 'X-API-Key': API_KEY } }));
    await conn.connect();
    const text = JSON.stringify({ conn });
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(JSON.parse(text).conn).toMatchObject({ type: 'WebSocketConnection', name: 'live', url: expect.stringContaining(`127.0.0.1:${server.port}/ws`) });
    const guru = track.conn(new GuruConnection({ url, headers: { 'X-API-Key': API_KEY } }));
    const guruText = JSON.stringify(guru);
    for (const secret of SECRETS) expect(guruText).not.toContain(secret);
    expect(JSON.parse(guruText)).toMatchObject({ type: 'GuruConnection' });
  });

  it('a url provider shows as [function]', async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: () => `${server.url}?token=${QUERY_TOKEN}` }));
    await conn.connect();
    const shown = inspect(conn, { depth: 6 });
    expectSafe(shown, 'WebSocketConnection');
    expect(shown).toContain('url: "[function]"');
  });

  it('GuruConnection, connected', async () => {
    const server = track.server(await startWsServer());
    const url = `ws://user:${PASSWORD}@127.0.0.1:${server.port}/ws?access_token=${QUERY_TOKEN}`;
    const conn = track.conn(new GuruConnection({ url, headers: { Authorization: `Bearer ${BEARER}`, 'X-API-Key': API_KEY } }));
    await waitFor(() => conn.isConnected(), 3000, 'the connection');
    for (const shown of [inspect(conn), inspect(conn, { depth: 6 })]) expectSafe(shown, 'GuruConnection');
    expect(String(conn)).not.toContain(PASSWORD);
  });
});
