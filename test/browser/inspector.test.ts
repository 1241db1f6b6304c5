/**
 * The inspector page in a real browser: Debian's Chromium, driven by
 * playwright-core, opens `inspector.url` while a browser page's connections run
 * (statewire's WebSocketConnection and ApiClient from the package's browser
 * bundle, their events sent by `@statelyai/inspect`'s createWebSocketInspector
 * to the inspector's ingest socket) and a Node ApiClient reports through
 * `inspector.inspect`. It checks the live actor tree in the DOM, the drawn
 * statechart, the context, and writes a screenshot to reports/browser/ (not
 * committed). Needs dist/: `npm run build`.
 *
 * Without Chromium the suite is skipped with a note; STATEWIRE_REQUIRE_BROWSER=1
 * (set by .ci/run) makes a missing Chromium a failure.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { ApiClient } from '../../src/index.js';
import { startInspector, type Inspector } from '../../src/inspect/index.js';
import { appDir, bundleForBrowser } from '../helpers/browserBundle.js';
import { startPageServer, type PageServer } from '../helpers/pageServer.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const available = existsSync(CHROMIUM);
const required = process.env.STATEWIRE_REQUIRE_BROWSER === '1';
if (!available && !required) console.warn(`inspector.test.ts skipped: no ${CHROMIUM} (install it: apt-get install -y chromium; STATEWIRE_REQUIRE_BROWSER=1 makes this a failure)`);

const TOKEN = 'tok-browser-4c2e9a81f07d';
const ARTIFACTS = join(process.cwd(), 'reports', 'browser');
// The browser build of @statelyai/inspect, imported by absolute path (the app folder has only statewire).
const STATELY = join(dirname(createRequire(import.meta.url).resolve('@statelyai/inspect')), 'index.mjs');
const APP = `import { ApiClient, WebSocketConnection } from 'statewire';
import { createWebSocketInspector } from ${JSON.stringify(STATELY)};
window.start = async (ingestUrl, wsUrl, origin, token) => {
  const remote = createWebSocketInspector({ url: ingestUrl });
  window.remote = remote;
  window.ws = new WebSocketConnection({ url: wsUrl + '?token=' + token, inspect: remote.inspect });
  window.api = new ApiClient({ baseURL: origin + '/api', retries: 0, headers: { Authorization: 'Bearer ' + token }, inspect: remote.inspect });
  await window.ws.connect();
  await window.api.get('/hello');
};
window.ready = true;
`;

type Win = typeof globalThis & Record<string, any>;

describe.runIf(available || required)('the inspector page in Chromium (playwright-core, /usr/bin/chromium)', () => {
  let server: PageServer;
  let inspector: Inspector;
  let plain: Inspector;
  let nodeApi: ApiClient;
  let context: BrowserContext;
  let app: Page;
  let page: Page;
  let userDataDir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`STATEWIRE_REQUIRE_BROWSER=1 but there is no ${CHROMIUM}: apt-get install -y chromium`);
    const dir = appDir({ 'app.js': APP });
    let bundle: string;
    try {
      bundle = (await bundleForBrowser(dir, 'app.js', { minify: false })).code;
    } finally {
      dir.remove();
    }
    server = await startPageServer({
      '/': { type: 'text/html', body: '<!doctype html><title>app</title><script type="module" src="/app.js"></script>' },
      '/app.js': { type: 'text/javascript', body: bundle },
    });
    inspector = await startInspector();
    plain = await startInspector({ mermaid: false, maxEvents: 60, maxEventsPerActor: 25 });
    nodeApi = new ApiClient({ baseURL: `${server.url}/api`, retries: 0, headers: { Authorization: `Bearer ${TOKEN}` }, inspect: (e) => (inspector.inspect(e), plain.inspect(e)) });
    await nodeApi.get('/hello');
    userDataDir = mkdtempSync(join(tmpdir(), 'statewire-inspector-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1400, height: 1000 } });
    app = context.pages()[0] ?? (await context.newPage());
    app.on('pageerror', (error) => problems.push(`app: ${error.message}`));
    await app.goto(`${server.url}/`);
    await app.waitForFunction(() => (window as Win).ready === true);
    await app.evaluate(([ingest, ws, origin, token]) => (window as Win).start(ingest, ws, origin, token), [inspector.ingestUrl!, server.wsUrl, server.url, TOKEN] as const);
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`inspector: ${error.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`inspector console: ${m.text()}`));
    // Only the inspector's own origin is ever asked for.
    page.on('request', (r) => !r.url().startsWith(inspector.url) && problems.push(`request elsewhere: ${r.url()}`));
  }, 90_000);

  afterAll(async () => {
    await app?.evaluate(async () => {
      const w = window as Win;
      w.ws?.dispose();
      await w.api?.dispose();
      w.remote?.stop();
    });
    await context?.close();
    await nodeApi?.dispose();
    await inspector?.close();
    await plain?.close();
    await server?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('shows the live actor tree: the browser page connections and the Node client, with their children', async () => {
    await page.goto(inspector.url);
    await page.waitForSelector('.connection.live');
    // The browser page's WebSocket, connected, and the Node ApiClient with its breaker.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#tree li[data-id="websocket"]')).some((li) => li.querySelector('.origin') !== null && /connected/.test(li.getAttribute('data-state') ?? '')), undefined, { timeout: 15_000 });
    const tree = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#tree > li')).map((li) => ({
        id: li.getAttribute('data-id'),
        browser: li.querySelector(':scope > button .origin') !== null,
        state: li.getAttribute('data-state'),
        children: Array.from(li.querySelectorAll(':scope > ul > li')).map((c) => c.getAttribute('data-id')),
      })),
    );
    const ws = tree.find((r) => r.id === 'websocket' && r.browser)!;
    expect(ws.children).toContain('socket');
    const browserHttp = tree.find((r) => r.id === 'http' && r.browser)!;
    expect(browserHttp.children.sort()).toEqual(['breaker', 'rateLimiter']);
    const nodeHttp = tree.find((r) => r.id === 'http' && !r.browser)!;
    expect(nodeHttp.children).toContain('breaker');
    expect(nodeHttp.state).toContain('connected');
    // Live: the page's connection goes away, the tree says so.
    await app.evaluate(() => (window as Win).ws.dispose());
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#tree li[data-id="websocket"]')).some((li) => li.querySelector('.origin') !== null && !/connected/.test(li.getAttribute('data-state') ?? 'x')), undefined, { timeout: 15_000 });
  });

  it("draws the selected actor's statechart with mermaid, its active state highlighted, and its redacted context", async () => {
    await page.click('#tree li[data-id="breaker"]:not(:has(.origin)) > button');
    await page.waitForSelector('#chart svg', { timeout: 20_000 });
    expect(await page.getAttribute('#chart', 'data-active')).toBe('circuitBreaker.CLOSED');
    expect(await page.locator('#chart svg g.active').count()).toBeGreaterThan(0);
    expect(await page.textContent('#context')).toContain('failureCount');
    expect(await page.isHidden('#note')).toBe(true);
    expect(await page.locator('#log tbody tr').count()).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.click('#tree li[data-id="http"]:has(.origin) > button');
    await page.waitForSelector('#chart svg', { timeout: 20_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'inspector.png'))).toBe(true);
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
  });

  it('without mermaid: the states as an indented tree, the active ones marked, and the npm install note', async () => {
    const other = await context.newPage();
    other.on('pageerror', (error) => problems.push(`plain inspector: ${error.message}`));
    try {
      await other.goto(plain.url);
      await other.click('#tree li[data-id="breaker"] > button');
      await other.waitForSelector('#chart .states li.active');
      expect(await other.textContent('#chart .states li.active > span')).toBe('CLOSED');
      expect(await other.textContent('#note')).toBe('npm install mermaid for diagrams');
      await other.screenshot({ path: join(ARTIFACTS, 'inspector-without-mermaid.png'), fullPage: true });
    } finally {
      await other.close();
    }
  });

  it("the page keeps to the server's buffer sizes under a flood and shows what was dropped", async () => {
    const counter = setup({}).createMachine({ id: 'counter', context: { n: 0 }, on: { TICK: { actions: assign({ n: ({ context }) => context.n + 1 }) } } });
    const other = await context.newPage();
    other.on('pageerror', (error) => problems.push(`plain inspector: ${error.message}`));
    const actors = [createActor(counter, { inspect: plain.inspect }).start(), createActor(counter, { inspect: plain.inspect }).start()];
    try {
      await other.goto(plain.url);
      await other.waitForSelector('.connection.live');
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 100; i++) actors[i % 2]!.send({ type: 'TICK' });
        await new Promise((r) => setTimeout(r, 30));
      }
      await other.waitForFunction(() => Number(document.getElementById('dropped')!.getAttribute('data-dropped')) >= 900, undefined, { timeout: 15_000 });
      const seen = await other.evaluate((ids) => {
        const i = (window as Win).statewireInspector;
        const events = i.events() as Array<{ sessionId: string }>;
        return { total: events.length, per: ids.map((id) => events.filter((e) => e.sessionId === id).length), rows: document.querySelectorAll('#log tbody tr').length, text: document.getElementById('dropped')!.textContent };
      }, actors.map((a) => a.sessionId));
      expect(seen.total).toBeLessThanOrEqual(60);
      for (const n of seen.per) expect(n).toBeLessThanOrEqual(25);
      expect(seen.rows).toBeLessThanOrEqual(60);
      expect(seen.text).toMatch(/\d+ dropped by the server/);
    } finally {
      for (const a of actors) a.stop();
      await other.close();
    }
  });

  it('raised no error in either page and asked nothing of any other origin', () => {
    expect(problems).toEqual([]);
  });
});
