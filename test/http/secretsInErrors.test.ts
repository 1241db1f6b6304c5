/**
 * Issue 9 item 4 (HTTP): an error body that echoes a secret of the client is
 * stored redacted (error.body, util.inspect, JSON.stringify); console.log of a
 * client prints a short redacted summary; HTTPConnection.url redacts query tokens.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { ApiError } from '../../src/errors.js';
import { json, routes, startServer, text, type TestServer } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

const TOKEN = 'sk-live-4f9a8b7c6d5e';
const API_KEY = 'key-0a1b2c3d4e5f';
const PASSWORD = 'pw-h7j6k5l4';
const QUERY_TOKEN = 'qt-z9y8x7w6';
const OWN = 'own-secret-31415926';

/** Every way an error is shown or kept. */
function shows(error: ApiError): string {
  return [JSON.stringify(error.body), inspect(error, { depth: 10 }), JSON.stringify(error), String(error.body)].join('\n');
}

describe.each(['undici', 'fetch'] as const)('secrets echoed in error bodies are redacted (%s)', (transport) => {
  async function echoing(): Promise<TestServer> {
    const server = await startServer(
      routes({
        '/json': (req, res) => json(res, 401, { error: 'invalid token', got: req.headers.authorization, key: req.headers['x-api-key'], note: `key ${req.headers['x-api-key']}` }),
        '/text': (req, res) => text(res, 403, `denied for ${req.headers.authorization} / ${req.headers['x-api-key']} / ${req.headers['x-own-token']}`),
      }),
    );
    servers.push(server);
    return server;
  }

  it('ApiClient: the configured Bearer token and API key, and the request’s own secret header', async () => {
    const server = await echoing();
    const client = new ApiClient({ baseURL: server.url, headers: { Authorization: `Bearer ${TOKEN}`, 'X-API-Key': API_KEY }, transport, retries: 0 });
    closers.push(client);
    const a = await rejection(client.get('/json'));
    expect(a).toBeInstanceOf(ApiError);
    expect(a.body.error).toBe('invalid token');
    const b = await rejection(client.get('/text', { headers: { 'X-Own-Token': OWN } }));
    expect(b.body).toContain('denied for');
    for (const error of [a, b]) {
      const shown = shows(error);
      for (const secret of [TOKEN, API_KEY, OWN]) expect(shown).not.toContain(secret);
    }
  });

  it('ApiClient: a 2xx that claims JSON but does not parse keeps its body (and the parser\'s excerpt) without the secret', async () => {
    const server = await startServer(
      routes({ '/broken': (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(`{"echo": "${req.headers.authorization}", oops`); } }),
    );
    servers.push(server);
    const client = new ApiClient({ baseURL: server.url, headers: { Authorization: `Bearer ${TOKEN}` }, transport, retries: 0 });
    closers.push(client);
    const error = await rejection(client.get('/broken'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(200);
    expect(String(error.body)).toContain('"echo"');
    expect(shows(error)).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN);
  });

  it('HTTPConnection: a Basic password from the URL echoed in a 401 body', async () => {
    const server = await startServer((req, res) => json(res, 401, { echo: req.headers.authorization, decoded: Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString() }));
    servers.push(server);
    const conn = new HTTPConnection({ url: `http://ann:${PASSWORD}@127.0.0.1:${server.port}`, transport, retryCount: 0 });
    closers.push(conn);
    const error = await rejection(conn.send({ url: '/x' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(shows(error)).not.toContain(PASSWORD);
    expect(shows(error)).not.toContain(btoa(`ann:${PASSWORD}`));
  });
});

describe('console.log(client) prints a short redacted summary', () => {
  it('ApiClient', () => {
    const client = new ApiClient({ baseURL: `http://ann:${PASSWORD}@127.0.0.1:1/api?token=${QUERY_TOKEN}`, headers: { Authorization: `Bearer ${TOKEN}` } });
    closers.push(client);
    for (const shown of [inspect(client), inspect(client, { depth: 6 }), inspect({ client }), JSON.stringify(client)]) {
      for (const secret of [PASSWORD, TOKEN, QUERY_TOKEN]) expect(shown).not.toContain(secret);
      expect(shown.length).toBeLessThan(300);
      expect(shown).toContain('ApiClient');
      expect(shown).toContain('127.0.0.1:1/api');
    }
  });

  it('HTTPConnection, whose url redacts query tokens as the WebSocket and SSE url do', () => {
    const conn = new HTTPConnection({ url: `http://ann:${PASSWORD}@127.0.0.1:1/api?token=${QUERY_TOKEN}&v=2`, customHeaders: { 'X-API-Key': API_KEY } });
    closers.push(conn);
    expect(conn.url).toBe('http://127.0.0.1:1/api?token=[REDACTED]&v=2');
    for (const shown of [inspect(conn), inspect(conn, { depth: 6 }), JSON.stringify(conn)]) {
      for (const secret of [PASSWORD, API_KEY, QUERY_TOKEN]) expect(shown).not.toContain(secret);
      expect(shown.length).toBeLessThan(300);
      expect(shown).toContain('HTTPConnection');
    }
  });
});
