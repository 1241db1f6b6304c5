import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { inspectCustom, inspectSummary } from '../../src/security/inspectSummary.js';

describe('inspectSummary', () => {
  it('is what util.inspect prints for an object with the hook, undefined fields left out', () => {
    const thing = { secret: 'sk-live-123', [inspectCustom]: () => inspectSummary('Thing', { url: 'http://h/', n: 2, on: true, gone: undefined }) };
    expect(inspect(thing)).toBe('Thing { url: "http://h/", n: 2, on: true }');
    expect(inspect(thing)).not.toContain('sk-live');
  });
});
