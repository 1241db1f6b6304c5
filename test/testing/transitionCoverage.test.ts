/**
 * transitionCoverage through real clients on 127.0.0.1: their `inspect` option
 * redacts events and hands out views of the actors, their machines are
 * provided with their actors, and the breaker is a child of the HTTP client.
 * Each report is asserted by name, covered and missing alike.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { ApiClient, WebSocketConnection } from '../../src/index.js';
import { circuitBreakerMachine, httpClientMachine, reconnectLoop, webSocketMachine } from '../../machines/index.js';
import { formatCoverage, transitionCoverage, transitionsOf } from '../../src/testing/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { startWsServer, waitFor, type WsTestServer } from '../helpers/wsServer.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const taken = (machine: Parameters<typeof transitionCoverage>[0], missing: string[]) =>
  [...transitionsOf(machine).values()].map((t) => t.key).filter((k) => !missing.includes(k));

describe('transitionCoverage', () => {
  it('records a real ApiClient (a provided root machine) and its breaker child, through the redacted inspect option', async () => {
    const server: TestServer = await startServer((_req, res) => json(res, 500, { error: 'down' }));
    cleanups.push(() => server.close());
    const breaker = transitionCoverage(circuitBreakerMachine);
    const http = transitionCoverage(httpClientMachine);
    const client = new ApiClient({
      baseURL: server.url,
      retries: 0,
      circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 60_000 },
      inspect: (e) => (breaker(e), http(e)),
    });
    cleanups.push(() => client.dispose());
    await expect(client.get('/x')).rejects.toThrow();

    const b = breaker.report();
    console.log(formatCoverage('breaker', b));
    expect(b.states).toEqual({ covered: 2, total: 3, missing: ['circuitBreaker.HALF_OPEN'] });
    // One 500 with threshold 1: the failure trips the breaker, nothing else happens.
    expect(taken(circuitBreakerMachine, b.transitions.missing)).toEqual(['circuitBreaker.CLOSED --FAILURE#0']);
    expect(b.transitions).toMatchObject({ covered: 1, total: 16 });
    expect(b.transitions.missing).toContain('circuitBreaker.OPEN --xstate.after.retryIn.circuitBreaker.OPEN#0');
    expect(b.transitions.missing).toContain('circuitBreaker.HALF_OPEN --PROBE_SUCCESS#0');

    const h = http.report();
    console.log(formatCoverage('http', h));
    expect(h.states.missing).toEqual(['http.active.health.healthy', 'http.active.health.degraded', 'http.disposed']);
    expect(taken(httpClientMachine, h.transitions.missing)).toEqual(HTTP_TAKEN);
  });

  it('records a real WebSocketConnection that connects, is dropped by the server and reconnects', async () => {
    const server: WsTestServer = await startWsServer();
    cleanups.push(() => server.stop());
    const coverage = transitionCoverage(webSocketMachine);
    const ws = new WebSocketConnection({ url: server.url, reconnectDelay: 10, maxReconnectDelay: 20, pingInterval: 0, inspect: coverage });
    cleanups.push(() => ws.disconnect());
    await ws.connect();
    server.terminateAll();
    await waitFor(() => coverage.report().transitions.missing.includes('websocket.session.waiting --xstate.done.actor.reconnect#0') === false, 5_000, 'reconnected');
    await waitFor(() => ws.isConnected(), 5_000, 'open again');
    // The connection's actor runs the machine provided with its socket actor: matched all the same.
    expect(ws.actor.logic).not.toBe(webSocketMachine);
    const report = coverage.report();
    console.log(formatCoverage('websocket', report));
    expect(taken(webSocketMachine, report.transitions.missing)).toEqual(WS_TAKEN);
    expect(report.states.missing).toEqual(WS_STATES_MISSING);
  });

  it('counts eventless transitions, and only the branch taken', () => {
    const coverage = transitionCoverage(reconnectLoop);
    const policy = { base: 100, maxDelay: 1_000, maxAttempts: 2, minUptime: 500, jitter: 'none' } as const;
    const loop = createActor(reconnectLoop, { input: { policy, record: { attempts: 1, delay: 0, seed: 1 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true }, inspect: coverage }).start();
    loop.send({ type: 'RETRY_NOW' });
    const report = coverage.report();
    expect(report.states).toEqual({ covered: 3, total: 5, missing: ['reconnectLoop.paused', 'reconnectLoop.exhausted'] });
    expect(taken(reconnectLoop, report.transitions.missing)).toEqual(['reconnectLoop.down --always#1', 'reconnectLoop.waiting --RETRY_NOW#0']);
    coverage.reset();
    expect(coverage.report().transitions.covered).toBe(0);
  });

  it('ignores actors of other machines, even under the same system', () => {
    const coverage = transitionCoverage(circuitBreakerMachine);
    createActor(reconnectLoop, { input: { policy: { base: 1, maxDelay: 1, maxAttempts: 1, minUptime: 1, jitter: 'none' }, record: { attempts: 1, delay: 0, seed: 1 }, cause: { type: 'FAILED', reason: 'x' }, sessionOpened: true }, inspect: coverage }).start();
    expect(coverage.report().states.covered).toBe(0);
    expect(coverage.report().transitions.covered).toBe(0);
  });
});

// The breaker's first snapshot (CLOSED, tracked), CONNECT as the client is built, the breaker opening
// (unknown → unhealthy), then the failure reported while unhealthy.
const HTTP_TAKEN = [
  'http.active --xstate.snapshot.breaker#0',
  'http.active.connection.disconnected --CONNECT#0',
  'http.active.health.unknown --xstate.snapshot.breaker#0',
  'http.active.health.unhealthy --REQUEST_FAILED#0',
];
// Connect, open, an abnormal close (1006, not terminal, online: the last branch), the loop's wait, its `attempting`.
const WS_TAKEN = [
  'websocket.idle --CONNECT#0',
  'websocket.session.link --SOCKET_CLOSED#3',
  'websocket.session.link.connecting --OPENED#0',
  'websocket.session.waiting --xstate.done.actor.reconnect#0',
  'websocket.session.waiting --xstate.snapshot.reconnect#0',
];
const WS_STATES_MISSING = [
  'websocket.session.link.connected.activity.listening',
  'websocket.session.link.connected.activity.thinking',
  'websocket.session.link.connected.activity.speaking',
  'websocket.session.link.connected.heartbeat.awaitingPong',
  'websocket.session.offline',
  'websocket.closed',
  'websocket.error',
];
