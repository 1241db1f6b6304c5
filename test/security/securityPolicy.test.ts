import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { SecurityLevel } from '../../src/config/enums.js';
import { checkTransportSecurity, isLoopbackHost, type TransportSecurityOptions } from '../../src/security/securityPolicy.js';
import { SECURITY_LEVEL_RULES } from '../../src/security/securityLevelRules.js';

/** The option named by the ConfigError the check throws, or `null` when it passes. */
function refusedOption(options: TransportSecurityOptions): string | null {
  try {
    checkTransportSecurity(options);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.option;
    throw e;
  }
}

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '127.255.0.9', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['example.com', 'localhost.example.com', '128.0.0.1', '127.0.0.256', '10.0.0.1', '0.0.0.0', '::', '::2', 'mylocalhost'])(
    '%s is not loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('checkTransportSecurity', () => {
  const levels = Object.values(SecurityLevel);
  const remote = { plain: ['http://api.example.com', 'ws://api.example.com/ws'], tls: ['https://api.example.com', 'wss://api.example.com/ws'] };
  const local = { plain: ['http://127.0.0.1:8080', 'ws://localhost:9000', 'http://[::1]/'], tls: ['https://localhost:8443'] };

  describe.each(levels)('at level %s', (securityLevel) => {
    it('accepts TLS to any host with verification on', () => {
      for (const url of [...remote.tls, ...local.tls]) expect(refusedOption({ url, securityLevel })).toBeNull();
    });

    it('accepts plain http/ws to loopback, with or without encryption', () => {
      for (const url of local.plain) for (const encryption of [true, false]) expect(refusedOption({ url, securityLevel, encryption })).toBeNull();
    });

    it('refuses plain http/ws to a remote host when encryption is on (the default)', () => {
      for (const url of remote.plain) {
        expect(refusedOption({ url, securityLevel })).toBe('url');
        expect(refusedOption({ url, securityLevel, encryption: true })).toBe('url');
      }
    });

    it('with encryption off, refuses plain remote URLs only at maximum', () => {
      for (const url of remote.plain) expect(refusedOption({ url, securityLevel, encryption: false })).toBe(securityLevel === 'maximum' ? 'url' : null);
    });

    it('rejectUnauthorized: false to a remote host is refused at enhanced and maximum', () => {
      const expected = securityLevel === 'enhanced' || securityLevel === 'maximum' ? 'rejectUnauthorized' : null;
      for (const url of remote.tls) expect(refusedOption({ url, securityLevel, rejectUnauthorized: false })).toBe(expected);
    });

    it('rejectUnauthorized: false to loopback is refused only at maximum', () => {
      for (const url of [...local.tls, ...local.plain]) {
        expect(refusedOption({ url, securityLevel, rejectUnauthorized: false })).toBe(securityLevel === 'maximum' ? 'rejectUnauthorized' : null);
      }
    });

    it('rejectUnauthorized: true is always fine', () => {
      expect(refusedOption({ url: remote.tls[0]!, securityLevel, rejectUnauthorized: true })).toBeNull();
    });
  });

  it('defaults to level standard and encryption on, and reports what it resolved', () => {
    expect(checkTransportSecurity({ url: 'https://api.example.com' })).toEqual({ securityLevel: 'standard', encryption: true, secure: true, loopback: false });
    expect(checkTransportSecurity({ url: 'ws://localhost:1', securityLevel: 'MAXIMUM' as SecurityLevel })).toEqual({
      securityLevel: 'maximum',
      encryption: true,
      secure: false,
      loopback: true,
    });
  });

  it('names the owner and never shows URL credentials', () => {
    try {
      checkTransportSecurity({ url: 'http://bob:hunter2@api.example.com/?token=abc', owner: 'HTTPConnection' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.owner).toBe('HTTPConnection');
      expect(err.message).toMatch(/^HTTPConnection: invalid option "url"/);
      expect(err.message).not.toContain('hunter2');
      expect(String(err.value)).not.toContain('abc');
    }
  });

  it('refuses unknown levels, non-boolean flags and non-URLs', () => {
    expect(refusedOption({ url: 'https://h', securityLevel: 'paranoid' as SecurityLevel })).toBe('securityLevel');
    expect(refusedOption({ url: 'https://h', encryption: 'yes' as never })).toBe('encryption');
    expect(refusedOption({ url: 'https://h', rejectUnauthorized: 0 as never })).toBe('rejectUnauthorized');
    expect(refusedOption({ url: 'not a url' })).toBe('url');
  });

  it('accepts URL objects', () => {
    expect(checkTransportSecurity({ url: new URL('wss://h/ws') }).secure).toBe(true);
  });
});

describe('SECURITY_LEVEL_RULES', () => {
  it('has sentences for every level, stricter levels having more rules, and is frozen', () => {
    for (const level of Object.values(SecurityLevel)) expect(SECURITY_LEVEL_RULES[level].length).toBeGreaterThan(0);
    expect(SECURITY_LEVEL_RULES.enhanced.length).toBeGreaterThan(SECURITY_LEVEL_RULES.standard.length);
    expect(SECURITY_LEVEL_RULES.maximum.length).toBeGreaterThan(SECURITY_LEVEL_RULES.enhanced.length);
    expect(Object.isFrozen(SECURITY_LEVEL_RULES)).toBe(true);
    expect(Object.isFrozen(SECURITY_LEVEL_RULES.maximum)).toBe(true);
    expect(SECURITY_LEVEL_RULES.maximum.join(' ')).toMatch(/rejectUnauthorized/);
  });
});
