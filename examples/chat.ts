// In your app: import { WebSocketConnection } from 'statewire';
/**
 * `npm run example:chat`: a chat room over WebSocket whose server (started
 * here on 127.0.0.1) is killed twice and restarted on the same port, while
 * alice and bob keep talking.
 *
 * - Each client sends with acknowledged delivery (`delivery: { messageId, ackId }`):
 *   a message stays with the client until the server's `{ type: 'ack', id }`
 *   arrives, and is re-sent after a reconnect (at-least-once), even when the
 *   server died with it in flight. Messages sent while the server is down wait
 *   in the bounded send queue and go out in order on reconnect.
 * - The server stores messages by id (so a re-sent one is acknowledged again,
 *   not stored twice: exactly once in the room), and numbers them; on every
 *   (re)open a client says which number it has seen last (`onOpen`), and the
 *   server replays what it missed.
 *
 * The first crash comes right after the server stored one of alice's messages
 * and before it acknowledged it; the second comes as bob's message arrives,
 * before it is stored. At the end it prints the tally: sent, stored, acknowledged,
 * received by the other side, dropped. It exits on its own (about 3 s).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebSocketConnection } from '../src/index.js';

const PER_USER = 10;
const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Chat {
  type: 'chat';
  id: string;
  from: string;
  text: string;
  seq?: number;
}
type Incoming = Chat | { type: 'hello'; user: string; since: number };

/** The room's store outlives the server process it models (a database). */
const room = { messages: [] as Required<Chat>[], byId: new Map<string, number>(), duplicates: 0 };

/** One run of the chat server; `kill()` drops every client without a closing handshake and stops listening. */
interface ChatServer {
  kill(): Promise<void>;
  /** Crash on the message with this id: `'after-store'` or `'before-store'`. */
  crashOn: Map<string, 'after-store' | 'before-store'>;
}

function startChatServer(port: number, onCrash: (id: string) => void): Promise<{ server: ChatServer; port: number }> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ server: http, path: '/chat' });
  const users = new Map<WebSocket, string>();
  const crashOn = new Map<string, 'after-store' | 'before-store'>();
  let dead = false;
  const kill = async () => {
    dead = true;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      // A killed process handles nothing more, not even frames already read from the socket.
      if (dead) return;
      const message = JSON.parse(String(data)) as Incoming;
      if (message.type === 'hello') {
        users.set(socket, message.user);
        const missed = room.messages.filter((m) => m.seq > message.since && m.from !== message.user);
        if (message.since > 0 || missed.length > 0) log(`  server: ${message.user} (re)joined, has seen up to #${message.since}: replaying ${missed.length} it missed`);
        for (const m of missed) socket.send(JSON.stringify(m));
        return;
      }
      const crash = crashOn.get(message.id);
      if (crash === 'before-store') {
        crashOn.delete(message.id);
        log(`  server: ✗ killed as "${message.text}" arrived, before storing it`);
        onCrash(message.id);
        return;
      }
      let seq = room.byId.get(message.id);
      if (seq === undefined) {
        seq = room.messages.length + 1;
        const stored = { ...message, seq };
        room.messages.push(stored);
        room.byId.set(message.id, seq);
        for (const [other, user] of users) if (user !== message.from) other.send(JSON.stringify(stored));
      } else {
        room.duplicates++;
        log(`  server: "${message.text}" re-sent by ${message.from}: already stored as #${seq}, acknowledged again, not stored twice`);
      }
      if (crash === 'after-store') {
        crashOn.delete(message.id);
        log(`  server: ✗ killed after storing "${message.text}" as #${seq}, before acknowledging it`);
        onCrash(message.id);
        return;
      }
      socket.send(JSON.stringify({ type: 'ack', id: message.id }));
    });
  });
  return new Promise((resolve) =>
    http.listen(port, '127.0.0.1', () => resolve({ server: { kill, crashOn }, port: (http.address() as AddressInfo).port })),
  );
}

/** One participant: a connection with acknowledged delivery, and what it saw. */
function participant(user: string, url: string) {
  const received: number[] = [];
  const dropped: unknown[] = [];
  let lastSeq = 0;
  const conn = new WebSocketConnection({
    url,
    name: user,
    reconnectDelay: 100,
    maxReconnectDelay: 200,
    healthUrl: false,
    delivery: {
      messageId: (m) => (m as Incoming).type === 'chat' ? (m as Chat).id : undefined,
      ackId: (m) => ((m as { type?: string; id?: string }).type === 'ack' ? (m as { id: string }).id : undefined),
      ackTimeout: 2_000,
    },
    // After every (re)open, ahead of the queue: who I am and what I have seen.
    onOpen: (c) => void c.send({ type: 'hello', user, since: lastSeq }),
  });
  conn.on('message', (m) => {
    const message = m as { type: string; id: string; seq?: number; from?: string; text?: string };
    // Acknowledgements are consumed by `delivery` and never reach this handler.
    if (message.type === 'chat' && message.seq! > lastSeq) {
      lastSeq = message.seq!;
      received.push(message.seq!);
    }
  });
  conn.on('statusChange', (status) => log(`  ${user}: ${status}`));
  conn.on('reconnecting', ({ attempt, delay }) => log(`  ${user}: reconnect attempt ${attempt} in ${Math.round(delay)} ms`));
  conn.on('message_dropped', (d) => {
    dropped.push(d.message);
    log(`  ${user}: DROPPED ${JSON.stringify(d.message)} (${d.reason})`);
  });
  return { user, conn, received, dropped };
}

async function main(): Promise<void> {
  let run = await startChatServer(0, (id) => void crashed(id));
  const { port } = run;
  const url = `ws://127.0.0.1:${port}/chat`;
  log(`chat server on ${url}`);
  let restarts = 0;
  // A crash kills the server; it comes back on the same port 300 ms later.
  const outages: Promise<void>[] = [];
  const crashed = (_id: string) => {
    const killed = run.server;
    outages.push(
      (async () => {
        await killed.kill();
        await sleep(300);
        const crashOn = killed.crashOn;
        run = await startChatServer(port, (id) => void crashed(id));
        for (const [id, how] of crashOn) run.server.crashOn.set(id, how);
        restarts++;
        log(`  server: ↻ restarted on port ${port} (restart ${restarts})`);
      })(),
    );
  };
  run.server.crashOn.set('alice-4', 'after-store');
  run.server.crashOn.set('bob-8', 'before-store');

  const alice = participant('alice', url);
  const bob = participant('bob', url);
  await Promise.all([alice.conn.connect(), bob.conn.connect()]);

  for (let i = 1; i <= PER_USER; i++) {
    for (const p of [alice, bob]) {
      const message: Chat = { type: 'chat', id: `${p.user}-${i}`, from: p.user, text: `${p.user} #${i}` };
      const sent = p.conn.send(message);
      log(`${p.user} sends "${message.text}"${p.conn.isConnected() ? '' : ' (offline: queued)'}${sent ? '' : ' REFUSED'}`);
    }
    await sleep(80);
  }

  // Bounded wait: every message acknowledged and seen by the other side, or 5 s.
  const until = Date.now() + 5_000;
  const settled = (p: typeof alice) => p.conn.getStats().unacknowledged === 0 && p.conn.getStats().queuedMessages === 0;
  const done = () => [alice, bob].every(settled) && alice.received.length === PER_USER && bob.received.length === PER_USER;
  while (!done() && Date.now() < until) await sleep(20);
  await Promise.all(outages);

  console.log('');
  console.log('tally');
  for (const p of [alice, bob]) {
    const other = p === alice ? bob : alice;
    const stored = room.messages.filter((m) => m.from === p.user).length;
    const { unacknowledged, queuedMessages } = p.conn.getStats();
    // What the client no longer holds (not queued, not awaiting its ack) and did not report dropped was acknowledged.
    const acknowledged = PER_USER - unacknowledged - queuedMessages - p.dropped.length;
    const receivedByOther = other.received.filter((seq) => room.messages[seq - 1]!.from === p.user).length;
    console.log(
      `  ${p.user}: sent ${PER_USER}, acknowledged ${acknowledged}, stored in the room ${stored}, received by ${other.user} ${receivedByOther}, ` +
        `reported dropped ${p.dropped.length}, awaiting an ack ${unacknowledged}, still queued ${queuedMessages}`,
    );
  }
  const everyone = [...alice.received, ...bob.received].sort((a, b) => a - b);
  const exactlyOnce = everyone.length === room.messages.length && everyone.every((seq, i) => seq === i + 1);
  console.log(`  server: ${restarts} restarts, ${room.messages.length} messages stored, re-sent duplicates recognised: ${room.duplicates}`);
  console.log(`  ${done() && exactlyOnce ? 'all delivered: every message stored once and received once by the other side' : 'NOT all delivered (see above)'}`);

  alice.conn.dispose();
  bob.conn.dispose();
  await run.server.kill();
  if (!done()) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
