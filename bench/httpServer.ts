/**
 * The HTTP benchmark's server, run as a CHILD process of bench/http.ts
 * (`node --import tsx bench/httpServer.ts`) so that its CPU is not charged to
 * the clients being measured.
 *
 * Listens on 127.0.0.1 only, on a free port (port 0), and answers
 * `GET /item` with a fixed ~110-byte JSON body (keep-alive, content-length,
 * no compression whatever the client accepts). Anything else is a 404.
 *
 * Protocol with the parent:
 * - IPC (when forked): sends `{ type: 'listening', port }`; answers
 *   `{ type: 'stats' }` with `{ type: 'stats', requests, cpu }` (cpu = this
 *   process's `process.cpuUsage()`); exits on `{ type: 'stop' }` or when the
 *   parent goes away (IPC disconnect).
 * - Without IPC (run by hand): prints `{"port":N}` on stdout and serves until killed.
 */
import http from 'node:http';
import { serveForBench } from './reportToParent.js';

const BODY = Buffer.from(
  JSON.stringify({
    id: 42,
    name: 'widget',
    price: 19.99,
    tags: ['a', 'b', 'c'],
    inStock: true,
    updatedAt: '2024-01-01T00:00:00.000Z',
  }),
);
const HEADERS = { 'content-type': 'application/json', 'content-length': String(BODY.length) };

let requests = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/item') {
    requests++;
    res.writeHead(200, HEADERS);
    res.end(BODY);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
  res.end('not found');
});
serveForBench(server, () => ({ requests }), { bodyBytes: BODY.length });
