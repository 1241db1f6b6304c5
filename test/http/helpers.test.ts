import { describe, expect, it } from 'vitest';
import { buildUrl } from '../../src/http/buildUrl.js';
import { parseBody, parseErrorBody, serializeBody } from '../../src/http/bodies.js';
import { parseRetryAfter } from '../../src/http/parseRetryAfter.js';
import { createLog } from '../../src/runtime/createLog.js';
import { redactUrl } from '../../src/security/redact.js';
import { ApiError, ConfigError, ValidationError } from '../../src/errors.js';

describe('buildUrl', () => {
  it('keeps the base path and joins with exactly one slash', () => {
    expect(buildUrl('http://h:1/api/', '/users')).toEqual({ url: 'http://h:1/api/users', endpoint: '/api/users' });
    expect(buildUrl('http://h:1', 'users')).toEqual({ url: 'http://h:1/users', endpoint: '/users' });
  });

  it('uses an absolute URL as it is and appends params', () => {
    expect(buildUrl('http://h:1', 'http://other:2/x?a=1', { b: 2, c: undefined, d: true }).url).toBe('http://other:2/x?a=1&b=2&d=true');
  });

  it('refuses what does not parse with a ConfigError that hides credentials', () => {
    expect(() => buildUrl('', 'not a url')).toThrow(ConfigError);
    const error = (() => {
      try {
        buildUrl('', 'http://user:secretpw@exa mple.com/');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.message).not.toContain('secretpw');
  });
});

describe('serializeBody', () => {
  it('JSON for objects, as-is for strings, bytes and form params', () => {
    expect(serializeBody({ a: 1 })).toEqual({ body: '{"a":1}', contentType: 'application/json' });
    expect(serializeBody('raw').body).toBe('raw');
    expect(serializeBody(new Uint8Array([1])).contentType).toBe('application/octet-stream');
    expect(serializeBody(new URLSearchParams({ q: 'x' })).body).toBe('q=x');
    expect(serializeBody(undefined)).toEqual({ body: undefined, contentType: undefined });
  });

  it('refuses a body JSON cannot represent', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializeBody(cyclic)).toThrow(ValidationError);
    expect(() => serializeBody({ n: 1n })).toThrow(/serialised/);
    expect(() => serializeBody(Symbol('s'))).toThrow(/unsupported/);
  });
});

const id = (u: string) => u;

describe('parseBody / parseErrorBody', () => {
  const json = { 'content-type': 'application/problem+json; charset=utf-8' };
  it('parses JSON when the content type says so, else returns text', () => {
    expect(parseBody(200, json, '{"a":1}', 'GET', 'u', id)).toEqual({ a: 1 });
    expect(parseBody(200, { 'content-type': 'text/plain' }, '{"a":1}', 'GET', 'u', id)).toBe('{"a":1}');
    expect(parseBody(204, json, '', 'GET', 'u', id)).toBeNull();
  });

  it('turns malformed JSON into an ApiError carrying the raw text', () => {
    const error = (() => {
      try {
        parseBody(200, json, '{oops', 'GET', 'http://u:pw-SECRET@h/x', redactUrl);
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.body).toBe('{oops');
    expect(error?.url).not.toContain('SECRET');
    expect(error?.message).toMatch(/claims JSON/);
    expect(parseErrorBody(json, '{oops')).toBe('{oops');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, never negative', () => {
    const now = Date.parse('2026-11-22T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 00:00:05 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('createLog', () => {
  function capture() {
    const lines: string[] = [];
    const push = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    return { lines, logger: { debug: push, info: push, warn: push, error: push } };
  }

  it('is silent unless enabled, filters by level, and redacts remembered secrets', () => {
    const { lines, logger } = capture();
    const log = createLog({ enabled: false, logger, prefix: 'T', level: 'warn' });
    log.remember({ Authorization: 'Bearer abc-SECRET-xyz' }, 'http://u:pw-SECRET@h/');
    log.warn('quiet');
    log.enabled = true;
    log.info('below the level');
    log.warn('sent Bearer abc-SECRET-xyz to http://u:pw-SECRET@h/', { token: 'abc-SECRET-xyz' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[T\] sent/);
    expect(lines[0]).not.toContain('SECRET');
  });

  it('writes audit lines whenever auditing is on', () => {
    const { lines, logger } = capture();
    const log = createLog({ enabled: false, audit: true, logger, prefix: 'T' });
    log.audit('connected');
    expect(lines).toEqual(['[T] audit: connected']);
  });
});

describe('splitCredentials', () => {
  it('moves user-info into a Basic header and leaves the rest of the URL as written', async () => {
    const { splitCredentials } = await import('../../src/security/splitCredentials.js');
    expect(splitCredentials('http://ann:p%40ss@127.0.0.1:8000/api?q=1')).toEqual({
      url: 'http://127.0.0.1:8000/api?q=1',
      authorization: `Basic ${Buffer.from('ann:p@ss').toString('base64')}`,
    });
    expect(splitCredentials('http://127.0.0.1:8000')).toEqual({ url: 'http://127.0.0.1:8000' });
  });
});

describe('DeadlineSignals', () => {
  it('shares one signal per 20 ms slot and aborts no earlier than asked', async () => {
    const { DeadlineSignals } = await import('../../src/http/transports/DeadlineSignals.js');
    const deadlines = new DeadlineSignals();
    expect(deadlines.after(0)).toBeUndefined();
    const started = Date.now();
    const a = deadlines.after(60)!;
    const shared = new Set(Array.from({ length: 100 }, () => deadlines.after(60)));
    expect(shared.size).toBeLessThanOrEqual(2); // one slot, or two if the clock crossed a boundary meanwhile
    await new Promise<void>((resolve) => a.addEventListener('abort', () => resolve(), { once: true }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(59);
    expect((a.reason as DOMException).name).toBe('TimeoutError');
  });
});
