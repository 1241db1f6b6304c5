/**
 * An SSEConnection logs its lifecycle through its log, against a real server on
 * 127.0.0.1: open, the stream's end, each reconnect scheduled (attempt, delay),
 * each failed attempt (the answer, redacted), giving up; one line per event,
 * none per stream event, no secret in any line. With logging off it writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection } from '../../../src/index.js';
import { captureLogger } from '../../helpers/captureLogger.js';
import { startSseServer } from '../../helpers/sseServer.js';
import { tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

const TOKEN = 's3cr3t-t0ken';


/** The first stream sends 50 events and ends; every later request is answered 503 until the connection gives up. */
async function lifecycle(enableLogging: boolean) {
  const server = track.server(
    await startSseServer((s) => {
      if (s.request.index > 0) return s.reject(503, 'busy');
      s.open();
      for (let i = 0; i < 50; i++) s.send({ id: String(i), data: { i } });
      s.after(50, () => s.end());
    }),
  );
  const { lines, logger } = captureLogger();
  const conn = track.conn(
    new SSEConnection({ url: `${server.url}?token=${TOKEN}`, headers: { Authorization: 'Bearer hdr-s3cr3t' }, enableLogging, logger, retryDelay: 20, maxRetryDelay: 40, maxReconnectAttempts: 2 }),
  );
  let gaveUp = false;
  conn.onEvent((e) => e.eventType === 'connection_failed' && (gaveUp = true));
  await conn.connect();
  for (let i = 0; i < 50; i++) await conn.receive(2_000);
  const afterEvents = lines.length;
  await waitFor(() => gaveUp, 5_000, 'giving up');
  return { lines, afterEvents };
}

describe('SSEConnection logging', () => {
  it('enableLogging: one line per lifecycle event, none per stream event, no secrets', async () => {
    const { lines, afterEvents } = await lifecycle(true);
    // Open is the one line before the 50 events were read.
    expect(lines.slice(0, afterEvents)).toHaveLength(1);
    expect(lines[0]).toMatch(/^info \[SSE sse\] open: http:\/\/127\.0\.0\.1:\d+\/events\?token=\[REDACTED\]$/);
    expect(lines.some((l) => /^info \[SSE sse\] stream end$/.test(l))).toBe(true);
    const reconnects = lines.filter((l) => /^info \[SSE sse\] reconnect attempt \d+ in \d+ ms$/.test(l));
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => /^warn \[SSE sse\] connect attempt failed: .*503/.test(l)).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => /^error \[SSE sse\] gave up after 2 attempts$/.test(l))).toHaveLength(1);
    const all = lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('hdr-s3cr3t');
  });

  it('logging off (the default): nothing is written, whatever happens', async () => {
    const { lines } = await lifecycle(false);
    expect(lines).toEqual([]);
  });
});
