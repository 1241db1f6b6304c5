/**
 * traversalOptions for every state machine `statewire/machines` exports: the
 * traversals of `xstate/graph` finish (within 5 s) and reach every state. A
 * machine added to machines/index.ts without traversal options fails here.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import * as machines from '../../machines/index.js';
import { stateIdsOf, traversalOptions } from '../../src/testing/index.js';

const isMachine = (value: unknown): value is AnyStateMachine =>
  typeof value === 'object' && value !== null && 'root' in value && 'getInitialSnapshot' in value && 'transition' in value;
const exported = Object.entries(machines).filter((entry): entry is [string, AnyStateMachine] => isMachine(entry[1]));

/** States left by an unguarded `always` at once: never at rest, so never a path's end. */
function transientStates(machine: AnyStateMachine): string[] {
  return stateIdsOf(machine).filter((id) => machine.getStateNodeById(id).always?.some((t) => !t.guard) === true);
}

type Traversal = typeof getShortestPaths;

function reached(machine: AnyStateMachine, traverse: Traversal): { states: Set<string>; paths: number; ms: number } {
  const options = traversalOptions(machine);
  const states = new Set<string>();
  const start = performance.now();
  let paths = 0;
  for (const input of options.inputs) {
    for (const path of traverse(machine, { ...options, input } as never)) {
      paths++;
      for (const node of (path.state as { _nodes: Array<{ id: string }> })._nodes) states.add(node.id);
    }
  }
  return { states, paths, ms: performance.now() - start };
}

describe('traversalOptions', () => {
  it('covers every state machine statewire/machines exports', () => {
    expect(exported.map(([name]) => name).sort()).toEqual([
      'backoffMachine',
      'circuitBreakerMachine',
      'endpointMachine',
      'httpClientMachine',
      'managerMachine',
      'poolMachine',
      'poolSlotMachine',
      'rateLimiterMachine',
      'reconnectLoop',
      'sharedStateMachine',
      'sseMachine',
      'webSocketMachine',
    ]);
  });

  describe.each(exported)('%s', (name, machine) => {
    const atRest = stateIdsOf(machine).filter((id) => !transientStates(machine).includes(id));

    it.each([
      ['getShortestPaths', getShortestPaths],
      ['getSimplePaths', getSimplePaths as Traversal],
    ])('%s finishes within 5 s and reaches every state', (traversal, traverse) => {
      const { states, paths, ms } = reached(machine, traverse);
      console.log(`${name} ${traversal}: ${atRest.filter((id) => states.has(id)).length}/${atRest.length} states, ${paths} paths, ${ms.toFixed(0)} ms`);
      expect(atRest.filter((id) => !states.has(id))).toEqual([]);
      expect(ms).toBeLessThan(5_000);
    });

    it('works for a machine.provide(…) of it, as clients run it', () => {
      const provided = machine.provide({});
      const options = traversalOptions(provided);
      expect(getShortestPaths(provided, { ...options } as never).length).toBe(getShortestPaths(machine, traversalOptions(machine) as never).length);
    });
  });

  it('names only the reconnect loop’s `down` as transient (it is left at once by its `always`)', () => {
    expect(exported.flatMap(([, m]) => transientStates(m))).toEqual(['reconnectLoop.down']);
  });

  it('needs more than one input only where the input fixes a branch', () => {
    const several = exported.filter(([, m]) => traversalOptions(m).inputs.length > 1).map(([name]) => name);
    expect(several.sort()).toEqual(['backoffMachine', 'managerMachine', 'reconnectLoop']);
  });

  it('refuses a machine it does not know, naming it', () => {
    expect(() => traversalOptions(createMachine({ id: 'checkout', initial: 'cart', states: { cart: {} } }))).toThrow(/machine 'checkout'/);
  });

  it('takes the app’s own input, keeping the kit’s events and serialization', () => {
    const options = traversalOptions(machines.circuitBreakerMachine, { input: { threshold: 1, volumeThreshold: 1 } });
    expect(options.inputs).toEqual([{ threshold: 1, volumeThreshold: 1 }]);
    // Typed for the machine: no cast needed.
    const values = getShortestPaths(machines.circuitBreakerMachine, options).map((p) => p.state.value);
    expect(new Set(values)).toEqual(new Set(['CLOSED', 'OPEN', 'HALF_OPEN']));
  });

  it('offers `after` transitions as their xstate.after events, and only events the state handles', () => {
    const options = traversalOptions(machines.circuitBreakerMachine);
    const open = getShortestPaths(machines.circuitBreakerMachine, options).find((p) => p.state.value === 'OPEN')!.state;
    expect(options.events(open).map((e) => e.type)).toEqual(['RESET', 'ISOLATE', 'RESUME', 'CONFIGURE', 'xstate.after.retryIn.circuitBreaker.OPEN']);
  });
});
