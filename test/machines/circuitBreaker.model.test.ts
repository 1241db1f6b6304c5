import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerContext } from '../../machines/circuitBreaker.js';
import { getCoveringPaths } from '../model/coveringPaths.js';
import { runPath } from '../model/runPath.js';

const AT = 1_000;
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as CircuitBreakerContext;
  return JSON.stringify([s.value, c.probes, c.isolated]);
};
const model = getCoveringPaths(circuitBreakerMachine, {
  inputs: [{ threshold: 2, volumeThreshold: 3, timeout: 1_000, halfOpenMaxCalls: 2 }],
  serialize,
  events: (s) => {
    const c = s.context as CircuitBreakerContext;
    return [
      { type: 'FAILURE', at: AT, failures: c.threshold, calls: c.volumeThreshold },
      { type: 'FAILURE', at: AT, failures: c.threshold, calls: c.volumeThreshold - 1 },
      { type: 'FAILURE', at: AT, failures: 1, calls: c.volumeThreshold },
      { type: 'PROBE' },
      { type: 'PROBE_RELEASED' },
      { type: 'PROBE_SUCCESS', at: AT },
      { type: 'PROBE_FAILURE', at: AT },
      { type: 'RESET', at: AT },
      { type: 'ISOLATE', at: AT },
      { type: 'RESUME', at: AT + 400 },
      { type: 'CONFIGURE', timeout: 1_000 },
    ];
  },
});

describe('circuitBreakerMachine (model-based, edge coverage)', () => {
  it('covers every state and every transition', () => {
    const { states, transitions } = model.report;
    console.log(
      `circuitBreaker: states ${states.covered}/${states.total}, transitions ${transitions.covered}/${transitions.total}, ${model.paths.length} paths`,
    );
    expect(states.missing).toEqual([]);
    expect(transitions.missing).toEqual([]);
    expect(transitions.covered).toBe(transitions.total);
  });

  it.each(model.paths.map((p, i) => [i + 1, p.steps.map((s) => s.event.type).join(' → '), p] as const))(
    'path %i: %s',
    async (_i, _label, path) => {
      await runPath(circuitBreakerMachine, path, { serialize });
    },
  );
});
