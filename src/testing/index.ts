/**
 * `statewire/testing`: model-based testing for apps that use statewire.
 * Traversal options for `xstate/graph`, edge-covering paths, a transition
 * coverage observer, and fault-injecting servers on 127.0.0.1.
 *
 * @module
 */
// fault-injecting servers
export * from './servers/index.js';
// runtime model tests
export * from './runtime/index.js';
