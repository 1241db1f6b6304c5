import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiError, ValidationError } from '../../src/errors.js';
import { REDACTED } from '../../src/security/redact.js';
import { CIRCULAR, Redactor, TRUNCATED } from '../../src/security/Redactor.js';

describe('Redactor#remember and #text', () => {
  it('scrubs remembered values from text', () => {
    const r = new Redactor().remember('sk_live_123');
    expect(r.text('key sk_live_123 refused')).toBe(`key ${REDACTED} refused`);
  });

  it('also scrubs the URL-encoded form of a remembered value', () => {
    const r = new Redactor().remember('p@ss word');
    expect(r.text('GET /login?pw=p%40ss%20word')).toBe(`GET /login?pw=${REDACTED}`);
  });

  it('ignores non-strings and values shorter than 4 characters', () => {
    const r = new Redactor().remember('abc').remember(12345).remember(null);
    expect(r.size).toBe(0);
    expect(r.text('abc 12345')).toBe('abc 12345');
  });

  it('forgets the oldest secret beyond maxSecrets', () => {
    const r = new Redactor({ maxSecrets: 2 }).remember('first-secret').remember('second-secret').remember('third-secret');
    expect(r.size).toBe(2);
    expect(r.text('first-secret second-secret third-secret')).toBe(`first-secret ${REDACTED} ${REDACTED}`);
  });

  it('redacts URLs and Bearer/Basic credentials in text without being told', () => {
    const r = new Redactor();
    expect(r.text('GET https://u:p@h.example/x?token=abc failed')).toBe(`GET https://${REDACTED}@h.example/x?token=${REDACTED} failed`);
    expect(r.text('sent Bearer eyJhbGciOi.J9.x')).toBe(`sent Bearer ${REDACTED}`);
    expect(r.text('Basic information about the API')).toBe('Basic information about the API');
  });

  it('redacts a lone relative URL', () => {
    expect(new Redactor().text('/cb?code=xyz')).toBe(`/cb?code=${REDACTED}`);
  });
});

describe('Redactor#rememberHeaders', () => {
  it('remembers sensitive header values and the credential after the scheme', () => {
    const r = new Redactor().rememberHeaders({ Authorization: 'Bearer tok-12345', Accept: 'application/json' });
    expect(r.text('token tok-12345 expired')).toBe(`token ${REDACTED} expired`);
    expect(r.text('accepts application/json')).toBe('accepts application/json');
  });

  it('remembers the decoded password of Basic auth', () => {
    const r = new Redactor().rememberHeaders([['Authorization', `Basic ${btoa('alice:wonderland')}`]]);
    expect(r.text('password wonderland is wrong')).toBe(`password ${REDACTED} is wrong`);
  });

  it('remembers each cookie value, but not Set-Cookie attributes', () => {
    const r = new Redactor().rememberHeaders(['Cookie', 'sid=s3ss10n; theme=darkmode', 'Set-Cookie', 'refresh=r3fr3sh; Path=/api; Max-Age=3600']);
    expect(r.text('s3ss10n darkmode r3fr3sh /api 3600')).toBe(`${REDACTED} ${REDACTED} ${REDACTED} /api 3600`);
  });

  it('uses the extra sensitive header names', () => {
    const r = new Redactor({ sensitiveHeaders: ['X-Tenant'] }).rememberHeaders(new Headers({ 'x-tenant': 'tenant-secret' }));
    expect(r.text('tenant-secret')).toBe(REDACTED);
  });
});

describe('Redactor#rememberUrl', () => {
  it('remembers user-info parts and secret query values, raw and decoded', () => {
    const r = new Redactor().rememberUrl('wss://bot:pa%24%24word@chat.example.com/?token=t0k3n&room=lobby');
    expect(r.text('auth failed: pa$$word / pa%24%24word / t0k3n in lobby')).toBe(`auth failed: ${REDACTED} / ${REDACTED} / ${REDACTED} in lobby`);
  });

  it('accepts URL objects', () => {
    const r = new Redactor().rememberUrl(new URL('https://h/?api_key=k-9999'));
    expect(r.text('k-9999')).toBe(REDACTED);
  });
});

describe('Redactor#headers', () => {
  it('redacts sensitive names and remembered values in the others', () => {
    const r = new Redactor({ sensitiveHeaders: ['x-tenant'] }).remember('leaky-value');
    expect(r.headers({ 'X-Tenant': 'acme', 'X-Debug': 'leaky-value', Accept: '*/*' })).toEqual({
      'X-Tenant': REDACTED,
      'X-Debug': REDACTED,
      Accept: '*/*',
    });
  });
});

describe('Redactor#url', () => {
  it('redacts the URL and remembered secrets in its path', () => {
    const r = new Redactor().remember('abcd1234');
    expect(r.url('https://h/keys/abcd1234?key=zz')).toBe(`https://h/keys/${REDACTED}?key=${REDACTED}`);
    expect(r.url(new URL('https://u:p@h/'))).toBe(`https://${REDACTED}@h/`);
  });
});

describe('Redactor#value', () => {
  it('redacts values under secret keys, at any depth below them', () => {
    const out = new Redactor().value({ auth: { user: 'bob', password: 'x' }, credentials: { pass: 'pw', ok: true }, tries: [1, 2] });
    expect(out).toEqual({ auth: { user: REDACTED, password: REDACTED }, credentials: { pass: REDACTED, ok: true }, tries: [1, 2] });
  });

  it('redacts header maps by name and scrubs strings through text()', () => {
    const r = new Redactor().remember('s3cr3t-token');
    const event = { type: 'request', headers: { Authorization: 'Bearer s3cr3t-token', Accept: 'json' }, note: 'used s3cr3t-token' };
    expect(r.value(event)).toEqual({ type: 'request', headers: { Authorization: REDACTED, Accept: 'json' }, note: `used ${REDACTED}` });
    expect(event.headers.Authorization).toBe('Bearer s3cr3t-token');
  });

  it('keeps numeric statistics whose names only resemble secrets', () => {
    const stats = { api: { tokensPerSecond: 10, tokens: 3, burstCapacity: 20 } };
    expect(new Redactor().value(stats)).toEqual(stats);
  });

  it('replaces cycles with [Circular] but keeps shared references', () => {
    const shared = { n: 1 };
    const a: Record<string, unknown> = { shared, again: shared };
    a.self = a;
    const out = new Redactor().value(a) as Record<string, unknown>;
    expect(out.self).toBe(CIRCULAR);
    expect(out.shared).toEqual({ n: 1 });
    expect(out.again).toEqual({ n: 1 });
  });

  it('truncates containers nested deeper than maxDepth (root is level 1)', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) deep = { child: deep };
    let out = new Redactor().value(deep) as Record<string, unknown>;
    for (let level = 1; level < 8; level++) out = out.child as Record<string, unknown>;
    expect(out.child).toBe(TRUNCATED);
    expect(new Redactor({ maxDepth: 1 }).value({ a: { b: 1 } })).toEqual({ a: TRUNCATED });
  });

  it('clones errors with their prototype, flags and redacted message', () => {
    const r = new Redactor().remember('tok-abcdef');
    const err = new ApiError(401, { echoed: 'tok-abcdef', token: 'tok-abcdef' }, { url: 'https://h/x?token=tok-abcdef' });
    const out = r.value(err);
    expect(out).toBeInstanceOf(ApiError);
    expect(out).not.toBe(err);
    expect(out.isApiError).toBe(true);
    expect(out.status).toBe(401);
    expect(out.body).toEqual({ echoed: REDACTED, token: REDACTED });
    expect(out.url).toBe(`https://h/x?token=${REDACTED}`);
    expect(JSON.stringify(out)).not.toContain('tok-abcdef');
    expect(out.stack ?? '').not.toContain('tok-abcdef');
  });

  it('redacts an error message and its cause', () => {
    const r = new Redactor().remember('hunter22');
    const out = r.value(new ValidationError('x', 'bad hunter22', { cause: new Error('also hunter22') }));
    expect(out.message).toBe(`bad ${REDACTED}`);
    expect((out.cause as Error).message).toBe(`also ${REDACTED}`);
    expect(Object.keys(out)).not.toContain('message');
  });

  it('handles Map, Set, Date, URL, Headers and binary data', () => {
    const r = new Redactor().remember('zzzz-secret');
    const bytes = new Uint8Array([1, 2]);
    const out = r.value({
      map: new Map<unknown, unknown>([['apiKey', 'k'], ['n', 'zzzz-secret']]),
      set: new Set(['zzzz-secret', 'ok']),
      when: new Date(0),
      link: new URL('https://u:p@h/'),
      headers: new Headers({ cookie: 'a=b' }),
      bytes,
    });
    expect(out.map).toEqual(new Map([['apiKey', REDACTED], ['n', REDACTED]]));
    expect(out.set).toEqual(new Set([REDACTED, 'ok']));
    expect(out.when).toEqual(new Date(0));
    expect(out.link).toBe(`https://${REDACTED}@h/`);
    expect(out.headers).toEqual({ cookie: REDACTED });
    expect(out.bytes).toBe(bytes);
  });

  it('copies class instances as plain objects and survives throwing getters', () => {
    class Thing {
      password = 'x';
      get boom(): string {
        throw new Error('nope');
      }
    }
    const out = new Redactor().value({ thing: new Thing(), bad: Object.defineProperty({}, 'g', { enumerable: true, get: () => { throw new Error('x'); } }) });
    expect(out.thing).toEqual({ password: REDACTED });
    expect(out.bad).toEqual({ g: '[Unreadable]' });
  });

  it('passes primitives through', () => {
    const r = new Redactor();
    expect([r.value(1), r.value(true), r.value(null), r.value(undefined), r.value(2n)]).toEqual([1, true, null, undefined, 2n]);
  });
});

describe('Redactor printing', () => {
  it('never shows remembered secrets', () => {
    const r = new Redactor().remember('super-secret');
    expect(String(r)).toBe('[Redactor: 1 secrets]');
    expect(JSON.stringify(r)).toBe('{"secrets":1}');
    expect(inspect(r)).not.toContain('super-secret');
  });
});
