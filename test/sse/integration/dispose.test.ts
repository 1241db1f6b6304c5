/**
 * dispose() of `SSEConnection` leaves nothing behind: in this process, no
 * request follows and every call rejects; in a separate Node process (running
 * `fixtures/disposeChild.ts` against a server THIS process started), the
 * process exits on its own once the connection is disposed, whether it was
 * open, waiting to reconnect or still connecting.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, StatewireError, type SSEConnectionOptions } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/disposeChild.ts', import.meta.url));

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it did not exit within the budget after printing DISPOSED. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The JSON printed after DISPOSED. */
  report: Record<string, unknown> | undefined;
}

/** Runs the child; once it prints DISPOSED it has `budget` ms to exit on its own (tsx startup is not counted). */
function runChild(mode: string, url: string, budget = 5_000, started?: (stdin: NodeJS.WritableStream) => void): Promise<ChildRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, mode, url], {
      cwd: root,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    proc.stdin.on('error', () => {});
    if (started) started(proc.stdin);
    else proc.stdin.end();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let budgetTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      timedOut = true;
      proc.kill('SIGKILL');
    };
    const safety = setTimeout(kill, 20_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (budgetTimer === undefined && stdout.includes('DISPOSED')) budgetTimer = setTimeout(kill, budget);
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(safety);
      clearTimeout(budgetTimer);
      const line = stdout.split('\n').find((l) => l.startsWith('DISPOSED '));
      const report = line === undefined ? undefined : (JSON.parse(line.slice('DISPOSED '.length)) as Record<string, unknown>);
      resolve({ code, signal, timedOut, stdout, stderr, report });
    });
  });
}

describe('dispose() in a separate process', () => {
  it('(harness check) a child that leaves an interval running is caught as not exiting', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const run = await runChild('leak', server.url, 300);
    expect(run.report).toMatchObject({ mode: 'leak' });
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
  });

  it('connected, one event received, a receive() pending: after dispose() the process exits on its own', async () => {
    // The stream stays open on the server side: only the child can close it.
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', data: { hello: 'child' } });
      }),
    );
    const run = await runChild('open', server.url);
    expect(run.stderr).toBe('');
    expect(run.report).toEqual({
      mode: 'open',
      event: { id: '1', event: 'message', data: { hello: 'child' }, raw: '{"hello":"child"}' },
      pending: 'rejected: StatewireError',
      events: ['connected'],
      actor: 'stopped',
    });
    expect(run.timedOut, `did not exit within 5 s of dispose()\n${run.stdout}`).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    await server.waitForClosed(0);
  });

  it('disposed while waiting to reconnect (500, retryDelay 60 s): the process exits on its own', async () => {
    const server = track.server(await startSseServer((s) => s.reject(500)));
    const run = await runChild('waiting', server.url);
    expect(run.stderr).toBe('');
    expect(run.report).toMatchObject({ mode: 'waiting', connect: 'rejected: StatewireError', events: ['connection_error', 'reconnecting'], actor: 'stopped' });
    expect(run.timedOut, `did not exit within 5 s of dispose()\n${run.stdout}`).toBe(false);
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('disposed while the request hangs (server never answers): the process exits on its own', async () => {
    const server = track.server(await startSseServer(() => {}));
    const run = await runChild('connecting', server.url, 5_000, (stdin) => {
      void server.waitForRequests(1, 15_000).then(
        () => stdin.end('the request is here\n'),
        () => stdin.end(),
      );
    });
    expect(run.stderr).toBe('');
    expect(run.report).toMatchObject({ mode: 'connecting', state: 'connecting', connect: 'rejected: StatewireError', actor: 'stopped' });
    expect(run.timedOut, `did not exit within 5 s of dispose()\n${run.stdout}`).toBe(false);
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });
});

describe('dispose() in this process', () => {
  it("events an on() handler took are not reported as never read; only the ones nobody saw are", async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        for (let i = 1; i <= 3; i++) s.send({ id: String(i), data: `price ${i}` });
        s.send({ id: '4', event: 'news', data: 'nobody listens' });
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    const seen: string[] = [];
    conn.on('message', (m) => seen.push(m.raw));
    await conn.connect();
    await waitFor(() => conn.getStats().eventsReceived === 4, 2_000, 'four events');
    expect(seen).toEqual(['price 1', 'price 2', 'price 3']);
    conn.dispose();
    expect(events.of('disposed')).toEqual([expect.objectContaining({ severity: 'warning', data: { unread: 1 } })]);
  });

  it('closes the open stream; no request follows; receive(), connect() reject; unread events are reported', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', data: 'read' });
        s.send({ id: '2', data: 'unread' });
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    await waitFor(() => conn.getStats().eventsReceived === 2, 2_000, 'two events');
    expect((await conn.receive(1_000)).raw).toBe('read');

    conn.dispose();
    conn.dispose(); // idempotent
    expect(conn.isConnected()).toBe(false);
    expect(conn.actor.getSnapshot().status).toBe('stopped');
    expect(events.of('disposed')).toEqual([expect.objectContaining({ severity: 'warning', data: { unread: 1 } })]);
    await expect(conn.receive(1_000)).rejects.toBeInstanceOf(StatewireError);
    await expect(conn.connect()).rejects.toThrow(/disposed/);
    // The client closed its stream (the server never ended it).
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true);
    await sleep(300);
    expect(server.requests).toHaveLength(1);
  });

  it('a pending receive() and a pending connect() reject on dispose', async () => {
    const server = track.server(await startSseServer(() => {})); // never answers
    const conn = connection({ url: server.url });
    const connecting = conn.connect();
    const receiving = conn.receive();
    await server.waitForRequests(1);
    conn.dispose();
    await expect(connecting).rejects.toThrow(/disposed/);
    await expect(receiving).rejects.toThrow(/disposed/);
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true);
  });

  it('disposed while waiting to reconnect: the loop stops, no request follows', async () => {
    const server = track.server(await startSseServer((s) => s.reject(500)));
    const conn = connection({ url: server.url, retryDelay: 50, backoffMultiplier: 1 });
    const events = recordConnectionEvents(conn);
    const connecting = conn.connect();
    await waitFor(() => server.requests.length >= 2, 2_000, 'a reconnect');
    conn.dispose();
    await expect(connecting).rejects.toThrow(/disposed/);
    const after = server.requests.length;
    const eventsAfter = events.all.length;
    await sleep(300); // six retry periods
    expect(server.requests).toHaveLength(after);
    expect(events.all).toHaveLength(eventsAfter);
  });
});
