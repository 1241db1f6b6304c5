/**
 * statewire/inspect over real clients: an ApiClient, a WebSocketConnection and
 * a ConnectionManager run against servers on 127.0.0.1 with
 * `inspect: inspector.inspect`; the test reads what the inspector serves over
 * HTTP (the state, one actor's view, the live stream) as the page does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ConnectionManager, Endpoint, WebSocketConnection } from '../../src/index.js';
import { startInspector, type ActorSummary, type Inspector, type InspectorState } from '../../src/inspect/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { startWsServer, waitFor, type WsTestServer } from '../helpers/wsServer.js';
import { followStream, get, type FollowedStream } from './streamReader.js';

const TOKEN = 'tok-9f3c1e77b2d84a6f';
const API_KEY = 'key-5d1a0c9e8b7f6a43';

let inspector: Inspector;
let http: TestServer;
let wsServer: WsTestServer;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  inspector = await startInspector();
  http = await startServer((req, res) => (req.url?.startsWith('/fail') ? json(res, 503, { error: 'down' }) : json(res, 200, { ok: true })));
  wsServer = await startWsServer({ echo: true });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await inspector.close();
  await http.close();
  await wsServer.stop();
});

async function state(): Promise<InspectorState> {
  const res = await get(inspector.url, 'api/state');
  expect(res.status).toBe(200);
  expect(res.type).toMatch(/^application\/json/);
  return JSON.parse(res.text) as InspectorState;
}
const children = (s: InspectorState, parent: ActorSummary) => s.actors.filter((a) => a.parentId === parent.sessionId);

describe('startInspector() with real clients', () => {
  it('serves the page, its script and style from 127.0.0.1, nothing from elsewhere', async () => {
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(inspector.url, '');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['style.css', 'mermaid.js', 'app.js']);
    for (const path of sources) expect((await get(inspector.url, path!)).status).toBe(200);
    const script = await get(inspector.url, 'app.js');
    expect(script.type).toMatch(/^text\/javascript/);
    expect(() => new Function(script.text)).not.toThrow();
    expect(script.text).not.toMatch(/https?:\/\//);
  });

  it('shows each client as a root with its children: parentId, sessionId, machine id, current state', async () => {
    const api = new ApiClient({ baseURL: http.url, inspect: inspector.inspect, retries: 0 });
    cleanups.push(() => api.dispose());
    await api.get('/ok');
    const ws = new WebSocketConnection({ url: wsServer.url, inspect: inspector.inspect });
    cleanups.push(() => ws.dispose());
    await ws.connect();

    const s = await state();
    const apiRoot = s.actors.find((a) => a.sessionId === api.actor.sessionId)!;
    expect(apiRoot).toMatchObject({ machineId: 'http', status: 'active', hasMachine: true, origin: 'node' });
    expect(apiRoot.parentId).toBeUndefined();
    expect(apiRoot.state).toContain('connected');
    const apiKids = children(s, apiRoot);
    expect(apiKids.map((a) => a.id).sort()).toEqual(['breaker', 'rateLimiter']);
    expect(apiKids.find((a) => a.id === 'breaker')).toMatchObject({ machineId: 'circuitBreaker', state: 'CLOSED', rootId: apiRoot.sessionId });

    const wsRoot = s.actors.find((a) => a.sessionId === ws.actor.sessionId)!;
    expect(wsRoot).toMatchObject({ machineId: 'websocket', status: 'active' });
    expect(wsRoot.state).toMatch(/session\.link\.connected/);
    expect(children(s, wsRoot).map((a) => a.id)).toContain('socket');
    // The event log: timestamps, and the state each event led to.
    const wsEvents = s.events.filter((e) => e.sessionId === wsRoot.sessionId);
    expect(wsEvents[0]).toMatchObject({ type: 'xstate.init' });
    expect(wsEvents.every((e) => Math.abs(e.at - Date.now()) < 60_000)).toBe(true);
    expect(wsEvents.some((e) => e.state?.includes('connected'))).toBe(true);
    expect(s.events.map((e) => e.seq)).toEqual([...s.events.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it("an actor's view: its statechart with the active states, its context and events", async () => {
    const api = new ApiClient({ baseURL: http.url, inspect: inspector.inspect, retries: 0, circuitBreakerOptions: { threshold: 2, volumeThreshold: 2, timeout: 60_000 } });
    cleanups.push(() => api.dispose());
    for (let i = 0; i < 2; i++) await api.get('/fail').catch(() => undefined);
    const breaker = (await state()).actors.find((a) => a.parentId === api.actor.sessionId && a.id === 'breaker')!;
    expect(breaker.state).toBe('OPEN');
    const view = JSON.parse((await get(inspector.url, `api/actor?session=${encodeURIComponent(breaker.sessionId)}`)).text);
    expect(view.active).toEqual(['circuitBreaker.OPEN']);
    expect(view.tree.children.map((n: { key: string }) => n.key)).toEqual(['CLOSED', 'OPEN', 'HALF_OPEN']);
    expect(view.tree.children.find((n: { key: string }) => n.key === 'OPEN').active).toBe(true);
    expect(view.mermaid).toMatch(/^stateDiagram-v2/);
    expect(view.mermaid).toMatch(/class \S+ active/);
    expect(JSON.parse(view.actor.context)).toMatchObject({ failureCount: 2 });
    expect(view.events.length).toBeGreaterThan(0);
    expect((await get(inspector.url, 'api/actor?session=nope')).status).toBe(404);
  });

  it('streams the whole state, then what changes, live', async () => {
    const stream: FollowedStream = await followStream(inspector.url);
    cleanups.push(() => stream.close());
    await stream.until((m) => m.length > 0);
    expect(stream.messages[0]!.type).toBe('init');
    expect(stream.messages[0]!.state.limits).toMatchObject({ maxEvents: 5000, maxEventsPerActor: 200 });
    const ws = new WebSocketConnection({ url: wsServer.url, inspect: inspector.inspect, reconnectDelay: 600, maxReconnectDelay: 600 });
    cleanups.push(() => ws.dispose());
    await ws.connect();
    const seen = (pattern: RegExp) => (m: typeof stream.messages) => m.some((x) => x.type === 'update' && x.actors.some((a: ActorSummary) => a.sessionId === ws.actor.sessionId && pattern.test(a.state ?? '')));
    await stream.until(seen(/connected/));
    wsServer.terminateAll();
    // Changes reach the page in batches (one per 100 ms): the reconnect wait is long enough to be seen.
    await stream.until(seen(/waiting/));
    const after = stream.messages.length;
    await stream.until((m) => seen(/connected/)(m.slice(after)), 10_000);
    const updates = stream.messages.filter((m) => m.type === 'update');
    expect(updates.flatMap((u) => u.events).some((e: { type: string }) => e.type !== 'xstate.init')).toBe(true);
    expect(updates.at(-1)!.totals.received).toBeGreaterThan(0);
  });

  it('watches a ConnectionManager and the connections under it', async () => {
    const manager = new ConnectionManager({ inspect: inspector.inspect });
    cleanups.push(() => manager.dispose());
    const ws = new WebSocketConnection({ url: wsServer.url });
    manager.addConnection(ws, 'chat');
    await manager.connectAll();
    await waitFor(() => ws.isConnected(), 5_000, 'the managed connection');
    const s = await state();
    const root = s.actors.find((a) => a.machineId === 'connectionManager' && a.parentId === undefined && a.status === 'active')!;
    expect(root).toBeDefined();
    const chat = s.actors.find((a) => a.parentId === root.sessionId && a.machineId === 'websocket');
    expect(chat?.id).toBe('chat');
  });

  it('watches an Endpoint and its websocket and http children', async () => {
    const endpoint = new Endpoint({ WS_URL: wsServer.url, API_BASE_URL: http.url, NODE_ENV: 'test', websocket: { healthUrl: false }, inspect: inspector.inspect });
    cleanups.push(() => endpoint.dispose());
    await waitFor(() => endpoint.connection.isConnected(), 5_000, 'the endpoint socket');
    const s = await state();
    const root = s.actors.find((a) => a.machineId === 'endpoint' && a.parentId === undefined && a.status === 'active')!;
    expect(root).toBeDefined();
    expect(children(s, root).map((a) => a.machineId).sort()).toEqual(['http', 'websocket']);
  });

  it('never serves a configured credential: not in the state, the actor views, the stream or the page', async () => {
    const stream = await followStream(inspector.url);
    cleanups.push(() => stream.close());
    const api = new ApiClient({ baseURL: http.url, inspect: inspector.inspect, retries: 0, headers: { Authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY } });
    cleanups.push(() => api.dispose());
    await api.get('/ok', { headers: { Authorization: `Bearer ${TOKEN}` } });
    await api.get(`/fail?token=${TOKEN}`).catch(() => undefined);
    const ws = new WebSocketConnection({ url: `${wsServer.url}?token=${TOKEN}`, headers: { Authorization: `Bearer ${TOKEN}` }, inspect: inspector.inspect });
    cleanups.push(() => ws.dispose());
    await ws.connect();
    ws.send(JSON.stringify({ hello: 1 }));
    await wsServer.waitForMessages(1);
    expect(http.requests.some((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    await stream.until((m) => m.some((x) => x.type === 'update' && x.actors.some((a: ActorSummary) => a.sessionId === ws.actor.sessionId && /connected/.test(a.state ?? ''))));

    const served = [(await get(inspector.url, 'api/state')).text, stream.raw(), (await get(inspector.url, '')).text, (await get(inspector.url, 'app.js')).text];
    for (const a of (await state()).actors) served.push((await get(inspector.url, `api/actor?session=${encodeURIComponent(a.sessionId)}`)).text);
    const all = served.join('\n');
    expect(all).toContain(api.actor.sessionId);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(API_KEY);
  });
});
