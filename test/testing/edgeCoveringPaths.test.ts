/**
 * edgeCoveringPaths: with the kit's defaults every exported machine's paths
 * take every transition; `after` steps carry the clock advance; a report names
 * what a poorer event set leaves out; runPath replays paths on real actors.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import * as machines from '../../machines/index.js';
import { edgeCoveringPaths, runPath, traversalOptions } from '../../src/testing/index.js';

const exported = Object.entries(machines).filter((entry): entry is [string, AnyStateMachine] => {
  const v = entry[1] as unknown;
  return typeof v === 'object' && v !== null && 'root' in v && 'transition' in v;
});

describe('edgeCoveringPaths', () => {
  it.each(exported)('%s: the defaults take every transition and reach every state, in finitely many paths', (name, machine) => {
    const { paths, report } = edgeCoveringPaths(machine);
    expect(report.transitions.missing).toEqual([]);
    expect(report.states.missing).toEqual([]);
    expect(report.transitions.covered).toBe(report.transitions.total);
    // At most one path per transition: each path is added for a transition no earlier one took.
    expect(paths.length).toBeLessThanOrEqual(report.transitions.total);
    expect(paths.length).toBeGreaterThan(0);
    console.log(`${name}: ${report.transitions.covered}/${report.transitions.total} transitions, ${paths.length} paths`);
  });

  it.each(exported)('%s: every default path replays with runPath on the machine as it is exported (stand-ins for its invoked actors)', async (_name, machine) => {
    const { paths } = edgeCoveringPaths(machine);
    const failures: string[] = [];
    for (const [i, path] of paths.entries()) await runPath(machine, path).catch((e: Error) => failures.push(`path ${i}: ${e.message}`));
    expect(failures).toEqual([]);
  });

  it('turns an `after` step into a clock advance of its delay', () => {
    const { paths } = edgeCoveringPaths(machines.circuitBreakerMachine);
    const after = paths.flatMap((p) => p.steps).filter((s) => s.event.type.startsWith('xstate.after.'));
    expect(after.length).toBeGreaterThan(0);
    // The kit's input: timeout 1000 ms.
    for (const step of after) expect(step.advance).toBe(1_000);
    expect(paths.flatMap((p) => p.steps).filter((s) => !s.event.type.startsWith('xstate.after.') && s.advance !== undefined)).toEqual([]);
  });

  it('names the transitions a poorer event set leaves out', () => {
    const { report } = edgeCoveringPaths(machines.circuitBreakerMachine, {
      inputs: traversalOptions(machines.circuitBreakerMachine).inputs,
      events: (s) => [{ type: 'FAILURE', at: 1, failures: (s.context as { threshold: number }).threshold, calls: 99 }, { type: 'RESET', at: 2 }],
    });
    expect(report.states).toEqual({ covered: 3, total: 3, missing: [] });
    expect(report.transitions.covered).toBe(5);
    expect(report.transitions.missing).toEqual([
      'circuitBreaker --CONFIGURE#0',
      'circuitBreaker.CLOSED --FAILURE#1',
      'circuitBreaker.CLOSED --ISOLATE#0',
      'circuitBreaker.OPEN --RESUME#0',
      'circuitBreaker.OPEN --ISOLATE#0',
      'circuitBreaker.HALF_OPEN --RESUME#0',
      'circuitBreaker.HALF_OPEN --PROBE#0',
      'circuitBreaker.HALF_OPEN --PROBE_RELEASED#0',
      'circuitBreaker.HALF_OPEN --PROBE_SUCCESS#0',
      'circuitBreaker.HALF_OPEN --PROBE_FAILURE#0',
      'circuitBreaker.HALF_OPEN --ISOLATE#0',
    ]);
  });

  it('takes any machine given events; an eventless transition counts where the start takes it', () => {
    const door = createMachine({
      id: 'door',
      initial: 'checking',
      states: {
        checking: { always: { target: 'closed' } },
        closed: { on: { OPEN: 'open' } },
        open: { after: { 500: 'closed' }, on: { SLAM: 'closed' } },
      },
    });
    const { paths, report } = edgeCoveringPaths(door, { events: () => [{ type: 'OPEN' }] });
    expect(report.transitions.missing).toEqual(['door.open --SLAM#0']);
    expect(report.transitions.covered).toBe(3);
    expect(paths.map((p) => p.steps.map((s) => [s.event.type, s.advance]))).toEqual([[['OPEN', undefined]], [['OPEN', undefined], ['xstate.after.500.door.open', 500]]]);
    expect(() => edgeCoveringPaths(door)).toThrow(/machine 'door' is not a statewire machine/);
  });

  it('runPath replays every path on a real actor, advancing a simulated clock for `after` steps', async () => {
    const { paths } = edgeCoveringPaths(machines.circuitBreakerMachine);
    const serialize = traversalOptions(machines.circuitBreakerMachine).serializeState;
    for (const path of paths) await runPath(machines.circuitBreakerMachine, path, { serialize });
  });

  it('runPath fails a path the actor does not follow, naming the step', async () => {
    const { paths } = edgeCoveringPaths(machines.circuitBreakerMachine);
    const path = paths.find((p) => p.steps.some((s) => s.event.type === 'PROBE_SUCCESS'))!;
    // A breaker that needs more failures than the model's input: its first FAILURE does not trip it.
    const wrong = { ...path, input: { ...(path.input as object), threshold: 50 } };
    await expect(runPath(machines.circuitBreakerMachine, wrong)).rejects.toThrow(/step 1\/\d+ \(FAILURE\): actor is at "CLOSED", model says "OPEN"/);
  });
});
