/**
 * Where mermaid's browser build is, when the user has mermaid installed (an
 * optional peer): the inspector serves that file to its page, so diagrams need
 * no network and the core package carries no diagram renderer.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** The file inside the mermaid package that the page loads. */
export const MERMAID_FILE = 'mermaid/dist/mermaid.min.js';

/**
 * The path of `mermaid/dist/mermaid.min.js`, resolved from statewire's own
 * place in node_modules, then from the working directory; undefined when
 * mermaid is not installed or `option` is `false`. A string `option` is a path
 * to use instead (it must exist).
 *
 * @example
 * ```ts
 * const file = findMermaid(undefined); // '/app/node_modules/mermaid/dist/mermaid.min.js' or undefined
 * ```
 */
export function findMermaid(option: string | false | undefined): string | undefined {
  if (option === false) return undefined;
  if (option !== undefined) {
    if (typeof option !== 'string' || !existsSync(option)) throw new ConfigError('mermaid', option, 'expected false or the path of an existing mermaid.min.js', { owner: 'startInspector' });
    return option;
  }
  for (const base of bases()) {
    try {
      return createRequire(base).resolve(MERMAID_FILE);
    } catch {
      // Not installed where this base looks: try the next.
    }
  }
  return undefined;
}

function bases(): string[] {
  const found: string[] = [];
  // CJS build: __filename; ESM build: import.meta.url (which the CJS build replaces with {}; inside try, esbuild does not warn).
  if (typeof __filename === 'string') found.push(__filename);
  else {
    try {
      const url: unknown = import.meta.url;
      if (typeof url === 'string') found.push(url);
    } catch {
      // No module URL in this runtime.
    }
  }
  found.push(join(process.cwd(), 'package.json'));
  return found;
}
