/**
 * The runtime WebSocket model tests of statewire/testing against a real
 * WebSocketConnection with acknowledged delivery and the fault-injecting server:
 * generated command sequences, fixed sequences, machine paths, and proof that
 * the oracle fails (a wrong model, a connection that loses messages).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import { atLeastOnceModel, idAckDelivery, runWebSocketActions, runWebSocketPath, webSocketProperty, type WebSocketRuntimeOptions, type WebSocketUnderTest } from '../../../src/testing/index.js';

const connect = (url: string) =>
  new WebSocketConnection({ url, delivery: { ...idAckDelivery, ackTimeout: 500 }, reconnectDelay: 5, maxReconnectDelay: 20, healthUrl: false, pingInterval: 0, retryCount: 5 });
const options: WebSocketRuntimeOptions = { connect, stepTimeout: 3_000, settleTimeout: 6_000 };

describe('runtime model tests: WebSocketConnection', () => {
  it('keeps the delivery contract over generated fault sequences (12 runs of up to 8 commands)', async () => {
    await fc.assert(webSocketProperty(fc, options, { maxCommands: 8 }), { numRuns: 12, seed: Number(process.env.WS_MODEL_SEED) || undefined });
  }, 120_000);

  it('a fixed sequence: sends across a kill, a restart, a dropped ack and a close 1000', async () => {
    const report = await runWebSocketActions(options, [
      { kind: 'send' },
      { kind: 'kill' },
      { kind: 'send' },
      { kind: 'restart' },
      { kind: 'push' },
      { kind: 'dropOutgoing' },
      { kind: 'send' },
      { kind: 'serverClose', code: 1000, reason: 'bye' },
      { kind: 'send' },
      { kind: 'connect' },
      { kind: 'send' },
    ]);
    expect(report.violations).toEqual([]);
    expect(report.skipped).toEqual([]);
  }, 30_000);

  it('runs a machine path: every event with a counterpart becomes an action, the others are listed', async () => {
    const path = {
      steps: [
        { event: { type: 'CONNECT' } },
        { event: { type: 'OPENED' } },
        { event: { type: 'USER_MESSAGE' } },
        { event: { type: 'SOCKET_CLOSED', code: 1006 } },
        { event: { type: 'xstate.after.reconnect' } },
        { event: { type: 'SOCKET_FAILED' } },
        { event: { type: 'HEALTHY' } },
        { event: { type: 'DISCONNECT' } },
        { event: { type: 'CONNECT' } },
      ],
    };
    const report = await runWebSocketPath(options, path);
    expect(report.violations).toEqual([]);
    expect(report.skipped).toEqual(['xstate.after.reconnect', 'connect (not applicable)', 'restart (not applicable)']);
    expect(report.trace).toContain('kill');
  }, 30_000);

  it('the oracle fails a wrong model: exactly-once claimed across a dropped acknowledgement', async () => {
    const exactlyOnce = { ...atLeastOnceModel, duplicatesAllowed: () => false };
    const report = await runWebSocketActions({ ...options, model: exactlyOnce }, [{ kind: 'dropOutgoing' }, { kind: 'send' }]);
    expect(report.violations).toEqual(['message 0 reached the server 2 times']);
  }, 30_000);

  it('the oracle fails a connection that loses a message sent while the server was down', async () => {
    // A connection that claims to queue what it cannot send, and forgets it.
    const lossy = (url: string): WebSocketUnderTest => {
      const real = connect(url);
      return {
        connect: () => real.connect(),
        send: (m) => (real.isConnected() ? real.send(m) : true),
        close: (code, reason) => real.close(code, reason),
        isConnected: () => real.isConnected(),
        on: (event, handler) => real.on(event, handler),
        getStats: () => real.getStats(),
        dispose: () => real.dispose(),
      };
    };
    const report = await runWebSocketActions({ ...options, connect: lossy, settleTimeout: 1_000 }, [{ kind: 'send' }, { kind: 'kill' }, { kind: 'send' }, { kind: 'restart' }]);
    expect(report.violations).toEqual(['message 1 never reached the server and was not reported dropped (lost silently)']);
  }, 30_000);

  it('the property fails when the model is wrong (fast-check finds and shrinks a counterexample)', async () => {
    const nothingDuplicated = { ...atLeastOnceModel, duplicatesAllowed: () => false };
    const commandsWithAckDrop = webSocketProperty(fc, { ...options, model: nothingDuplicated }, { maxCommands: 6 });
    const failure = await fc.assert(commandsWithAckDrop, { numRuns: 40, endOnFailure: true, seed: 7 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/Counterexample/);
    expect(String((failure?.cause as Error | undefined)?.message)).toMatch(/reached the server 2 times/);
  }, 120_000);
});
