/**
 * fast-check is an optional peer of statewire/testing: no module of the kit
 * imports it at run time (only types), so the servers load without it and the
 * runtime model tests use the caller's own copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('statewire/testing and fast-check', () => {
  it('imports fast-check only as types', () => {
    const files = sources('src/testing');
    expect(files.length).toBeGreaterThan(5);
    const runtimeImports = files.filter((f) => /^import(?!\s+type)[^;]*from 'fast-check'/m.test(readFileSync(f, 'utf8')) || /import\('fast-check'\)(?!\s*[,>'|])/.test(readFileSync(f, 'utf8').replace(/typeof import\('fast-check'\)/g, '')));
    expect(runtimeImports).toEqual([]);
  });
});
