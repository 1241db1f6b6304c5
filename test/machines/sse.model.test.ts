import { sseMachine } from '../../machines/sse.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// What a user gets: the kit's inputs and events (src/testing/traversal/sse.ts) and, given the machine
// as exported, its stand-ins (the reconnect loop set by the path, a stream that does nothing).
const model = edgeCoveringPaths(sseMachine);

describeEdgeCoverage('sse', model, (path) => runPath(sseMachine, path));
