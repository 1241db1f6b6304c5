/**
 * The inspector's buffers are bounded: a flood of events, of actors and of
 * huge values leaves the counts and sizes it serves capped, drops the oldest
 * first and says how many it dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { startInspector, type Inspector, type InspectorState } from '../../src/inspect/index.js';
import { followStream, get } from './streamReader.js';

const pinger = setup({ types: { context: {} as { n: number; blob: string }, events: {} as { type: 'PING'; blob?: string } } }).createMachine({
  id: 'pinger',
  context: { n: 0, blob: '' },
  initial: 'on',
  states: { on: { on: { PING: { actions: assign({ n: ({ context }) => context.n + 1, blob: ({ event }) => event.blob ?? '' }) } } } },
});

let inspector: Inspector | undefined;
afterEach(async () => {
  await inspector?.close();
  inspector = undefined;
});

async function served(i: Inspector): Promise<InspectorState> {
  return JSON.parse((await get(i.url, 'api/state')).text) as InspectorState;
}

describe('bounded buffers', () => {
  it('a flood keeps at most maxEventsPerActor per actor and maxEvents in all, oldest dropped, drops counted', async () => {
    inspector = await startInspector({ maxEvents: 300, maxEventsPerActor: 120 });
    const actors = Array.from({ length: 4 }, () => createActor(pinger, { inspect: inspector!.inspect }).start());
    const SENT = 5_000;
    for (let i = 0; i < SENT; i++) actors[i % 4]!.send({ type: 'PING' });
    const s = await served(inspector);
    expect(s.events.length).toBeLessThanOrEqual(300);
    expect(s.totals.events).toBe(s.events.length);
    // Every event received is either still buffered or counted as dropped.
    expect(s.totals.received).toBe(SENT + 4); // + each actor's xstate.init
    expect(s.totals.droppedEvents).toBe(s.totals.received - s.totals.events);
    for (const a of actors) {
      const summary = s.actors.find((x) => x.sessionId === a.sessionId)!;
      const mine = s.events.filter((e) => e.sessionId === a.sessionId);
      expect(mine.length).toBeLessThanOrEqual(120);
      expect(summary.received).toBe(SENT / 4 + 1);
      expect(summary.dropped).toBe(summary.received - mine.length);
      expect(JSON.parse(summary.context!)).toEqual({ n: SENT / 4, blob: '' });
    }
    // The newest survive: the last event sent is buffered, the first is gone.
    const seqs = s.events.map((e) => e.seq);
    expect(Math.max(...seqs)).toBe(SENT + 4);
    expect(s.events.some((e) => e.type === 'xstate.init')).toBe(false);
    for (const a of actors) a.stop();
  });

  it('one busy actor cannot push the others out beyond their own share', async () => {
    inspector = await startInspector({ maxEvents: 1000, maxEventsPerActor: 50 });
    const busy = createActor(pinger, { inspect: inspector.inspect }).start();
    const quiet = createActor(pinger, { inspect: inspector.inspect }).start();
    for (let i = 0; i < 10; i++) quiet.send({ type: 'PING' });
    for (let i = 0; i < 5_000; i++) busy.send({ type: 'PING' });
    const s = await served(inspector);
    expect(s.events.filter((e) => e.sessionId === busy.sessionId)).toHaveLength(50);
    expect(s.events.filter((e) => e.sessionId === quiet.sessionId)).toHaveLength(11);
    expect(s.totals.droppedEvents).toBe(5_001 - 50);
    busy.stop();
    quiet.stop();
  });

  it('values are cut at maxValueLength, contexts and events alike', async () => {
    inspector = await startInspector({ maxValueLength: 256 });
    const actor = createActor(pinger, { inspect: inspector.inspect }).start();
    const blob = 'x'.repeat(100_000);
    for (let i = 0; i < 50; i++) actor.send({ type: 'PING', blob });
    const text = (await get(inspector.url, 'api/state')).text;
    // 50 events and one context of 100 kB each, served in well under what one of them weighs.
    expect(text.length).toBeLessThan(50_000);
    const s = JSON.parse(text) as InspectorState;
    const summary = s.actors.find((a) => a.sessionId === actor.sessionId)!;
    expect(summary.context!.length).toBeLessThan(400);
    expect(summary.context).toMatch(/… \[cut: \d+ more characters\]$/);
    for (const e of s.events) expect(e.event.length).toBeLessThan(400);
    actor.stop();
  });

  it('past maxActors, actors that ended are forgotten first, and counted', async () => {
    inspector = await startInspector({ maxActors: 10 });
    const keep = createActor(pinger, { inspect: inspector.inspect }).start();
    for (let i = 0; i < 40; i++) createActor(pinger, { inspect: inspector.inspect }).start().stop();
    const s = await served(inspector);
    expect(s.actors.length).toBeLessThanOrEqual(10);
    expect(s.totals.actors).toBe(s.actors.length);
    expect(s.totals.droppedActors).toBe(41 - s.actors.length);
    expect(s.actors.some((a) => a.sessionId === keep.sessionId)).toBe(true);
    keep.stop();
  });

  it('the live stream is bounded too: a flood between two batches becomes one whole-state message', async () => {
    inspector = await startInspector({ maxEvents: 200, maxEventsPerActor: 200, flushMs: 50 });
    const stream = await followStream(inspector.url);
    try {
      await stream.until((m) => m.length === 1);
      const actor = createActor(pinger, { inspect: inspector.inspect }).start();
      for (let i = 0; i < 5_000; i++) actor.send({ type: 'PING' });
      await stream.until((m) => m.length >= 2);
      const last = stream.messages.at(-1)!;
      expect(last.type).toBe('init');
      expect(last.state.events).toHaveLength(200);
      expect(last.state.totals.droppedEvents).toBe(5_001 - 200);
      for (const m of stream.messages) expect((m.events ?? m.state.events).length).toBeLessThanOrEqual(200);
      actor.stop();
    } finally {
      stream.close();
    }
  });
});
