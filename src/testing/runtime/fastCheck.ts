/**
 * The parts of `fast-check` the runtime model tests use, passed in by the caller
 * (`import fc from 'fast-check'` or `import * as fc from 'fast-check'`):
 * fast-check is an optional peer, so `statewire/testing` never imports it itself
 * (its servers work without it) and the property runs on the caller's own copy.
 */
export type FastCheck = Pick<
  typeof import('fast-check'),
  'asyncProperty' | 'asyncModelRun' | 'commands' | 'constant' | 'constantFrom' | 'integer' | 'record' | 'array'
>;
