// In your app: import { ConnectionManager, WebSocketConnection } from 'statewire'; import { startInspector } from 'statewire/inspect';
/**
 * `npm run example:failover`: a `ConnectionManager` whose `realtime` connection
 * has a backup. Two WebSocket servers (started here on 127.0.0.1) play the
 * primary and the backup site; the app sends a tick every 100 ms through
 * `manager.getConnection('realtime')`.
 *
 * The primary site goes down: the primary connection waits to reconnect (health
 * `degraded`), the manager fails over (`failover`) and the ticks go to the
 * backup. The primary site comes back: the connection reconnects, turns
 * `healthy`, the manager fails back (`failback`) and the ticks go to the primary
 * again. Ticks are acknowledged by the site that got them (`delivery`): a tick
 * written into the primary's socket as the site died is kept by the primary
 * connection and re-sent when it is back, so none is lost (without acknowledgements
 * such a tick would be gone with the socket, as with any TCP write).
 *
 * `npm run example:failover -- --inspect` runs it slower and serves the local
 * inspector (statewire/inspect) on 127.0.0.1, to watch the manager, both
 * connections and their reconnect loops live; `--hold <seconds>` keeps it open
 * afterwards (default 60), `--pace <n>` sets the slow-down (default 4 with
 * `--inspect`, else 1). Without `--inspect` it exits on its own (about 2.5 s).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { ConnectionManager, WebSocketConnection } from '../src/index.js';
import { startInspector, type Inspector } from '../src/inspect/index.js';

const args = process.argv.slice(2);
const inspecting = args.includes('--inspect');
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const HOLD_S = option('--hold', 60);
/** Slower with the inspector, so a human can follow it (`--pace 1`: full speed). */
const PACE = option('--pace', inspecting ? 4 : 1);

const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every tick any site got, by number (the app's system of record), and how many arrived twice. */
const delivered = new Set<number>();
let duplicates = 0;

/** A site: a WebSocket server that acknowledges and counts the ticks it gets; it can go down and come back on the same port. */
async function startSite(name: string) {
  let port = 0;
  let ticks = 0;
  let current: { http: Server; wss: WebSocketServer; sockets: Set<Socket> } | undefined;
  const up = async () => {
    const http = createServer((_req, res) => res.writeHead(404).end());
    const sockets = new Set<Socket>();
    http.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    const wss = new WebSocketServer({ server: http, path: '/live' });
    wss.on('connection', (socket) =>
      socket.on('message', (data) => {
        const { n } = JSON.parse(String(data)) as { n: number };
        if (delivered.has(n)) duplicates++;
        else {
          delivered.add(n);
          ticks++;
        }
        socket.send(JSON.stringify({ type: 'ack', n }));
      }),
    );
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
    current = { http, wss, sockets };
  };
  const down = async () => {
    if (!current) return;
    const { http, wss, sockets } = current;
    current = undefined;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  await up();
  return { name, url: `ws://127.0.0.1:${port}/live`, up, down, ticks: () => ticks };
}

/** The local inspector (statewire/inspect): the page shows the manager, its connections and their machines, live. */
async function openInspector(): Promise<Inspector> {
  const inspector = await startInspector({ port: 0 });
  log(`inspector: ${inspector.url} — open it in a browser`);
  return inspector;
}

async function main(): Promise<void> {
  const inspector = inspecting ? await openInspector() : undefined;
  const primarySite = await startSite('primary');
  const backupSite = await startSite('backup');
  log(`primary site ${primarySite.url}, backup site ${backupSite.url}`);

  const manager = new ConnectionManager({ healthCheckInterval: 500, ...(inspector ? { inspect: inspector.inspect } : {}) });
  // A tick is kept until its site acknowledges it, and re-sent after a reconnect.
  const delivery = {
    messageId: (m: unknown) => (m as { n?: number }).n,
    ackId: (m: unknown) => ((m as { type?: string }).type === 'ack' ? (m as { n: number }).n : undefined),
  };
  const primary = new WebSocketConnection({ url: primarySite.url, name: 'primary', reconnectDelay: 100, maxReconnectDelay: 200, healthUrl: false, delivery });
  const backup = new WebSocketConnection({ url: backupSite.url, name: 'backup', healthUrl: false, delivery });
  for (const conn of [primary, backup]) conn.on('message_dropped', ({ message, reason }) => log(`  ${conn.name}: DROPPED ${JSON.stringify(message)} (${reason})`));
  manager.addConnection(primary, 'realtime', { fallback: backup });
  manager.addGlobalHandler((type, event) => {
    if (['failover', 'failback', 'connection_lost', 'connected', 'health_changed'].includes(type)) log(`  manager: ${type} (${event.name}): ${event.message}`);
  });
  const results = await manager.connectAll();
  log(`connectAll: ${results.map(({ name, ok }) => `${name} ${ok ? 'ok' : 'failed'}`).join(', ')}`);
  await manager.start();

  // The app: a tick every 100 ms through whatever connection the name stands for now.
  const sentVia: Record<string, number> = { primary: 0, backup: 0 };
  let n = 0;
  let lastVia = '';
  const ticker = setInterval(() => {
    const conn = manager.getConnection('realtime') as WebSocketConnection;
    const via = conn === primary ? 'primary' : 'backup';
    if (via !== lastVia) log(`app: ticks now go through the ${via} connection`);
    lastVia = via;
    if (conn.send({ type: 'tick', n: ++n })) sentVia[via]!++;
  }, 100);

  const stats = (when: string) => {
    const { totalConnections, healthyConnections, connectionsByHealth, failedOver } = manager.getStatistics();
    log(`statistics ${when}: ${JSON.stringify({ totalConnections, healthyConnections, connectionsByHealth, failedOver })}`);
  };
  await sleep(500 * PACE);
  stats('with both sites up');
  log('✗ the primary site goes down');
  await primarySite.down();
  await sleep(700 * PACE);
  stats('while the primary site is down');
  log('↻ the primary site comes back');
  await primarySite.up();
  await sleep(700 * PACE);
  stats('after the primary site came back');
  clearInterval(ticker);
  // Wait (bounded) until every tick is acknowledged.
  const unacknowledged = () => primary.getStats().unacknowledged + backup.getStats().unacknowledged;
  for (let i = 0; i < 150 && (unacknowledged() > 0 || delivered.size < n); i++) await sleep(20);

  const received = delivered.size;
  console.log('');
  console.log(`ticks sent ${n}: through the primary ${sentVia.primary}, through the backup ${sentVia.backup}; awaiting an ack ${unacknowledged()}`);
  console.log(`ticks received: primary site ${primarySite.ticks()}, backup site ${backupSite.ticks()}, lost ${n - received}; re-sent after the crash and recognised: ${duplicates}`);

  if (inspector && HOLD_S > 0) {
    log(`the inspector stays open for ${HOLD_S} s (Ctrl+C to leave now)`);
    await sleep(HOLD_S * 1000);
  }
  await manager.dispose();
  await primarySite.down();
  await backupSite.down();
  await inspector?.close();
  if (received !== n) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
