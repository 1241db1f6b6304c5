/**
 * The SSE benchmark's server, run as a CHILD process of bench/sse.ts
 * (`node --import tsx bench/sseServer.ts`) so that its CPU is not charged to
 * the clients being measured.
 *
 * A `node:http` server on 127.0.0.1 only, free port (port 0). `GET /events?n=N`
 * (1 ≤ N ≤ 10,000,000) answers 200 `text/event-stream` and streams N small
 * events, ids 0..N-1:
 *
 *     id: <i>\ndata: {"n":<i>}\n\n
 *
 * then ends the response. The body is built once per N as ~64 KB Buffers (whole
 * events only) and cached, so a stream costs the server one `res.write` per
 * 64 KB: the server is not the bottleneck. `GET /prepare?n=N` builds that cache
 * ahead (204, not counted as a stream): the bench calls it for every size before
 * its first run, else the first stream of a size would wait ~30-60 ms for it. Backpressure is respected: when
 * `res.write` returns false the next chunk waits for 'drain'. A client that
 * goes away mid-stream stops the writing. Anything else is a 404.
 *
 * Protocol with the parent:
 * - IPC (when forked): sends `{ type: 'listening', port }`; answers
 *   `{ type: 'stats' }` with `{ type: 'stats', streams, completed, aborted, open,
 *   events, bytes, cpu }` (streams started, streams ended after the last event,
 *   streams the client left early, streams open now, events and body bytes
 *   written, this process's `process.cpuUsage()`); exits on `{ type: 'stop' }`
 *   or when the parent goes away (IPC disconnect).
 * - Without IPC (run by hand): prints `{"port":N}` on stdout and serves until killed.
 */
import http from 'node:http';
import { serveForBench } from './reportToParent.js';

const CHUNK_BYTES = 64 * 1024;
const MAX_EVENTS = 10_000_000;
const HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

interface Body {
  chunks: Buffer[];
  /** Events in each chunk (a chunk holds whole events only). */
  eventsPer: number[];
}

/** Bodies by event count; the bench asks for two or three sizes. */
const bodies = new Map<number, Body>();

function bodyOf(n: number): Body {
  let body = bodies.get(n);
  if (body !== undefined) return body;
  body = { chunks: [], eventsPer: [] };
  let text = '';
  let count = 0;
  for (let i = 0; i < n; i++) {
    text += `id: ${i}\ndata: {"n":${i}}\n\n`;
    count++;
    if (text.length >= CHUNK_BYTES - 64) {
      body.chunks.push(Buffer.from(text, 'latin1'));
      body.eventsPer.push(count);
      text = '';
      count = 0;
    }
  }
  if (count > 0) {
    body.chunks.push(Buffer.from(text, 'latin1'));
    body.eventsPer.push(count);
  }
  bodies.set(n, body);
  return body;
}

let streams = 0;
let completed = 0;
let aborted = 0;
let open = 0;
let events = 0;
let bytes = 0;

function stream(res: http.ServerResponse, n: number): void {
  const body = bodyOf(n);
  streams++;
  open++;
  let i = 0;
  let finished = false;
  const done = (ok: boolean) => {
    if (finished) return;
    finished = true;
    open--;
    if (ok) completed++;
    else aborted++;
  };
  res.on('close', () => done(false)); // after 'finish' this is a no-op
  res.writeHead(200, HEADERS);
  res.flushHeaders();
  const pump = () => {
    while (i < body.chunks.length) {
      if (res.destroyed) return done(false);
      const chunk = body.chunks[i]!;
      events += body.eventsPer[i]!;
      bytes += chunk.length;
      i++;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(() => done(true));
  };
  pump();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const n = Number(url.searchParams.get('n'));
  const valid = req.method === 'GET' && Number.isInteger(n) && n >= 1 && n <= MAX_EVENTS;
  if (valid && url.pathname === '/events') {
    stream(res, n);
    return;
  }
  if (valid && url.pathname === '/prepare') {
    // Builds (and caches) the body of N events now, so the first measured stream does not wait for it.
    const body = bodyOf(n);
    res.writeHead(204, { 'x-chunks': String(body.chunks.length), 'x-bytes': String(body.chunks.reduce((a, c) => a + c.length, 0)) });
    res.end();
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
  res.end('not found');
});
serveForBench(server, () => ({ streams, completed, aborted, open, events, bytes }));
