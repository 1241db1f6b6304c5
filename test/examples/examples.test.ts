import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { WebSocketConnection } from '../../src/index.js';
import { ConnectionStatus } from '../../examples/react/ConnectionStatus.js';
import { startWsServer, waitFor } from '../helpers/wsServer.js';

const run = promisify(execFile);

/** Runs an example as `npm run example:<name>` does; rejects (with what it printed) when it exits non-zero or runs past 30 s. */
async function example(file: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${file}`, ...args], { timeout: 30_000 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`examples/${file} failed: ${(error as Error).message}\n--- stdout ---\n${stdout ?? ''}\n--- stderr ---\n${stderr ?? ''}`);
  }
}

describe('examples/http-flaky-api.ts', () => {
  it('shows idempotent retries, a Retry-After pause shared by callers, per-request timeouts and the breaker cycle', async () => {
    const out = await example('http-flaky-api.ts');
    expect(out).toMatch(/POST without Idempotency-Key: ApiError 503, reported and NOT retried/);
    expect(out).toMatch(/replaying order #2, nothing new created/);
    expect(out).toMatch(/orders on the server: 2, one per POST/);
    expect(out).toMatch(/paused for every caller/);
    expect(out).toMatch(/requests the server saw while paused, from the two later callers: 0;/);
    expect(out).toMatch(/none before 1000 ms: true/);
    expect(out).toMatch(/TimeoutError after \d+ ms \(2 attempts/);
    const transitions = [...out.matchAll(/breaker (\w+) → (\w+)/g)].map((m) => `${m[1]}→${m[2]}`);
    expect(transitions).toEqual(['CLOSED→OPEN', 'OPEN→HALF_OPEN', 'HALF_OPEN→CLOSED']);
    expect(out).toMatch(/CircuitBreakerError \(OPEN\) at once, the server was not asked/);
  });
});

describe('examples/chat.ts', () => {
  it('survives two server kills: every message stored once, acknowledged, and received once by the other side', async () => {
    const out = await example('chat.ts');
    expect(out).toMatch(/killed after storing "alice #4" as #\d+, before acknowledging it/);
    expect(out).toMatch(/killed as "bob #8" arrived, before storing it/);
    expect(out).toMatch(/"alice #4" re-sent by alice: already stored/);
    expect(out).toMatch(/\(offline: queued\)/);
    for (const [user, other] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ]) {
      expect(out).toContain(
        `${user}: sent 10, acknowledged 10, stored in the room 10, received by ${other} 10, reported dropped 0, awaiting an ack 0, still queued 0`,
      );
    }
    expect(out).toMatch(/server: 2 restarts, 20 messages stored/);
    expect(out).toMatch(/all delivered: every message stored once and received once by the other side/);
  });
});

describe('examples/sse-resume.ts', () => {
  it('resumes after an end, a cut and a stall with Last-Event-ID: ids 1..30 contiguous, each once', async () => {
    const out = await example('sse-resume.ts');
    expect(out).toMatch(/stream_stalled/);
    const printed = [...out.matchAll(/ ids ([\d ]+)$/gm)].flatMap((m) => m[1]!.trim().split(' ').map(Number));
    expect(printed).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const sent = out.match(/Last-Event-ID sent on each: (.*)$/m)![1]!.split(', ');
    expect(sent[0]).toBe('(none)');
    // Each resume names the last id received (never going back); a stall under a slow machine may add a resume.
    expect(sent.slice(1).map(Number)).toEqual(sent.slice(1).map(Number).sort((a, b) => a - b));
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(out).toMatch(/received 30 of 30 events; duplicates 0; missed none/);
    expect(out).toMatch(/resumed without a gap: ids 1\.\.30 contiguous, each once/);
  });
});

describe('examples/pool-under-load.ts', () => {
  it('queues 8 workers on 3 connections, replaces a killed one, times out an impatient acquire, never exceeds maxSize', async () => {
    const out = await example('pool-under-load.ts');
    const jobs = [...out.matchAll(/worker \d job +(\d+): waited +(\d+) ms for a connection/g)].map((m) => Number(m[1]));
    expect(jobs.sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(out).toMatch(/slots: slot0 leased, slot1 leased, slot2 leased \| leased 3, idle 0, creating 0, waiting [1-9]/);
    expect(out).toMatch(/an impatient acquire\(\{ timeout: 0\.05 \}\) resolved null/);
    expect(out).toMatch(/kills socket #\d while it carries job 12/);
    expect(out).toMatch(/job 12: the connection failed .*running the job again/);
    expect(out).toMatch(/pool\.slot\d destroyed its connection \(dropped\)/);
    expect(out).toMatch(/"acquireTimeouts":1/);
    expect(out).toMatch(/at most 3 at once \(maxSize 3: never exceeded\)/);
  });
});

describe('examples/manager-failover.ts', () => {
  it('fails over to the backup while the primary is down and back once it is healthy, losing no tick', async () => {
    const out = await example('manager-failover.ts');
    const via = [...out.matchAll(/ticks now go through the (\w+) connection/g)].map((m) => m[1]);
    expect(via).toEqual(['primary', 'backup', 'primary']);
    expect(out).toMatch(/manager: failover \(realtime\)/);
    expect(out).toMatch(/manager: failback \(realtime\)/);
    expect(out).toMatch(/while the primary site is down: .*"failedOver":\["realtime"\]/);
    expect(out).toMatch(/after the primary site came back: .*"failedOver":\[\]/);
    expect(out).toMatch(/awaiting an ack 0\n/);
    const [, primary, backup, lost] = out.match(/ticks received: primary site (\d+), backup site (\d+), lost (\d+)/)!.map(Number);
    expect(primary).toBeGreaterThan(0);
    expect(backup).toBeGreaterThan(0);
    expect(lost).toBe(0);
  });

  it('with --inspect, starts the local inspector (statewire/inspect) and prints its URL', async () => {
    const out = await example('manager-failover.ts', '--inspect', '--hold', '0', '--pace', '1');
    expect(out).toMatch(/inspector: http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/lost 0/);
  });
});

describe('examples/react/ConnectionStatus.tsx', () => {
  const html = (conn: WebSocketConnection) => renderToStaticMarkup(createElement(ConnectionStatus, { connection: conn, label: 'Live' }));

  it('renders the status the connection actor is in: offline, connected, reconnecting (with attempt and close code)', async () => {
    const server = await startWsServer();
    const conn = new WebSocketConnection({ url: server.url, reconnectDelay: 50, maxReconnectDelay: 100, healthUrl: false });
    try {
      expect(html(conn)).toContain('data-status="closed"');
      expect(html(conn)).toContain('Live: offline');
      await conn.connect();
      expect(html(conn)).toContain('Live: connected</p>');
      await server.stop();
      await waitFor(() => conn.getStats().status === 'waiting');
      expect(html(conn)).toMatch(/data-status="waiting".*Live: connection lost, reconnecting<small> \(attempt \d+, closed 1006\)<\/small>/);
      await server.restart();
      await waitFor(() => conn.isConnected());
      expect(html(conn)).toContain('data-status="idle"');
    } finally {
      conn.dispose();
      await server.stop();
    }
  });

  it('the render example prints one render per status change through an outage', async () => {
    const out = await example('react/render-status.tsx');
    const statuses = [...out.matchAll(/data-status="(\w+)"/g)].map((m) => m[1]);
    expect(statuses).toEqual(['closed', 'connecting', 'idle', 'waiting', 'idle', 'closed']);
  });
});
