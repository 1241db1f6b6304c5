/**
 * Browser network and page events (`online`, `offline`, `visibilitychange`)
 * steering the reconnect loop of `WebSocketConnection`. Node has no `window`:
 * the tests install an EventTarget as the global one (and as `document`) before
 * creating connections, against a real `ws` server on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import type { WebSocketConnectionOptions } from '../../../src/index.js';
import { recordEvents, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();

type Globals = { addEventListener?: unknown; removeEventListener?: unknown; document?: unknown };
const g = globalThis as Globals;
let windowTarget: EventTarget;
let documentTarget: EventTarget & { visibilityState: string };
/** Listeners currently registered on the fake window and document, by event type. */
const registered = new Map<string, number>();

function countingTarget<T extends EventTarget>(target: T): T {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  Object.assign(target, {
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      registered.set(type, (registered.get(type) ?? 0) + 1);
      add(type, listener);
    },
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      registered.set(type, (registered.get(type) ?? 0) - 1);
      remove(type, listener);
    },
  });
  return target;
}

beforeEach(() => {
  registered.clear();
  windowTarget = countingTarget(new EventTarget());
  documentTarget = countingTarget(Object.assign(new EventTarget(), { visibilityState: 'hidden' }));
  g.addEventListener = windowTarget.addEventListener;
  g.removeEventListener = windowTarget.removeEventListener;
  g.document = documentTarget;
});

afterEach(async () => {
  await track.cleanup();
  delete g.addEventListener;
  delete g.removeEventListener;
  delete g.document;
});

/** A long backoff: only the browser events can make it reconnect within the test. */
function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 60_000, maxReconnectDelay: 60_000, healthUrl: false, minUptime: 0, ...options }));
}

const machineIn = (c: WebSocketConnection, state: 'waiting' | 'offline') => c.actor.getSnapshot().matches({ session: state });

async function downAndWaiting(conn: WebSocketConnection, server: { stop(): Promise<void> }): Promise<void> {
  await conn.connect();
  await server.stop();
  await waitFor(() => machineIn(conn, 'waiting'), 3000, 'session.waiting');
}

describe('online', () => {
  it('while waiting out a long backoff, `online` reconnects at once', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url });
    await downAndWaiting(conn, server);
    await server.restart();
    await sleep(50);
    expect(conn.isConnected()).toBe(false); // the 60 s wait is still running

    windowTarget.dispatchEvent(new Event('online'));
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect after online');
    conn.send({ back: true });
    expect(await conn.receive(2000)).toEqual({ back: true });
  });
});

describe('visibilitychange', () => {
  it('a page shown again while waiting reconnects at once; hiding it does nothing', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url });
    await downAndWaiting(conn, server);
    await server.restart();

    documentTarget.visibilityState = 'hidden';
    documentTarget.dispatchEvent(new Event('visibilitychange'));
    await sleep(100);
    expect(conn.isConnected()).toBe(false);

    documentTarget.visibilityState = 'visible';
    documentTarget.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect after the page became visible');
  });
});

describe('offline', () => {
  it('parks the session without spending attempts; `online` connects again', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    // Short waits: without `offline` the loop would spend its 3 attempts within ~100 ms.
    const conn = connection({ url: server.url, reconnectDelay: 10, maxReconnectDelay: 20, maxReconnectAttempts: 3 });
    const events = recordEvents(conn, ['reconnecting', 'max_reconnect_attempts']);
    await conn.connect();
    windowTarget.dispatchEvent(new Event('offline'));
    await server.stop();
    await waitFor(() => machineIn(conn, 'offline'), 3000, 'session.offline');
    const attemptsThen = conn.getStats().reconnectAttempts;
    await sleep(300);
    expect(machineIn(conn, 'offline')).toBe(true);
    expect(conn.getStats()).toMatchObject({ connected: false, status: 'waiting', reconnectAttempts: attemptsThen });
    expect(events.filter(([name]) => name === 'reconnecting')).toEqual([]);
    expect(events.filter(([name]) => name === 'max_reconnect_attempts')).toEqual([]);

    await server.restart();
    windowTarget.dispatchEvent(new Event('online'));
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect after online');
  });

  it('while connected, `offline` checks the link with a ping at once: a dead peer is dropped without waiting for the next interval', async () => {
    // The server never answers pings: the immediate check finds it dead within pongTimeout.
    const server = track.server(await startWsServer({ autoPong: false }));
    const conn = connection({ url: server.url, pingInterval: 60_000, pongTimeout: 100 });
    const events = recordEvents(conn, ['close']);
    await conn.connect();
    windowTarget.dispatchEvent(new Event('offline'));
    await waitFor(() => events.length > 0, 3000, 'the close after the failed check');
    expect(events[0]![1]).toMatchObject({ wasClean: false });
    // Still offline: parked, not waiting on a backoff.
    await waitFor(() => machineIn(conn, 'offline'), 3000, 'session.offline');
  });

  it('a connection created while the browser is offline waits for `online` instead of spending attempts', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const original = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { onLine: false }, configurable: true, writable: true });
    try {
      const conn = connection({ url: server.url.replace(/:\d+/, ':1'), reconnectDelay: 10 });
      // connect() waits for the network (no attempt is spent offline); dispose at cleanup ends it.
      conn.connect().catch(() => {});
      await waitFor(() => machineIn(conn, 'offline'), 3000, 'session.offline');
      expect(conn.getStats().reconnectAttempts).toBe(0);
    } finally {
      if (original) Object.defineProperty(globalThis, 'navigator', original);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});

describe('dispose', () => {
  it('removes every listener it added to window and document', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    expect(registered.get('online')).toBe(1);
    expect(registered.get('offline')).toBe(1);
    expect(registered.get('visibilitychange')).toBe(1);
    conn.dispose();
    expect([...registered.values()]).toEqual([0, 0, 0]);
  });
});
