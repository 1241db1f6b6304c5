/**
 * Issue 9, item 17: the built package (dist/, `npm run build` first) keeps the
 * class names (`ApiError`, not `_ApiError`) and GuruConnection's errors name it.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const node = (args: string[]) => run(process.execPath, args, { cwd: process.cwd(), timeout: 10_000 });

const snippet = (load: string) => `${load}
  const names = ['StatewireError', 'ApiError', 'TimeoutError', 'NetworkError', 'ConfigError', 'CircuitBreakerError', 'RateLimitError',
    'ApiClient', 'HTTPConnection', 'WebSocketConnection', 'GuruConnection', 'SSEConnection', 'CircuitBreaker', 'RateLimiter'].map((n) => s[n].name);
  let guru = '';
  try { new s.GuruConnection({ url: 'ws://127.0.0.1:1', timout: 1 }); } catch (e) { guru = e.message; }
  const stack = new s.ApiError(500, 'x').stack.split('\\n')[0];
  console.log(JSON.stringify({ names, guru, stack }));`;

const expected = {
  names: ['StatewireError', 'ApiError', 'TimeoutError', 'NetworkError', 'ConfigError', 'CircuitBreakerError', 'RateLimitError',
    'ApiClient', 'HTTPConnection', 'WebSocketConnection', 'GuruConnection', 'SSEConnection', 'CircuitBreaker', 'RateLimiter'],
  guru: 'GuruConnection: invalid option "timout": unknown option, got 1 (did you mean "timeout"?)',
  stack: 'ApiError: HTTP 500 Internal Server Error',
};

describe('class names in dist/', () => {
  it('ESM build', async () => {
    const { stdout } = await node(['--input-type=module', '-e', snippet("const s = await import('statewire');")]);
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it('CJS build', async () => {
    const { stdout } = await node(['-e', snippet("const s = require('statewire');")]);
    expect(JSON.parse(stdout)).toEqual(expected);
  });
});
