import { describe, expect, it } from 'vitest';
import { formatCoverage, type CoveringPath, type CoveringPaths } from '../../src/testing/index.js';

/**
 * The project's vitest glue for the kit (statewire/testing): the suite every machine gets: one test that reports state and transition
 * coverage and fails below 100 %, and one test per generated path that replays
 * it on a real actor.
 */
export function describeEdgeCoverage<TInput>(
  name: string,
  model: CoveringPaths<TInput>,
  replay: (path: CoveringPath<TInput>) => Promise<void>,
  label: (path: CoveringPath<TInput>) => string = () => '',
): void {
  describe(`${name} (model-based, edge coverage)`, () => {
    it('covers every state and every transition', () => {
      const { states, transitions } = model.report;
      console.log(`${formatCoverage(name, model.report)}; ${model.paths.length} paths`);
      expect(states.missing).toEqual([]);
      expect(transitions.missing).toEqual([]);
      expect(transitions.covered).toBe(transitions.total);
    });

    it.each(
      model.paths.map((p, i) => [i + 1, label(p) + p.steps.map((s) => s.event.type).join(' → '), p] as const),
    )('path %i: %s', async (_i, _label, path) => {
      await replay(path);
    });
  });
}
