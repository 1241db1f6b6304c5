/**
 * Setup file of the `as-children` vitest project: every client whose machine
 * would start as its own root actor starts instead as the named child of a
 * parent actor (one parent per client, on the client's clock, so fake clocks
 * keep working), through the same `MachineHost.adopt` a manager uses. The
 * integration suites then run unchanged against clients that are children.
 * A client restored from a persisted snapshot stays a root (a child always
 * starts afresh).
 */
import { MachineHost } from '../../src/runtime/MachineHost.js';
import { startParentActor } from './parentActor.js';

type HostInternals = { options: { clock: never; snapshot?: unknown }; startRoot(): unknown; adopt(parent: unknown, name: string): unknown };
const proto = MachineHost.prototype as unknown as HostInternals;
const startRoot = proto.startRoot;
let children = 0;

proto.startRoot = function (this: HostInternals) {
  if (this.options.snapshot !== undefined) return startRoot.call(this);
  const parent = startParentActor({ clock: this.options.clock });
  return this.adopt(parent, `child-${++children}`);
};
