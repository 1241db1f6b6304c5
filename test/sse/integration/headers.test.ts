/**
 * Request headers of `SSEConnection` as a real server on 127.0.0.1 sees them:
 * recomputed before every attempt (a refreshed token), async, a headers
 * function that fails once; and secrets kept out of everything the
 * connection shows (events, errors, logs, stats, the actor's snapshot).
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, type ConnectionEvent, type SSEConnectionOptions } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer, type SseStream } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

/** Each stream sends one event with the request's index as its id, then ends: the client reconnects. */
const oneEventThenEnd = (s: SseStream) => {
  s.open();
  s.send({ id: String(s.request.index + 1), data: s.request.authorization ?? '' });
  s.after(20, () => s.end());
};

describe('headers per attempt', () => {
  it('a headers function is called before every attempt: Bearer 1 on the first request, Bearer 2 on the reconnect', async () => {
    const server = track.server(await startSseServer(oneEventThenEnd));
    let n = 0;
    const conn = connection({ url: server.url, headers: () => ({ Authorization: `Bearer ${++n}` }) });
    await conn.connect();
    await server.waitForRequests(2);
    expect(server.requests[0]!.authorization).toBe('Bearer 1');
    expect(server.requests[1]!.authorization).toBe('Bearer 2');
    expect(server.requests[1]!.lastEventId).toBe('1');
  });

  it('an async headers function works the same, and customHeaders are merged under it', async () => {
    const server = track.server(await startSseServer(oneEventThenEnd));
    let n = 0;
    const conn = connection({
      url: server.url,
      customHeaders: { 'X-Client': 'statewire-test', Authorization: 'Bearer overridden' },
      headers: async () => {
        await sleep(10);
        return { Authorization: `Bearer async-${++n}` };
      },
    });
    await conn.connect();
    await server.waitForRequests(2);
    expect(server.requests.slice(0, 2).map((r) => r.authorization)).toEqual(['Bearer async-1', 'Bearer async-2']);
    expect(server.requests[0]!.headers['x-client']).toBe('statewire-test');
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('a headers function that throws once is a failed attempt (no request), reported as callback_error; connect() goes on and opens', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ data: s.request.authorization ?? '' });
      }),
    );
    let calls = 0;
    const conn = connection({
      url: server.url,
      headers: () => {
        if (++calls === 1) throw new Error('token refresh failed');
        return { Authorization: 'Bearer fresh' };
      },
    });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(2_000)).raw).toBe('Bearer fresh');
    expect(calls).toBe(2);
    // The failed attempt never reached the server.
    expect(server.requests).toHaveLength(1);
    expect(events.types()).toEqual(['callback_error', 'connection_error', 'reconnecting', 'connected']);
    expect(events.all[0]).toMatchObject({ severity: 'error', data: { callback: 'headers' } });
    expect(events.all[0]!.message).toMatch(/token refresh failed/);
    expect(events.all[1]!.message).toMatch(/token refresh failed/);
  });

  it('a headers function that returns something other than an object is a failed attempt too', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    let calls = 0;
    const conn = connection({
      url: server.url,
      headers: (() => (++calls === 1 ? 'nope' : { 'X-Ok': '1' })) as unknown as () => Record<string, string>,
    });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect(events.of('callback_error')).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-ok']).toBe('1');
  });
});

describe('secrets', () => {
  /** Everything a connection shows, as text. */
  async function everythingShown(conn: SSEConnection, events: ConnectionEvent[], errors: unknown[], logs: unknown[][]): Promise<string> {
    return [
      JSON.stringify(events),
      inspect(events, { depth: 10 }),
      ...errors.map((e) => `${String(e)} ${inspect(e, { depth: 10 })} ${JSON.stringify(e)}`),
      inspect(logs, { depth: 10 }),
      JSON.stringify(conn.getStats()),
      JSON.stringify(conn.getMetrics()),
      JSON.stringify(await conn.healthCheck()),
      JSON.stringify(conn.actor.getSnapshot()),
      inspect(conn.actor.getSnapshot().context, { depth: 10 }),
      conn.url,
    ].join('\n');
  }

  function logger(into: unknown[][]) {
    const sink = (...args: unknown[]) => void into.push(args);
    return { debug: sink, info: sink, warn: sink, error: sink };
  }

  it.each([
    ['static headers', { headers: { Authorization: 'Bearer SECRET123' } }],
    ['customHeaders', { customHeaders: { 'X-Api-Key': 'SECRET123' } }],
    ['a headers function', { headers: () => ({ Authorization: 'Bearer SECRET123' }) }],
  ] as const)('%s and a 401: SECRET123 is in no event, error, log line, stats or snapshot', async (_name, options) => {
    const server = track.server(await startSseServer((s) => s.reject(401, 'bad token SECRET123')));
    const logs: unknown[][] = [];
    const conn = connection({ url: server.url, ...options, enableLogging: true, logger: logger(logs) });
    const events = recordConnectionEvents(conn);
    const errors: unknown[] = [];
    await conn.connect().catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(1);
    expect(events.types()).toEqual(['authentication_failed']);
    // The secret did go out, to the server only.
    expect(JSON.stringify(server.requests[0]!.headers)).toContain('SECRET123');
    const shown = await everythingShown(conn, events.all, errors, logs);
    expect(shown).toContain('401'); // what is shown does describe the failure…
    expect(shown).not.toContain('SECRET123'); // …without the secret
  });

  it('a token in the URL query and a refreshed token after a stalled stream stay hidden too', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) {
          s.open();
          s.send({ id: '1', data: 'x' }); // then silence: stalled after idleTimeout
          return;
        }
        s.reject(401);
      }),
    );
    const logs: unknown[][] = [];
    let n = 0;
    const conn = connection({
      url: `${server.url}?access_token=QUERYSECRET1`,
      headers: () => ({ Authorization: `Bearer ROTATED${++n}SECRET` }),
      idleTimeout: 100,
      enableLogging: true,
      logger: logger(logs),
    });
    const events = recordConnectionEvents(conn);
    // A careless handler whose error repeats the token: logged, redacted.
    conn.on('message', () => {
      throw new Error('handler choked on Bearer ROTATED1SECRET');
    });
    await conn.connect();
    await waitFor(() => conn.getStats().status === 'error', 3_000, 'the 401 on reconnect');
    expect(server.requests.map((r) => r.authorization)).toEqual(['Bearer ROTATED1SECRET', 'Bearer ROTATED2SECRET']);
    expect(server.requests[0]!.url).toContain('QUERYSECRET1');
    const shown = await everythingShown(conn, events.all, [], logs);
    expect(shown).toContain('stream_stalled');
    // The log had something to say: the stall, and the handler's error.
    expect(logs.some((line) => String(line[0]).includes('reconnecting'))).toBe(true);
    expect(logs.some((line) => String(line[0]).includes('handler threw'))).toBe(true);
    for (const secret of ['QUERYSECRET1', 'ROTATED1SECRET', 'ROTATED2SECRET']) expect(shown).not.toContain(secret);
  });
});
