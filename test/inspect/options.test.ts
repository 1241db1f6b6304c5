/**
 * startInspector's options: refused values name the option; the host is
 * 127.0.0.1 and nothing else; without mermaid the page draws an indented tree
 * and says how to get diagrams; a request under a foreign Host is refused.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { ConfigError } from '../../src/errors.js';
import { startInspector } from '../../src/inspect/index.js';
import { circuitBreakerMachine } from '../../machines/index.js';
import { get } from './streamReader.js';

async function rejection(options: unknown): Promise<ConfigError> {
  return startInspector(options as never).then(
    async (i) => {
      await i.close();
      throw new Error('not refused');
    },
    (e: ConfigError) => e,
  );
}

describe('startInspector options', () => {
  it.each([
    [{ host: '0.0.0.0' }, 'host', '0.0.0.0'],
    [{ host: 'localhost' }, 'host', 'localhost'],
    [{ host: '::' }, 'host', '::'],
    [{ port: -1 }, 'port', -1],
    [{ port: 70_000 }, 'port', 70_000],
    [{ maxEvents: 0 }, 'maxEvents', 0],
    [{ maxEventsPerActor: 1.5 }, 'maxEventsPerActor', 1.5],
    [{ maxActors: 'many' }, 'maxActors', 'many'],
    [{ mermaid: 42 }, 'mermaid', 42],
    [{ mermaid: '/no/such/mermaid.min.js' }, 'mermaid', '/no/such/mermaid.min.js'],
    [{ ingest: 'yes' }, 'ingest', 'yes'],
  ])('refuses %j with a ConfigError naming %s', async (options, option, value) => {
    const error = await rejection(options);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.option).toBe(option);
    expect(error.value).toEqual(value);
    expect(error.message).toContain('startInspector');
  });

  it('refuses an unknown option too', async () => {
    expect((await rejection({ hots: '127.0.0.1' })).option).toBe('hots');
  });

  it('listens on 127.0.0.1 at the port asked for', async () => {
    const first = await startInspector();
    const port = Number(new URL(first.url).port);
    await first.close();
    const again = await startInspector({ port });
    try {
      expect(again.url).toBe(`http://127.0.0.1:${port}/`);
    } finally {
      await again.close();
    }
  });

  it('serves mermaid from node_modules when installed', async () => {
    const inspector = await startInspector();
    try {
      expect(inspector.mermaid).toBe(true);
      const res = await get(inspector.url, 'mermaid.js');
      expect(res.status).toBe(200);
      expect(res.text).toContain('globalThis["mermaid"]');
    } finally {
      await inspector.close();
    }
  });

  it('without mermaid: no diagram script, the states as a tree with the active ones marked, and a note', async () => {
    const inspector = await startInspector({ mermaid: false });
    const actor = createActor(circuitBreakerMachine, { input: {}, inspect: inspector.inspect }).start();
    try {
      expect(inspector.mermaid).toBe(false);
      const page = await get(inspector.url, '');
      expect(page.text).not.toContain('mermaid.js');
      expect((await get(inspector.url, 'mermaid.js')).status).toBe(404);
      expect((await get(inspector.url, 'app.js')).text).toContain('npm install mermaid for diagrams');
      const view = JSON.parse((await get(inspector.url, `api/actor?session=${actor.sessionId}`)).text);
      expect(view.mermaid).toBeUndefined();
      expect(view.active).toEqual(['circuitBreaker.CLOSED']);
      expect(view.tree.children.map((n: { key: string; active: boolean }) => [n.key, n.active])).toEqual([
        ['CLOSED', true],
        ['OPEN', false],
        ['HALF_OPEN', false],
      ]);
    } finally {
      actor.stop();
      await inspector.close();
    }
  });

  it('answers 403 to a request whose Host is not 127.0.0.1 (DNS rebinding) and 405 to a POST', async () => {
    const inspector = await startInspector();
    const port = Number(new URL(inspector.url).port);
    const status = (method: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/state', method, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await status('GET', `evil.example:${port}`)).toBe(403);
      expect(await status('GET', `127.0.0.1:${port}`)).toBe(200);
      expect(await status('GET', `localhost:${port}`)).toBe(200);
      expect(await status('POST', `127.0.0.1:${port}`)).toBe(405);
    } finally {
      await inspector.close();
    }
  });

  it('after close(), inspect ignores events and nothing listens', async () => {
    const inspector = await startInspector();
    await inspector.close();
    await inspector.close();
    const actor = createActor(circuitBreakerMachine, { input: {}, inspect: inspector.inspect }).start();
    actor.stop();
    expect(inspector.state().actors).toEqual([]);
    await expect(fetch(inspector.url)).rejects.toThrow();
  });
});
