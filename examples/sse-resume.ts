// In your app: import { SSEConnection } from 'statewire';
/**
 * `npm run example:sse`: a price feed over Server-Sent Events (a server started
 * here on 127.0.0.1) that loses its stream three times, and an `SSEConnection`
 * that resumes each time where it left off, with `Last-Event-ID`:
 *
 * 1. the server ends the stream (a deploy): the client reconnects after the
 *    `retry:` delay the server asked for;
 * 2. the connection is cut mid-stream (a proxy dies);
 * 3. the stream goes silent but stays open (a stuck upstream): no event and no
 *    comment for `idleTimeout`, so the client drops it and reconnects.
 *
 * The server keeps a history and replays what came after the id the client
 * names, so the client sees every event once, in order. It prints the ids as
 * they arrive and checks them at the end. It exits on its own (about 2 s).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEConnection, type SSEMessage } from '../src/index.js';

const TOTAL = 30;
const EVERY_MS = 40;
const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);

/** The feed: one price every EVERY_MS, whether or not anyone listens. */
const history: Array<{ id: number; price: number }> = [];
/** How each stream ends, by the last id it carries. */
const faults = new Map<number, 'end' | 'cut' | 'stall'>([
  [8, 'end'],
  [16, 'cut'],
  [22, 'stall'],
]);
const streams = new Set<{ res: ServerResponse; stalled: boolean }>();
const lastEventIds: string[] = [];

function write(stream: { res: ServerResponse; stalled: boolean }, tick: { id: number; price: number }): void {
  if (stream.stalled) return;
  stream.res.write(`id: ${tick.id}\nevent: price\ndata: ${JSON.stringify(tick)}\n\n`);
  const fault = faults.get(tick.id);
  if (fault === undefined) return;
  faults.delete(tick.id);
  if (fault === 'end') {
    log(`  server: ends the stream after id ${tick.id} (a deploy)`);
    stream.res.end();
  } else if (fault === 'cut') {
    log(`  server: the connection is cut after id ${tick.id}`);
    stream.res.destroy();
  } else {
    log(`  server: the stream goes silent after id ${tick.id}, the connection stays open`);
    stream.stalled = true;
  }
}

const http = createServer((req, res) => {
  if (req.url !== '/prices') return void res.writeHead(404).end();
  const lastId = req.headers['last-event-id'];
  lastEventIds.push(typeof lastId === 'string' ? lastId : '');
  const from = typeof lastId === 'string' ? Number(lastId) : 0;
  log(`  server: stream opened${typeof lastId === 'string' ? ` with Last-Event-ID: ${lastId}, replaying ${history.length - from} missed` : ''}`);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // How long the client should wait before reconnecting after this stream ends.
  res.write('retry: 150\n\n');
  const stream = { res, stalled: false };
  streams.add(stream);
  res.on('close', () => streams.delete(stream));
  for (const tick of history.slice(from)) write(stream, tick);
});

async function main(): Promise<void> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const producer = setInterval(() => {
    if (history.length === TOTAL) return clearInterval(producer);
    const tick = { id: history.length + 1, price: 100 + Math.round(Math.sin(history.length) * 500) / 100 };
    history.push(tick);
    for (const stream of streams) write(stream, tick);
  }, EVERY_MS);

  const feed = new SSEConnection({
    url: `http://127.0.0.1:${port}/prices`,
    retryDelay: 100,
    // A stream that says nothing for 400 ms is dead (a real feed would send comments as heartbeats).
    idleTimeout: 400,
  });
  const ids: number[] = [];
  let line: number[] = [];
  const flush = () => {
    if (line.length > 0) log(`ids ${line.join(' ')}`);
    line = [];
  };
  const all = new Promise<void>((resolve) => {
    feed.on('price', (event: SSEMessage) => {
      const { id } = event.data as { id: number };
      ids.push(id);
      line.push(id);
      if (line.length === 8) flush();
      if (ids.length === TOTAL) resolve();
    });
  });
  feed.onEvent((e) => {
    if (['connection_lost', 'reconnecting', 'stream_stalled', 'connected'].includes(e.eventType)) {
      flush();
      log(`  client: ${e.eventType}: ${e.message}`);
    }
  });
  await feed.connect();
  // Bounded: all events, or 8 s.
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 8_000).unref())]);
  flush();
  await feed.close();
  clearInterval(producer);
  http.closeAllConnections();
  http.close();

  const contiguous = ids.every((id, i) => id === i + 1);
  const duplicates = ids.length - new Set(ids).size;
  const missed = Array.from({ length: TOTAL }, (_, i) => i + 1).filter((id) => !ids.includes(id));
  console.log('');
  console.log(`streams opened: ${lastEventIds.length}, Last-Event-ID sent on each: ${lastEventIds.map((id) => id || '(none)').join(', ')}`);
  console.log(`received ${ids.length} of ${TOTAL} events; duplicates ${duplicates}; missed ${missed.length === 0 ? 'none' : missed.join(' ')}`);
  console.log(contiguous && ids.length === TOTAL ? `resumed without a gap: ids 1..${TOTAL} contiguous, each once` : 'GAP OR DUPLICATE (see above)');
  if (!contiguous || ids.length !== TOTAL) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
