import { ConfigError } from '../../errors.js';
import { allStates, type MachineDiagram } from './describeMachine.js';

/** Options shared by `toMermaid` and `toDot`. */
export interface DiagramOptions {
  /**
   * State node ids to highlight (the `active` class), as XState names them:
   * `snapshot._nodes.map((n) => n.id)` or `machine.getStateNodeById(id).id`.
   * An id the machine does not have is refused with a `ConfigError`.
   * @default [] (nothing highlighted)
   */
  active?: readonly string[];
}

/** The set of highlighted state node ids, each checked against the diagram. */
export function activeIds(diagram: MachineDiagram, options: DiagramOptions | undefined): Set<string> {
  const active = options?.active ?? [];
  if (!Array.isArray(active)) throw new ConfigError('active', active, 'must be an array of state node ids');
  const known = new Set(allStates(diagram.root).map((s) => s.id));
  for (const id of active) {
    if (typeof id !== 'string' || !known.has(id)) {
      throw new ConfigError('active', id, `must be a state node id of machine "${diagram.id}"`, {
        hint: `e.g. ${[...known].slice(1, 4).map((k) => `"${k}"`).join(', ')}`,
      });
    }
  }
  return new Set(active);
}
