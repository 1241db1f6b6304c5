import type { AnyMachineSnapshot } from 'xstate';
import { httpClientMachine, type HttpClientContext } from '../../machines/http.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as HttpClientContext).breakerState]);
// The kit's inputs and events, the breaker's snapshots synthesised (src/testing/traversal/httpClient.ts).
const model = edgeCoveringPaths(httpClientMachine);

// The kit moves the real breaker child to the snapshot each `xstate.snapshot.breaker` step names.
describeEdgeCoverage('http', model, (path) => runPath(httpClientMachine, path, { serialize }));
