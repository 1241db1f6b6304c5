import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('examples/demo.ts', () => {
  it('rides out the flaky server, shows the breaker cycle and exits on its own', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { timeout: 20_000 });
    expect(stdout).toMatch(/retrying in \d+ ms/);
    const transitions = [...stdout.matchAll(/breaker (\w+) → (\w+)/g)].map((m) => `${m[1]}→${m[2]}`);
    expect(transitions[0]).toBe('CLOSED→OPEN');
    expect(transitions).toContain('OPEN→HALF_OPEN');
    expect(transitions[transitions.length - 1]).toBe('HALF_OPEN→CLOSED');
    expect(stdout).toMatch(/rejected by the open breaker without touching the network/);
  });
});
