import { webSocketMachine } from '../../machines/websocket.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// What a user gets: the kit's inputs and events (src/testing/traversal/webSocket.ts) and, given the
// machine as exported, its stand-ins (the reconnect loop set by the path, a socket and a health poll
// that do nothing).
const model = edgeCoveringPaths(webSocketMachine);

describeEdgeCoverage('websocket', model, (path) => runPath(webSocketMachine, path));
