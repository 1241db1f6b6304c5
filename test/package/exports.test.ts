import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Runs a snippet in a fresh Node process that resolves `statewire` through the package's own exports map (dist/). */
const node = (args: string[]) => run(process.execPath, args, { cwd: process.cwd(), timeout: 10_000 });

describe('package exports (dist/)', () => {
  it('require() loads statewire and statewire/machines from the CJS build', async () => {
    const { stdout } = await node([
      '-e',
      `const m = require('statewire/machines'); const s = require('statewire');
       const b = new s.CircuitBreaker();
       console.log(typeof m.circuitBreakerMachine.transition, b.actor.logic === m.circuitBreakerMachine, new s.ApiError(503, null) instanceof s.ApiError);
       b.dispose();`,
    ]);
    expect(stdout.trim()).toBe('function true true');
  });

  it('import() loads statewire and statewire/machines from the ESM build', async () => {
    const { stdout } = await node([
      '--input-type=module',
      '-e',
      `const m = await import('statewire/machines'); const s = await import('statewire');
       const b = new s.CircuitBreaker();
       console.log(typeof m.backoffMachine.transition, b.actor.logic === m.circuitBreakerMachine, Object.keys(m).sort().join(','));
       b.dispose();`,
    ]);
    expect(stdout.trim()).toBe(
      'function true adoptChild,adoptChildren,backoffDelay,backoffMachine,baseDelay,circuitBreakerMachine,defaultBackoffPolicy,defaultRateLimits,endpointMachine,httpClientMachine,managerMachine,nextRandom,poolMachine,poolSlotMachine,rateLimiterMachine,reconnectLoop,releaseChild,sharedStateMachine,sseMachine,sseStatusOf,statusOf,webSocketMachine',
    );
  });

  it('statewire/redis loads on its own; statewire loads neither it nor the redis client', async () => {
    const { stdout } = await node([
      '-e',
      `require('statewire'); require('statewire/machines');
       const loaded = () => Object.keys(require.cache).filter((k) => /dist[\\/]redis[\\/]|node_modules[\\/](redis|@redis)[\\/]/.test(k));
       const before = loaded().length;
       const r = require('statewire/redis');
       console.log(before, typeof r.redisState, loaded().some((k) => /dist[\\/]redis/.test(k)));`,
    ]);
    expect(stdout.trim()).toBe('0 function true');
  });

  it('an ApiError thrown by the CJS build is instanceof the ESM class', async () => {
    const { stdout } = await node([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const cjs = createRequire(process.cwd() + '/')('statewire'); const esm = await import('statewire');
       console.log(new cjs.ApiError(500, 'x') instanceof esm.ApiError, new esm.TimeoutError('/x', 5) instanceof cjs.ApiError);`,
    ]);
    expect(stdout.trim()).toBe('true false');
  });
});
