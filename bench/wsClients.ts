/**
 * The WebSocket benchmark's subjects, shared by bench/websocket.ts (throughput
 * and latency, in the main bench process) and bench/wsMemory.ts (heap per
 * connection, in a child started with --expose-gc).
 *
 * Every subject hands the application what it would use: text frames as a
 * `string`. statewire decodes with `decodeValue` (Buffer#toString, then no
 * JSON.parse because the payload does not look like JSON), partysocket and
 * reconnecting-websocket get strings from ws's EventTarget API, and the raw ws
 * baseline does `isBinary ? data : data.toString()` itself. "raw ws, Buffer"
 * (no decode at all) is the floor, shown for information only.
 */
import { WebSocket as WS, type RawData } from 'ws';
import { WebSocket as PartySocket } from 'partysocket';
import ReconnectingWebSocket from 'reconnecting-websocket';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { WebSocketConnection, adoptChild, releaseChild } from './statewire.js';

export interface WsClient {
  /** Sends one text frame; false when the subject refused or queued it instead of writing it. */
  send(text: string): boolean;
  /** Closes for good (no reconnect); the socket goes away once the closing handshake is done. */
  close(): void;
}

export interface WsSubject {
  key: string;
  name: string;
  /** Opens one connection; `onMessage` gets every incoming message as the subject delivers it. */
  open(url: string, onMessage: (data: unknown) => void): Promise<WsClient>;
}

export const SW = 'statewire WebSocketConnection';
export const SW_CHILDREN = 'statewire, children of one parent';

let parent: AnyActorRef | undefined;
let childCount = 0;
/** One parent actor for every 'children' subject connection (a plain machine that adopts them). */
function sharedParent(): AnyActorRef {
  if (parent !== undefined) return parent;
  const machine = setup({}).createMachine({ on: { 'statewire.adopt': { actions: adoptChild }, 'statewire.release': { actions: releaseChild } } });
  parent = createActor(machine);
  parent.subscribe({ error: (error) => console.error('bench parent:', error) });
  parent.start();
  return parent;
}
export const RAW = 'raw ws (text → string)';

const OPEN_TIMEOUT_MS = 10_000;

/** Waits for `subscribe`'s resolve/reject, at most OPEN_TIMEOUT_MS; `cleanup` runs on failure. */
function opened(name: string, subscribe: (resolve: () => void, reject: (e: unknown) => void) => void, cleanup: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name}: not open within ${OPEN_TIMEOUT_MS} ms`));
    }, OPEN_TIMEOUT_MS);
    subscribe(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error) => {
        clearTimeout(timer);
        cleanup();
        reject(error);
      },
    );
  });
}

async function openRawWs(url: string, onMessage: (data: unknown) => void, decode: boolean): Promise<WsClient> {
  const ws = new WS(url, { perMessageDeflate: false });
  if (decode) ws.on('message', (data: RawData, isBinary: boolean) => onMessage(isBinary ? data : (data as Buffer).toString()));
  else ws.on('message', (data: RawData) => onMessage(data));
  ws.on('error', () => {}); // reported through the open promise / ignored after close
  await opened(
    'raw ws',
    (resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    },
    () => ws.terminate(),
  );
  return {
    send: (text) => {
      ws.send(text);
      return true;
    },
    close: () => ws.close(1000),
  };
}

export const SUBJECTS: WsSubject[] = [
  {
    key: 'statewire',
    name: SW,
    // Defaults (pingInterval 30000: the heartbeat cannot fire during a run), no health polling.
    open: async (url, onMessage) => {
      const conn = new WebSocketConnection({ url, healthUrl: false });
      conn.on('message', onMessage);
      try {
        await opened(
          'statewire',
          (resolve, reject) => conn.connect().then(resolve, reject),
          () => conn.dispose(),
        );
      } catch (error) {
        conn.dispose();
        throw error;
      }
      return { send: (text) => conn.send(text), close: () => conn.dispose() };
    },
  },
  {
    key: 'children',
    name: SW_CHILDREN,
    // The same connections, each the named child of one parent actor (as under a ConnectionManager).
    open: async (url, onMessage) => {
      const conn = new WebSocketConnection({ url, healthUrl: false });
      conn.attachTo(sharedParent(), `c${++childCount}`);
      conn.on('message', onMessage);
      try {
        await opened(
          'statewire (children)',
          (resolve, reject) => conn.connect().then(resolve, reject),
          () => conn.dispose(),
        );
      } catch (error) {
        conn.dispose();
        throw error;
      }
      return { send: (text) => conn.send(text), close: () => conn.dispose() };
    },
  },
  { key: 'ws', name: RAW, open: (url, onMessage) => openRawWs(url, onMessage, true) },
  { key: 'wsbuffer', name: 'raw ws, Buffer (no decode)', open: (url, onMessage) => openRawWs(url, onMessage, false) },
  {
    key: 'partysocket',
    name: 'partysocket WebSocket',
    open: async (url, onMessage) => {
      // Node 20 has no global WebSocket: hand it ws's constructor.
      const ps = new PartySocket(url, undefined, { WebSocket: WS });
      ps.addEventListener('message', (e: MessageEvent) => onMessage(e.data));
      await opened(
        'partysocket',
        (resolve, reject) => {
          ps.addEventListener('open', () => resolve(), { once: true });
          ps.addEventListener('error', (e) => reject((e as { error?: unknown }).error ?? new Error('partysocket error')), { once: true });
        },
        () => ps.close(1000),
      );
      return { send: (text) => ps.send(text), close: () => ps.close(1000) };
    },
  },
  {
    key: 'rws',
    name: 'reconnecting-websocket',
    open: async (url, onMessage) => {
      const rws = new ReconnectingWebSocket(url, [], { WebSocket: WS });
      rws.addEventListener('message', (e) => onMessage(e.data));
      await opened(
        'reconnecting-websocket',
        (resolve, reject) => {
          rws.addEventListener('open', function onOpen() {
            rws.removeEventListener('open', onOpen);
            resolve();
          });
          rws.addEventListener('error', function onError(e) {
            rws.removeEventListener('error', onError);
            reject(e.error ?? new Error('reconnecting-websocket error'));
          });
        },
        () => rws.close(1000),
      );
      return {
        send: (text) => {
          rws.send(text);
          return rws.readyState === rws.OPEN;
        },
        close: () => rws.close(1000),
      };
    },
  },
];

/** BENCH_WS_ONLY=statewire,ws picks subjects by key (raw ws is always kept: it is the reference). */
export function pickSubjects(): WsSubject[] {
  const only = process.env.BENCH_WS_ONLY?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return only?.length ? SUBJECTS.filter((s) => s.key === 'ws' || only.includes(s.key)) : SUBJECTS;
}

/** TCP sockets this process still holds (connected or connecting). */
export function openTcpSockets(): number {
  let n = 0;
  for (const r of process.getActiveResourcesInfo()) if (r === 'TCPSocketWrap') n++;
  return n;
}

/** Resolves once this process holds at most `target` TCP sockets, or after `maxMs` (then false). */
export async function socketsDown(target: number, maxMs: number): Promise<boolean> {
  const deadline = performance.now() + maxMs;
  while (openTcpSockets() > target) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
