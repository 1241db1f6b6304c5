/**
 * statewire in a real browser: Debian's Chromium, driven by playwright-core,
 * loads a page from 127.0.0.1 whose script is the package's browser bundle
 * (esbuild over `import … from 'statewire'`, the `browser` export condition;
 * needs dist/: `npm run build`). The page uses ApiClient, WebSocketConnection
 * and SSEConnection against a local server that also restarts under them.
 *
 * Without Chromium the suite is skipped with a note; STATEWIRE_REQUIRE_BROWSER=1
 * (set by .ci/run) makes a missing Chromium a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, bundleForBrowser } from '../helpers/browserBundle.js';
import { startPageServer, type PageServer } from '../helpers/pageServer.js';
import { sleep, waitFor } from '../helpers/wsServer.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const available = existsSync(CHROMIUM);
const required = process.env.STATEWIRE_REQUIRE_BROWSER === '1';
if (!available && !required) console.warn(`chromium.test.ts skipped: no ${CHROMIUM} (install it: apt-get install -y chromium; STATEWIRE_REQUIRE_BROWSER=1 makes this a failure)`);

/** The page's script: the three clients from 'statewire', on `window` for the test to drive. */
const APP = `import { ApiClient, WebSocketConnection, SSEConnection } from 'statewire';
window.statewire = { ApiClient, WebSocketConnection, SSEConnection };
window.ready = true;
`;
const PING_INTERVAL = 200;
const PONG_TIMEOUT = 100;

// What the page's code sees (page.evaluate bodies run in the browser).
type Win = typeof globalThis & Record<string, any>;

describe.runIf(available || required)('in Chromium (playwright-core, /usr/bin/chromium)', () => {
  let server: PageServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`STATEWIRE_REQUIRE_BROWSER=1 but there is no ${CHROMIUM}: apt-get install -y chromium`);
    const app = appDir({ 'app.js': APP });
    let bundle: string;
    try {
      bundle = (await bundleForBrowser(app, 'app.js', { minify: false })).code;
    } finally {
      app.remove();
    }
    server = await startPageServer({
      '/': { type: 'text/html', body: '<!doctype html><title>statewire</title><script type="module" src="/app.js"></script>' },
      '/app.js': { type: 'text/javascript', body: bundle },
    });
    userDataDir = mkdtempSync(join(tmpdir(), 'statewire-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as Win).ready === true);
  }, 60_000);

  afterAll(async () => {
    await page?.evaluate(async () => {
      const w = window as Win;
      for (const c of [w.ws, w.pinged, w.sse]) c?.dispose();
      await w.api?.dispose();
    });
    await context?.close();
    await server?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('ApiClient makes requests with fetch: JSON in and out, an ApiError for a 404', async () => {
    const result = await page.evaluate(async (origin) => {
      const w = window as Win;
      w.api = new w.statewire.ApiClient({ baseURL: `${origin}/api`, retries: 0 });
      const hello = await w.api.get('/hello');
      const echo = await w.api.post('/echo', { n: 1 });
      const missing = await w.api.get('/missing').then(
        () => 'resolved',
        (e: any) => ({ name: e.name, status: e.status, isApiError: e.isApiError }),
      );
      return { hello, echo, missing };
    }, server.url);
    expect(result.hello).toEqual({ hello: 'browser' });
    expect(result.echo).toEqual({ method: 'POST', contentType: 'application/json', body: '{"n":1}' });
    expect(result.missing).toEqual({ name: 'ApiError', status: 404, isApiError: true });
    expect(server.apiRequests).toEqual(['GET /api/hello', 'POST /api/echo', 'GET /api/missing']);
  });

  it('a WebSocket with the default heartbeat (no app-level ping) stays open across several ping intervals', async () => {
    await page.evaluate(
      async ({ url, pingInterval, pongTimeout }) => {
        const w = window as Win;
        w.wsLog = [];
        w.ws = new w.statewire.WebSocketConnection({ url, pingInterval, pongTimeout, reconnectDelay: 50, maxReconnectDelay: 200 });
        for (const name of ['open', 'close', 'reconnecting', 'error']) w.ws.on(name, (e: any) => w.wsLog.push(name === 'close' ? `close ${e.code}` : name));
        await w.ws.connect();
      },
      { url: `${server.wsUrl}?c=plain`, pingInterval: PING_INTERVAL, pongTimeout: PONG_TIMEOUT },
    );
    // Six ping intervals, each long enough for a pong timeout to have fired.
    await sleep(6 * PING_INTERVAL + PONG_TIMEOUT);
    const echoed = await page.evaluate(async () => {
      const w = window as Win;
      w.ws.send('still here');
      return w.ws.receive(5_000);
    });
    expect(echoed).toBe('still here');
    expect(await page.evaluate(() => (window as Win).wsLog)).toEqual(['open']);
    expect(server.wsPaths.filter((p) => p === '/ws?c=plain')).toHaveLength(1);
    expect(server.wsCloses).toEqual([]);
  });

  it('with an app-level ping, the server pongs and the connection stays open', async () => {
    await page.evaluate(
      async ({ url, pingInterval, pongTimeout }) => {
        const w = window as Win;
        w.pingLog = [];
        w.pinged = new w.statewire.WebSocketConnection({ url, pingInterval, pongTimeout, ping: 'ping', isPong: (m: unknown) => m === 'pong' });
        for (const name of ['open', 'close', 'reconnecting']) w.pinged.on(name, () => w.pingLog.push(name));
        await w.pinged.connect();
      },
      { url: `${server.wsUrl}?c=pinged`, pingInterval: PING_INTERVAL, pongTimeout: PONG_TIMEOUT },
    );
    await waitFor(() => server.pings >= 4, 10_000, 'four app-level pings');
    expect(await page.evaluate(() => (window as Win).pingLog)).toEqual(['open']);
    expect(server.wsPaths.filter((p) => p === '/ws?c=pinged')).toHaveLength(1);
    expect(server.wsCloses.filter((c) => c.path === '/ws?c=pinged')).toEqual([]);
    await page.evaluate(() => (window as Win).pinged.dispose());
  });

  it('survives a server restart: the WebSocket queue is flushed in order, SSE resumes with Last-Event-ID', async () => {
    await page.evaluate(async (origin) => {
      const w = window as Win;
      w.sseLog = [];
      w.sse = new w.statewire.SSEConnection({ url: `${origin}/events`, retryDelay: 50, maxRetryDelay: 200 });
      w.sse.on('message', (e: any) => w.sseLog.push(`${e.id}:${e.data}`));
      await w.sse.connect();
    }, server.url);
    server.publish('a');
    server.publish('b');
    await page.waitForFunction(() => (window as Win).sseLog.length === 2);
    const textsBefore = server.wsTexts.length;

    await server.stop();
    await page.waitForFunction(() => !(window as Win).ws.isConnected() && !(window as Win).sse.isConnected());
    await page.evaluate(() => {
      const w = window as Win;
      for (const m of ['q1', 'q2', 'q3']) w.ws.send(m);
    });
    server.publish('c'); // while down: the resumed stream must start with it
    await server.restart();

    await waitFor(() => server.wsTexts.length >= textsBefore + 3, 15_000, 'the queued messages after the restart');
    expect(server.wsTexts.slice(textsBefore)).toEqual(['q1', 'q2', 'q3']);
    await page.waitForFunction(() => (window as Win).sseLog.length >= 3, undefined, { timeout: 15_000 });
    server.publish('d');
    await page.waitForFunction(() => (window as Win).sseLog.length >= 4, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as Win).sseLog)).toEqual(['1:a', '2:b', '3:c', '4:d']);
    expect(server.sseRequests).toEqual([undefined, '2']);
    const after = await page.evaluate(async () => {
      const w = window as Win;
      return { hello: await w.api.get('/hello'), connected: w.ws.isConnected(), log: w.wsLog };
    });
    expect(after.hello).toEqual({ hello: 'browser' });
    expect(after.connected).toBe(true);
    expect(after.log[0]).toBe('open');
    expect(after.log.at(-1)).toBe('open');
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
