import { describe, it, expect } from 'vitest';
import {
  ApiError,
  CircuitBreakerError,
  ConfigError,
  RateLimitError,
  StatewireError,
  TimeoutError,
  ValidationError,
  isStatewireError,
} from '../src/errors.js';

const FLAGS = [
  'isConfigError',
  'isApiError',
  'isTimeoutError',
  'isCircuitBreakerError',
  'isRateLimitError',
  'isValidationError',
] as const;

const samples = {
  ConfigError: [new ConfigError('timeout', -5, 'expected a finite number >= 0'), 'isConfigError'],
  ApiError: [new ApiError(503, null), 'isApiError'],
  TimeoutError: [new TimeoutError('/users', 5000), 'isTimeoutError'],
  CircuitBreakerError: [new CircuitBreakerError('OPEN', null), 'isCircuitBreakerError'],
  RateLimitError: [new RateLimitError(1000, 'api'), 'isRateLimitError'],
  ValidationError: [new ValidationError('maxLength', 'too long'), 'isValidationError'],
} as const;

describe('flags and names', () => {
  for (const [name, [error, flag]] of Object.entries(samples)) {
    it(`${name} has name, its own flag, isStatewireError and no other flag`, () => {
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(Error);
      expect((error as unknown as Record<string, unknown>)[flag]).toBe(true);
      expect(error.isStatewireError).toBe(true);
      for (const other of FLAGS.filter((f) => f !== flag)) {
        expect((error as unknown as Record<string, unknown>)[other]).not.toBe(true);
      }
    });
  }

  it('keeps the ES2022 cause', () => {
    const root = new Error('socket hang up');
    expect(new TimeoutError('/x', 10, { cause: root }).cause).toBe(root);
    expect(new ApiError(500, null, {}, { cause: root }).cause).toBe(root);
    expect(new ConfigError('a', 1, 'r', { cause: root }).cause).toBe(root);
    expect('cause' in new ApiError(500, null)).toBe(false);
  });
});

describe('instanceof', () => {
  it('matches the own class and StatewireError, not sibling classes', () => {
    const err = new ApiError(404, null);
    expect(err instanceof ApiError).toBe(true);
    expect(err instanceof StatewireError).toBe(true);
    expect(err instanceof TimeoutError).toBe(false);
    expect(new TimeoutError(undefined, 1) instanceof ApiError).toBe(false);
  });

  it('matches an error from another copy of the module by its flag', () => {
    const foreign = Object.assign(new Error('x'), { isApiError: true, isStatewireError: true });
    expect(foreign instanceof ApiError).toBe(true);
    expect(foreign instanceof StatewireError).toBe(true);
    expect(foreign instanceof TimeoutError).toBe(false);
    expect(Object.assign(new Error('x'), { isApiError: true }) instanceof ApiError).toBe(true);
  });

  it('refuses plain errors, primitives and non-true flags', () => {
    expect(new Error('x') instanceof ApiError).toBe(false);
    expect(new Error('x') instanceof StatewireError).toBe(false);
    expect((null as unknown) instanceof ApiError).toBe(false);
    expect(('isApiError' as unknown) instanceof ApiError).toBe(false);
    expect(Object.assign(new Error('x'), { isApiError: 'yes' }) instanceof ApiError).toBe(false);
  });

  it('keeps ordinary semantics for user subclasses', () => {
    class MyErr extends ApiError {}
    expect(new ApiError(500, null) instanceof MyErr).toBe(false);
    expect(new MyErr(500, null) instanceof MyErr).toBe(true);
    expect(new MyErr(500, null) instanceof ApiError).toBe(true);
    expect(new MyErr(500, null) instanceof StatewireError).toBe(true);
  });

  it('narrows the type', () => {
    const caught: unknown = new ApiError(418, 'teapot');
    if (!(caught instanceof ApiError)) throw new Error('expected ApiError');
    const status: number = caught.status;
    expect(status).toBe(418);
  });
});

describe('isStatewireError', () => {
  it('recognises every statewire error and nothing else', () => {
    for (const [error] of Object.values(samples)) expect(isStatewireError(error)).toBe(true);
    expect(isStatewireError(new Error('x'))).toBe(false);
    expect(isStatewireError(undefined)).toBe(false);
    expect(isStatewireError({ isStatewireError: true })).toBe(true);
  });
});

describe('ConfigError', () => {
  it('formats option, reason and value', () => {
    const err = new ConfigError('timeout', -5, 'expected a finite number >= 0');
    expect(err.message).toBe('Invalid option "timeout": expected a finite number >= 0, got -5');
    expect(err.option).toBe('timeout');
    expect(err.value).toBe(-5);
    expect(err.reason).toBe('expected a finite number >= 0');
  });

  it('prefixes the owner and appends the hint', () => {
    const err = new ConfigError('maxSize', 0, 'expected an integer >= 1', { owner: 'ConnectionPool', hint: 'did you mean 1?' });
    expect(err.message).toBe('ConnectionPool: invalid option "maxSize": expected an integer >= 1, got 0 (did you mean 1?)');
    expect(err.owner).toBe('ConnectionPool');
  });

  it('quotes strings and truncates them to 80 characters', () => {
    expect(new ConfigError('mode', 'fast', 'r').message).toMatch(/got "fast"$/);
    const long = 'a'.repeat(200);
    const err = new ConfigError('mode', long, 'r');
    expect(err.message).toContain(`got "${'a'.repeat(80)}"…`);
    expect(err.message).not.toContain('a'.repeat(81));
    expect(err.value).toBe(long);
  });

  it('summarises objects, arrays and functions without their content', () => {
    const obj = { password: 'hunter2' };
    expect(new ConfigError('headers', obj, 'r').message).toMatch(/got \[object\]$/);
    expect(new ConfigError('headers', obj, 'r').message).not.toContain('hunter2');
    expect(new ConfigError('list', ['s3cr3t'], 'r').message).toMatch(/got \[array\]$/);
    expect(new ConfigError('cb', () => 's3cr3t', 'r').message).toMatch(/got \[function\]$/);
    expect(new ConfigError('x', null, 'r').message).toMatch(/got null$/);
    expect(new ConfigError('x', undefined, 'r').message).toMatch(/got undefined$/);
  });

  it('shows the numbers of options that only look secret (tokensPerSecond is a rate), and redacts real ones by word', () => {
    const rate = new ConfigError('rateLimiterOptions.limits.api.tokensPerSecond', 1e9, 'expected a finite number between 0.001 and 1000000', { owner: 'ApiClient' });
    expect(rate.message).toBe(
      'ApiClient: invalid option "rateLimiterOptions.limits.api.tokensPerSecond": expected a finite number between 0.001 and 1000000, got 1000000000',
    );
    expect(rate.value).toBe(1e9);
    for (const option of ['accessToken', 'refresh_token', 'headers.X-API-Key', 'customHeaders.Authorization', 'bearerToken']) {
      expect(new ConfigError(option, 'sk-live-123', 'r').message).not.toContain('sk-live');
    }
    for (const option of ['keepAlive', 'maxTokensPerSecond', 'autoReconnect', 'monkeyPatch']) {
      expect(new ConfigError(option, 42, 'r').message).toMatch(/got 42$/);
    }
    // statewire/redis's sharedKey names a shared record: the user must see what they passed.
    expect(new ConfigError('sharedKey', 'a|b', 'r', { owner: 'RateLimiter' }).message).toMatch(/got "a\|b"$/);
    expect(new ConfigError('http.sharedKey', 'a|b', 'r').value).toBe('a|b');
  });

  it.each(['token', 'apiKey', 'clientSecret', 'password', 'Authorization', 'cookie', 'auth.credentials'])(
    'redacts the value of secret-looking option %s',
    (option) => {
      const err = new ConfigError(option, 'sk-live-123', 'expected a non-empty string', { hint: 'did you mean sk-live?' });
      expect(err.message).toBe(`Invalid option "${option}": expected a non-empty string, got [REDACTED]`);
      expect(err.value).toBe('[REDACTED]');
      expect(JSON.stringify(err)).not.toContain('sk-live');
    },
  );
});

describe('ApiError', () => {
  it('describes status, method and url', () => {
    const err = new ApiError(503, { error: 'busy' }, { url: '/users', method: 'GET', retryAfter: 2000 });
    expect(err.message).toBe('HTTP 503 Service Unavailable for GET /users');
    expect(err).toMatchObject({ status: 503, body: { error: 'busy' }, url: '/users', method: 'GET', retryAfter: 2000 });
  });

  it('falls back to the bare status and omits missing details', () => {
    const err = new ApiError(599, 'x');
    expect(err.message).toBe('HTTP 599');
    expect(err.url).toBeUndefined();
    expect(err.method).toBeUndefined();
    expect(err.retryAfter).toBeUndefined();
    expect(new ApiError(404, null, { url: '/a' }).message).toBe('HTTP 404 Not Found for /a');
  });

  it('keeps query strings out of the message but on the error', () => {
    const err = new ApiError(401, null, { url: 'https://api.test/me?token=abc#frag', method: 'GET' });
    expect(err.message).toBe('HTTP 401 Unauthorized for GET https://api.test/me');
    expect(err.url).toBe('https://api.test/me?token=abc#frag');
  });
});

describe('TimeoutError', () => {
  it('reports url and timeout in ms', () => {
    const err = new TimeoutError('/users', 5000);
    expect(err.message).toBe('Request to /users timed out after 5000 ms');
    expect(err.url).toBe('/users');
    expect(err.timeout).toBe(5000);
    expect(new TimeoutError(undefined, 10).message).toBe('Request timed out after 10 ms');
  });
});

describe('CircuitBreakerError', () => {
  it('gives the next attempt as ISO time', () => {
    const at = Date.parse('2030-01-01T00:00:00Z');
    const err = new CircuitBreakerError('OPEN', at);
    expect(err.message).toBe('Circuit breaker is open (OPEN); next attempt allowed at 2030-01-01T00:00:00.000Z');
    expect(err.state).toBe('OPEN');
    expect(err.nextAttempt).toBe(at);
  });

  it('says when it is isolated', () => {
    const err = new CircuitBreakerError('HALF_OPEN', null);
    expect(err.message).toContain('isolated');
    expect(err.state).toBe('HALF_OPEN');
    expect(err.nextAttempt).toBeNull();
  });

  it('does not throw on an invalid time', () => {
    expect(new CircuitBreakerError('OPEN', Number.NaN).message).toContain('unknown');
  });
});

describe('RateLimitError', () => {
  it('carries retryAfter and category', () => {
    const err = new RateLimitError(1500, 'api');
    expect(err.message).toBe('Rate limit exceeded for "api"; retry after 1500 ms');
    expect(err.retryAfter).toBe(1500);
    expect(err.category).toBe('api');
  });
});

describe('ValidationError', () => {
  it('carries the rule and the message as given', () => {
    const err = new ValidationError('maxLength', 'username must be at most 32 characters');
    expect(err.rule).toBe('maxLength');
    expect(err.message).toBe('username must be at most 32 characters');
  });
});
