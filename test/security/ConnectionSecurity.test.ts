import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ConnectionSecurity } from '../../src/security/index.js';

/** Returns the ConfigError `fn` throws. */
function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('ConnectionSecurity#createAuthorizationHeaders', () => {
  const security = new ConnectionSecurity();

  it('seed: ("token", "api-key") gives both headers', () => {
    expect(security.createAuthorizationHeaders('token', 'api-key')).toEqual({ Authorization: 'Bearer token', 'X-API-Key': 'api-key' });
  });

  it('seed: ("bearer-token") gives a Bearer Authorization header', () => {
    expect(security.createAuthorizationHeaders('bearer-token')).toEqual({ Authorization: 'Bearer bearer-token' });
  });

  it('seed: (null, "api-key") gives only X-API-Key', () => {
    expect(security.createAuthorizationHeaders(null, 'api-key')).toEqual({ 'X-API-Key': 'api-key' });
  });

  it('keeps a token that already names its scheme', () => {
    expect(security.createAuthorizationHeaders('Basic dXNlcjpwdw==')).toEqual({ Authorization: 'Basic dXNlcjpwdw==' });
    expect(security.createAuthorizationHeaders('Bearer abc')).toEqual({ Authorization: 'Bearer abc' });
    expect(security.createAuthorizationHeaders('DPoP xyz')).toEqual({ Authorization: 'DPoP xyz' });
  });

  it('treats blank values as absent', () => {
    expect(security.createAuthorizationHeaders('  ', 'k')).toEqual({ 'X-API-Key': 'k' });
  });

  it('refuses when both are empty', () => {
    for (const args of [[], [null, null], ['', ''], [undefined, ' ']] as const) {
      const e = refusal(() => security.createAuthorizationHeaders(...args));
      expect(e.option).toBe('token');
      expect(e.owner).toBe('ConnectionSecurity');
    }
  });

  it('refuses CR, LF and NUL (header injection) without echoing the value', () => {
    const e = refusal(() => security.createAuthorizationHeaders('abc\r\nX-Evil: 1'));
    expect(e.option).toBe('token');
    expect(e.message).not.toContain('abc');
    expect(e.value).toBe('[REDACTED]');
    const k = refusal(() => security.createAuthorizationHeaders(null, 'key\nsecret-part'));
    expect(k.option).toBe('apiKey');
    expect(k.message).not.toContain('secret-part');
    expect(refusal(() => security.createAuthorizationHeaders('a\0b')).option).toBe('token');
  });

  it('refuses non-string credentials', () => {
    expect(refusal(() => security.createAuthorizationHeaders(42 as never)).reason).toMatch(/string/);
  });
});

describe('ConnectionSecurity printing', () => {
  it('reveals nothing through String, JSON or util.inspect', () => {
    const security = new ConnectionSecurity();
    security.createAuthorizationHeaders('very-secret-token');
    expect(String(security)).toBe('[ConnectionSecurity]');
    expect(JSON.stringify(security)).toBe('{"type":"ConnectionSecurity"}');
    expect(inspect(security)).toBe('[ConnectionSecurity]');
  });
});
