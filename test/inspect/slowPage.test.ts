/**
 * A page that stops reading the live stream cannot make the inspector buffer
 * without end: once it is megabytes behind, its stream is cut (its EventSource
 * would reconnect and start from the whole state), while a page that keeps
 * reading carries on.
 */
import { request, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { startInspector } from '../../src/inspect/index.js';
import { followStream } from './streamReader.js';

const blobber = setup({ types: { events: {} as { type: 'BLOB'; blob: string } } }).createMachine({
  id: 'blobber',
  context: { blob: '' },
  on: { BLOB: { actions: assign({ blob: ({ event }) => event.blob }) } },
});

describe('a page that stops reading', () => {
  it('is cut off once far behind; a reading page keeps its stream', async () => {
    const inspector = await startInspector({ maxValueLength: 4096, maxEvents: 2000, maxEventsPerActor: 2000, flushMs: 10 });
    const reader = await followStream(inspector.url);
    const stalled = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(new URL('api/stream', inspector.url), (res) => {
        // Read the first chunk, then stop reading: the server's send buffer fills up.
        res.once('data', () => {
          res.pause();
          resolve(res);
        });
      });
      req.on('error', reject);
      req.end();
    });
    const actor = createActor(blobber, { inspect: inspector.inspect }).start();
    try {
      // 40 batches of 100 events of ~4 kB: ~16 MB for each page, twice what a page may fall behind.
      let sent = 0;
      for (let round = 0; round < 40; round++) {
        for (let i = 0; i < 100; i++) actor.send({ type: 'BLOB', blob: `${round}-${i}-${'y'.repeat(4000)}` });
        await new Promise((r) => setTimeout(r, 15));
        sent += 100 * 4000;
      }
      // Reading again, the stalled page gets what was buffered for it, then the end of its stream.
      let received = 0;
      const ended = new Promise<void>((resolve) => {
        stalled.on('data', (c: Buffer) => (received += c.length));
        stalled.on('end', () => resolve());
        stalled.on('error', () => resolve());
        stalled.on('close', () => resolve());
      });
      stalled.resume();
      await Promise.race([ended, new Promise((_, fail) => setTimeout(() => fail(new Error('the stalled stream was never cut')), 15_000))]);
      expect(received).toBeLessThan(sent);
      // The reading page still gets updates.
      const before = reader.messages.length;
      actor.send({ type: 'BLOB', blob: 'last' });
      await reader.until((m) => m.length > before);
      expect(JSON.stringify(reader.messages.at(-1))).toContain('last');
    } finally {
      actor.stop();
      reader.close();
      await inspector.close();
    }
  }, 60_000);
});
