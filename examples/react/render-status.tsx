// In your app: import { WebSocketConnection } from 'statewire';
/**
 * `npm run example:react`: renders `<ConnectionStatus>` (server-side, with
 * `react-dom/server`) each time a `WebSocketConnection`'s status changes, while
 * its server (started here on 127.0.0.1) goes down and comes back. In an app
 * the component re-renders by itself; here each render is printed. It exits on
 * its own (about 1 s).
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { renderToStaticMarkup } from 'react-dom/server';
import { WebSocketServer } from 'ws';
import { WebSocketConnection } from '../../src/index.js';
import { ConnectionStatus } from './ConnectionStatus.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const connection = new WebSocketConnection({ url: `ws://127.0.0.1:${port}/live`, reconnectDelay: 100, maxReconnectDelay: 200, healthUrl: false });
  const render = (why: string) => console.log(`${why.padEnd(28)} ${renderToStaticMarkup(<ConnectionStatus connection={connection} label="Live updates" />)}`);
  render('fresh');
  connection.on('statusChange', (status) => render(`status → ${status}`));
  await connection.connect();

  console.log('— the server drops every client and stops listening for 400 ms —');
  for (const client of wss.clients) client.terminate();
  http.close();
  for (const s of sockets) s.destroy();
  await sleep(400);
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  while (!connection.isConnected()) await sleep(20);

  await connection.close();
  for (const client of wss.clients) client.terminate();
  wss.close();
  http.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
