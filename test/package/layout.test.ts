/**
 * The layout of ARCHITECTURE.md, held by the imports: `machines/` imports
 * nothing from `src/`; a protocol folder (http, websocket, sse) never reaches
 * into another; the pieces every client stands on (runtime, config, security,
 * metrics, breaker, rateLimiter, retry) never reach into a protocol folder; and
 * config stands below security.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** `from` → imported repo-relative paths, for every relative import of every file under `dir`. */
function imports(dir: string): Array<{ from: string; to: string }> {
  return sources(join(root, dir)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
      from: relative(root, file),
      to: relative(root, resolve(dirname(file), m[1]!)),
    })),
  );
}

/** The top folder of `src/` a path lies in (`src/http/x.ts` → `http`), or its first segment outside `src/`. */
const folder = (path: string): string => (path.startsWith('src/') ? (path.split('/')[2] === undefined ? 'src' : path.split('/')[1]!) : path.split('/')[0]!);
const protocols = ['http', 'websocket', 'sse'];
const pieces = ['runtime', 'config', 'security', 'metrics', 'breaker', 'rateLimiter', 'retry'];
/** Folders of the parents of connections (ARCHITECTURE.md: manager/, endpoint/, pool/): they may import every protocol. */
const parents = ['endpoint', 'manager', 'pool'];
/** Entry folders above the core: they may import it, the core never imports them. */
const entries = ['redis', 'testing', 'inspect', 'cli'];

describe('layout (ARCHITECTURE.md)', () => {
  const all = imports('src');

  it('machines/ import nothing from src/', () => {
    expect(imports('machines').filter((i) => i.to.startsWith('src/'))).toEqual([]);
  });

  it('a protocol folder never imports from another one', () => {
    const crossing = all.filter((i) => protocols.includes(folder(i.from)) && protocols.includes(folder(i.to)) && folder(i.from) !== folder(i.to));
    expect(crossing).toEqual([]);
  });

  it('the pieces every client stands on never import a protocol folder', () => {
    expect(all.filter((i) => pieces.includes(folder(i.from)) && protocols.includes(folder(i.to)))).toEqual([]);
  });

  it('config stands below security', () => {
    expect(all.filter((i) => folder(i.from) === 'config' && folder(i.to) === 'security')).toEqual([]);
  });

  it('the core never imports statewire/redis (src/redis/) nor the redis client: an app that does not import it bundles none of it', () => {
    expect(all.filter((i) => folder(i.from) !== 'redis' && folder(i.to) === 'redis')).toEqual([]);
    expect(imports('machines').filter((i) => i.to.startsWith('src/'))).toEqual([]);
    const outside = sources(join(root, 'src')).filter((f) => folder(relative(root, f)) !== 'redis');
    const reachingRedis = outside.filter((f) => /(?:from|import)\s*\(?\s*'(?:redis|@redis\/[^']*)'/.test(readFileSync(f, 'utf8')));
    expect(reachingRedis.map((f) => relative(root, f))).toEqual([]);
  });

  it('the core never imports statewire/testing, statewire/inspect or the command (src/testing/, src/inspect/, src/cli/)', () => {
    const above = ['testing', 'inspect', 'cli'];
    expect(all.filter((i) => !above.includes(folder(i.from)) && above.includes(folder(i.to)))).toEqual([]);
  });

  it('every file of src/ lies in a folder of the layout (only errors.ts and index.ts at the top)', () => {
    const top = sources(join(root, 'src')).map((f) => relative(root, f)).filter((f) => f.split('/').length === 2);
    expect(top.sort()).toEqual(['src/errors.ts', 'src/index.ts']);
    const folders = new Set(sources(join(root, 'src')).map((f) => folder(relative(root, f))));
    expect([...folders].filter((f) => f !== 'src' && !protocols.includes(f) && !pieces.includes(f) && !parents.includes(f) && !entries.includes(f))).toEqual([]);
  });
});
