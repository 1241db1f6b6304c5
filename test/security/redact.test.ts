import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SENSITIVE_HEADERS,
  REDACTED,
  isSecretParam,
  isSensitiveHeader,
  looksSecretName,
  redactHeaders,
  redactText,
  redactUrl,
} from '../../src/security/redact.js';

describe('DEFAULT_SENSITIVE_HEADERS', () => {
  it('lists the always-secret headers in lower case and cannot be changed', () => {
    expect([...DEFAULT_SENSITIVE_HEADERS].sort()).toEqual(['authorization', 'cookie', 'proxy-authorization', 'set-cookie', 'x-api-key']);
    expect(Object.isFrozen(DEFAULT_SENSITIVE_HEADERS)).toBe(true);
  });
});

describe('looksSecretName', () => {
  it.each(['X-Auth-Token', 'x-custom-auth', 'clientSecret', 'client_secret', 'apiKey', 'API_KEY', 'x-goog-api-key', 'password', 'accesstoken', 'X-Amz-Signature', 'privateKey', 'sessionId'])(
    'flags %s',
    (name) => expect(looksSecretName(name)).toBe(true),
  );

  it.each(['Accept', 'Content-Type', 'tokensPerSecond', 'maxTokens', 'key', 'sec-websocket-key', 'rejectUnauthorized', 'www-authenticate', 'author'])(
    'spares %s',
    (name) => expect(looksSecretName(name)).toBe(false),
  );
});

describe('isSensitiveHeader', () => {
  it('matches the defaults case-insensitively', () => {
    for (const name of ['Authorization', 'PROXY-AUTHORIZATION', 'Cookie', 'Set-Cookie', 'X-API-Key']) expect(isSensitiveHeader(name)).toBe(true);
  });

  it('adds the extra names, case-insensitively, from any iterable', () => {
    expect(isSensitiveHeader('X-Client-Id')).toBe(false);
    expect(isSensitiveHeader('X-Client-Id', ['x-client-id'])).toBe(true);
    expect(isSensitiveHeader('x-client-id', new Set(['X-CLIENT-ID']))).toBe(true);
  });

  it('catches names that look secret', () => {
    expect(isSensitiveHeader('X-Custom-Auth')).toBe(true);
    expect(isSensitiveHeader('Content-Length')).toBe(false);
  });
});

describe('isSecretParam', () => {
  it.each(['token', 'access_token', 'api_key', 'apikey', 'key', 'secret', 'password', 'auth', 'signature', 'sig', 'code', 'CODE', 'refresh_token'])(
    'flags %s',
    (name) => expect(isSecretParam(name)).toBe(true),
  );

  it.each(['page', 'q', 'sort', 'limit', 'state'])('spares %s', (name) => expect(isSecretParam(name)).toBe(false));
});

describe('redactHeaders', () => {
  const expected = { Authorization: REDACTED, Accept: 'application/json' };

  it('redacts a plain object and keeps the name casing', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', Accept: 'application/json' })).toEqual(expected);
  });

  it('returns a new object and leaves the input alone', () => {
    const input = { Cookie: 'sid=1' };
    const out = redactHeaders(input);
    expect(out).not.toBe(input);
    expect(input.Cookie).toBe('sid=1');
  });

  it('redacts a Headers instance into a plain object (Headers lower-cases names)', () => {
    const out = redactHeaders(new Headers({ Authorization: 'Bearer abc', Accept: 'text/plain' }));
    expect(out).toEqual({ authorization: REDACTED, accept: 'text/plain' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('redacts an array of pairs', () => {
    expect(redactHeaders([['Authorization', 'Bearer abc'], ['Accept', 'application/json']])).toEqual(expected);
  });

  it("redacts undici's raw flat list and merges repeated names", () => {
    expect(redactHeaders(['Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Via', '1.1 a', 'via', '1.1 b'])).toEqual({
      'Set-Cookie': REDACTED,
      Via: '1.1 a, 1.1 b',
    });
  });

  it("redacts Node's array and number values", () => {
    expect(redactHeaders({ 'set-cookie': ['a=1', 'b=2'], 'content-length': 12, 'x-none': undefined })).toEqual({
      'set-cookie': REDACTED,
      'content-length': '12',
    });
  });

  it('applies extra sensitive names', () => {
    expect(redactHeaders({ 'X-Tenant': 'acme', Accept: 'a' }, ['x-tenant'])).toEqual({ 'X-Tenant': REDACTED, Accept: 'a' });
  });

  it('gives {} for null, undefined and non-collections, and never pollutes the prototype', () => {
    expect(redactHeaders(null)).toEqual({});
    expect(redactHeaders(undefined)).toEqual({});
    expect(redactHeaders(42 as never)).toEqual({});
    const out = redactHeaders([['__proto__', 'x']]);
    expect(Object.getOwnPropertyNames(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('redacts user-info and keeps the rest verbatim', () => {
    expect(redactUrl('https://bob:hunter2@api.example.com:8443/v1/x')).toBe(`https://${REDACTED}@api.example.com:8443/v1/x`);
    expect(redactUrl('wss://token123@chat.example.com/ws')).toBe(`wss://${REDACTED}@chat.example.com/ws`);
  });

  it('takes the last "@" of the authority, as URL parsers do', () => {
    expect(redactUrl('https://u:p@ss@host/a@b')).toBe(`https://${REDACTED}@host/a@b`);
  });

  it('redacts secret query values and nothing else', () => {
    expect(redactUrl('https://h/p?page=2&access_token=abc&Key=k1&q=a+b&sig=')).toBe(`https://h/p?page=2&access_token=${REDACTED}&Key=${REDACTED}&q=a+b&sig=`);
  });

  it('matches encoded parameter names', () => {
    expect(redactUrl('https://h/?api%5Fkey=zzz')).toBe(`https://h/?api%5Fkey=${REDACTED}`);
  });

  it('redacts secret parameters in the fragment, including after a hash route', () => {
    expect(redactUrl('https://app/cb#access_token=abc&state=xyz')).toBe(`https://app/cb#access_token=${REDACTED}&state=xyz`);
    expect(redactUrl('https://app/#/cb?code=abc')).toBe(`https://app/#/cb?code=${REDACTED}`);
    expect(redactUrl('https://app/docs#section-2')).toBe('https://app/docs#section-2');
  });

  it('does not normalise what it does not redact', () => {
    const url = 'HTTP://Example.COM:80/a/../b?x=%zz';
    expect(redactUrl(url)).toBe(url);
  });

  it('handles relative URLs and never throws on garbage', () => {
    expect(redactUrl('/callback?code=abc&x=1')).toBe(`/callback?code=${REDACTED}&x=1`);
    expect(redactUrl('not a url //user:pw@host here')).toBe(`not a url //${REDACTED}@host here`);
    expect(redactUrl('%%%://@@@')).toBeTypeOf('string');
    expect(redactUrl(undefined as never)).toBe('');
  });

  it('leaves a "//x@" inside the path of a real URL alone', () => {
    expect(redactUrl('https://host/a//b@c')).toBe('https://host/a//b@c');
  });
});

describe('redactText', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redactText('abcd1234 then abcd1234 and zzzz', ['abcd1234', 'zzzz'])).toBe(`${REDACTED} then ${REDACTED} and ${REDACTED}`);
  });

  it('ignores secrets shorter than 4 characters', () => {
    expect(redactText('a cat sat', ['cat', ''])).toBe('a cat sat');
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    expect(redactText('key=abcdef', ['abcd', 'abcdef'])).toBe(`key=${REDACTED}`);
  });

  it('treats regex characters in secrets literally', () => {
    expect(redactText('x a.b*c+ y axbbc', ['a.b*c+'])).toBe(`x ${REDACTED} y axbbc`);
  });
});
