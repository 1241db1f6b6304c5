/**
 * The ingest socket speaks what `@statelyai/inspect`'s
 * `createWebSocketInspector({ url })` sends, so a browser app's actors (or any
 * process's) show up too. Here the real adapter runs in Node (it uses `ws`
 * there) against the inspector on 127.0.0.1.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { assign, createActor, fromCallback, setup } from 'xstate';
import { startInspector, type Inspector, type InspectorState } from '../../src/inspect/index.js';
import { waitFor } from '../helpers/wsServer.js';
import { get } from './streamReader.js';

const SECRET = 'sk-live-77c0a1d3e5f94b21';

const door = setup({
  types: { context: {} as { opened: number; apiKey: string }, events: {} as { type: 'OPEN' } | { type: 'CLOSE' } },
  actors: { bell: fromCallback(() => () => {}) },
}).createMachine({
  id: 'door',
  context: { opened: 0, apiKey: SECRET },
  initial: 'closed',
  invoke: { src: 'bell', id: 'bell' },
  states: {
    closed: { on: { OPEN: { target: 'open', actions: assign({ opened: ({ context }) => context.opened + 1 }) } } },
    open: { on: { CLOSE: 'closed' } },
  },
});

let inspector: Inspector;
let current: () => Promise<InspectorState>;
beforeAll(async () => {
  inspector = await startInspector();
  current = async () => JSON.parse((await get(inspector.url, 'api/state')).text) as InspectorState;
});
afterAll(() => inspector.close());

describe('browser ingest (the @statelyai/inspect WebSocket protocol)', () => {
  it("shows an app's actors sent by createWebSocketInspector({ url: inspector.ingestUrl })", async () => {
    expect(inspector.ingestUrl).toBe(inspector.url.replace('http:', 'ws:') + 'ingest');
    const remote = createWebSocketInspector({ url: inspector.ingestUrl! });
    const actor = createActor(door, { inspect: remote.inspect }).start();
    try {
      actor.send({ type: 'OPEN' });
      await waitFor(() => inspector.state().actors.some((a) => a.sessionId.endsWith(`/${actor.sessionId}`) && a.state === 'open'), 10_000, 'the door open in the inspector');
      actor.send({ type: 'CLOSE' });
      await waitFor(() => inspector.state().actors.some((a) => a.sessionId.endsWith(`/${actor.sessionId}`) && a.state === 'closed' && a.received >= 3), 10_000, 'the door closed again');
      const s = await current();
      const root = s.actors.find((a) => a.sessionId.endsWith(`/${actor.sessionId}`))!;
      expect(root).toMatchObject({ id: 'door', machineId: 'door', origin: 'browser', status: 'active', hasMachine: true });
      const bell = s.actors.find((a) => a.parentId === root.sessionId)!;
      expect(bell).toMatchObject({ id: 'bell', origin: 'browser' });
      expect(s.events.filter((e) => e.sessionId === root.sessionId).map((e) => e.type)).toEqual(['xstate.init', 'OPEN', 'CLOSE']);
      // The context the app sent is redacted by the inspector itself (this app's inspector did not).
      expect(JSON.parse(root.context!)).toEqual({ opened: 1, apiKey: '[REDACTED]' });
      // Its statechart, from the definition the adapter sent.
      const view = JSON.parse((await get(inspector.url, `api/actor?session=${encodeURIComponent(root.sessionId)}`)).text);
      expect(view.active).toEqual(['door.closed']);
      expect(view.mermaid).toMatch(/^stateDiagram-v2/);
      const everything = (await get(inspector.url, 'api/state')).text + JSON.stringify(view);
      expect(everything).not.toContain(SECRET);
    } finally {
      actor.stop();
      remote.stop();
    }
  });

  it('ignores what is not an inspection event, and keeps serving', async () => {
    const before = inspector.state().totals;
    const socket = new WebSocket(inspector.ingestUrl!);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    for (const junk of ['not json', '42', 'null', '{"type":"@xstate.event"}', JSON.stringify({ type: '@xstate.event', sessionId: 'z', event: 'nope' }), JSON.stringify({ type: 'other', sessionId: 'z' })]) socket.send(junk);
    socket.send(Buffer.from([1, 2, 3]));
    socket.send(JSON.stringify({ type: '@xstate.event', sessionId: 'remote:1', event: { type: 'HELLO', token: SECRET }, createdAt: String(Date.now()), _version: '0.7.2' }));
    await waitFor(() => inspector.state().totals.received === before.received + 1, 5_000, 'the one valid event');
    const s = await current();
    expect(s.events.at(-1)).toMatchObject({ type: 'HELLO' });
    expect(s.events.at(-1)!.sessionId).toMatch(/^browser\d+\/remote:1$/);
    expect(JSON.stringify(s)).not.toContain(SECRET);
    socket.close();
  });

  it('refuses a WebSocket on another path or under another Host', async () => {
    const refused = (url: string, headers: Record<string, string> = {}) =>
      new Promise<boolean>((resolve) => {
        const s = new WebSocket(url, { headers });
        s.once('open', () => (s.close(), resolve(false)));
        s.once('error', () => resolve(true));
      });
    expect(await refused(inspector.url.replace('http:', 'ws:') + 'elsewhere')).toBe(true);
    expect(await refused(inspector.ingestUrl!, { host: 'evil.example' })).toBe(true);
  });

  it("refuses a browser page from another site (its Origin), takes one served from this machine's dev server", async () => {
    const refused = (origin: string) =>
      new Promise<boolean>((resolve) => {
        const s = new WebSocket(inspector.ingestUrl!, { headers: { origin } });
        s.once('open', () => (s.close(), resolve(false)));
        s.once('error', () => resolve(true));
      });
    expect(await refused('https://evil.example')).toBe(true);
    expect(await refused('null')).toBe(true);
    expect(await refused('http://localhost:5173')).toBe(false);
    expect(await refused('http://127.0.0.1:8080')).toBe(false);
  });

  it('with ingest: false there is no ingest socket', async () => {
    const closed = await startInspector({ ingest: false });
    try {
      expect(closed.ingestUrl).toBeUndefined();
      const ok = await new Promise<boolean>((resolve) => {
        const s = new WebSocket(closed.url.replace('http:', 'ws:') + 'ingest');
        s.once('open', () => (s.close(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      expect(ok).toBe(false);
    } finally {
      await closed.close();
    }
  });
});
