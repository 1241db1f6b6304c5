/**
 * The WebSocket benchmark's echo server, run as a CHILD process of
 * bench/websocket.ts (`node --import tsx bench/wsServer.ts`) so that its CPU is
 * not charged to the clients being measured.
 *
 * A `ws` WebSocketServer on 127.0.0.1, free port (port 0), perMessageDeflate
 * off: every message is echoed as received (text as text, binary as binary; the
 * received Buffer is sent back as is, never decoded).
 *
 * Protocol with the parent:
 * - IPC (when forked): sends `{ type: 'listening', port }`; answers
 *   `{ type: 'stats' }` with `{ type: 'stats', messages, accepted, open, cpu }`
 *   (messages echoed, connections accepted so far, connections open now, this
 *   process's `process.cpuUsage()`); exits on `{ type: 'stop' }` or when the
 *   parent goes away (IPC disconnect).
 * - Without IPC (run by hand): prints `{"port":N}` on stdout and serves until killed.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';
import { reportToParent } from './reportToParent.js';

let messages = 0;
let accepted = 0;

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  // Batches of 100 connects at once: leave the kernel room to queue them.
  backlog: 4096,
  clientTracking: true,
  maxPayload: 16 * 1024 * 1024,
});

wss.on('connection', (ws) => {
  accepted++;
  // The echoes of the frames that came in one read go out in one write: the socket is
  // corked on the first echo and uncorked on the next tick. Without this the server makes
  // a syscall per echo and, on a small machine, becomes the throughput limit itself.
  const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  ws.on('message', (data: RawData, isBinary: boolean) => {
    messages++;
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    ws.send(data as Buffer, { binary: isBinary });
  });
  // A client that vanishes (terminate) must not take the server down.
  ws.on('error', () => {});
});

function stop(): never {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  process.exit(0);
}

wss.on('listening', () => {
  const { port } = wss.address() as AddressInfo;
  reportToParent(port, () => ({ messages, accepted, open: wss.clients.size }), stop);
});
