/**
 * The fault servers refuse what they could not honour when they are built: a
 * misspelt option, a status no HTTP server can send, a script path that would
 * never match. Before, `{ status: 42 }` crashed the test process inside a
 * request handler, and typos were ignored.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/index.js';
import { FaultSseServer, FaultWebSocketServer, FlakyHttpServer } from '../../../src/testing/index.js';

const refusal = (build: () => unknown): ConfigError => {
  try {
    build();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('fault servers check their options', () => {
  it('a misspelt option is a ConfigError with a did-you-mean, on every server', () => {
    expect(refusal(() => new FaultWebSocketServer({ acks: true } as never)).message).toMatch(/acks.*did you mean "ack"/s);
    expect(refusal(() => new FaultSseServer({ event: [] } as never)).message).toMatch(/event.*did you mean "events"/s);
    expect(refusal(() => new FlakyHttpServer({ scripts: {} } as never)).message).toMatch(/scripts.*did you mean "script"/s);
  });

  it('a step the server could not answer names its place in the script', () => {
    const error = refusal(() => new FlakyHttpServer({ script: { '/a': [{}, { status: 42 }] } }));
    expect(error.option).toBe("script['/a'][1].status");
    expect(refusal(() => new FlakyHttpServer({ script: { '/a': [{ stauts: 503 } as never] } })).message).toMatch(/stauts.*did you mean "status"/s);
    expect(refusal(() => new FlakyHttpServer({ fallback: { retryAfter: -1 } })).option).toBe('fallback.retryAfter');
    expect(refusal(() => new FlakyHttpServer().script('/b', { delay: -5 })).option).toBe("script('/b')[0].delay");
  });

  it("a script path that could never match (no leading '/') is refused", () => {
    expect(refusal(() => new FlakyHttpServer({ script: { users: [{}] } })).option).toBe("script['users']");
    expect(() => new FlakyHttpServer({ script: { '*': [{ status: 503, retryAfter: 1 }], '/users': [{ redirect: '/b' }] } })).not.toThrow();
  });

  it('valid options of each server are accepted', () => {
    expect(() => new FaultWebSocketServer({ ack: true, echo: true, autoPong: false, delay: 5, health: 200, path: '/ws' })).not.toThrow();
    expect(() => new FaultSseServer({ events: [{ data: 'x' }], retry: 100, perConnection: 2, hold: true, resume: false })).not.toThrow();
    expect(refusal(() => new FaultWebSocketServer({ health: 42 })).option).toBe('health');
  });
});
