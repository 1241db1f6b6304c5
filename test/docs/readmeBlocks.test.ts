/**
 * Every ```ts block of README.md compiles under `strict` against the package's
 * own types: each block is a module of its own, `import … from 'statewire'`
 * resolves to src/index.ts. A block that needs a value it does not define (a
 * server, a token) declares it, so what the reader copies is what was checked.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = process.cwd();

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function tsBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const fence = /^```(\w*)\s*$/;
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) break;
    if (open[1] === 'ts' || open[1] === 'typescript') blocks.push({ line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Compiles the blocks as modules `README.md.<line>.ts`; one diagnostic string per error, with its README line. */
function compile(blocks: Array<{ line: number; code: string }>): string[] {
  const files = new Map(blocks.map((b) => [join(root, `README.md.${b.line}.ts`), b]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    moduleDetection: ts.ModuleDetectionKind.Force,
    paths: { statewire: [resolve(root, 'src/index.ts')], 'statewire/machines': [resolve(root, 'machines/index.ts')], 'statewire/redis': [resolve(root, 'src/redis/index.ts')], 'statewire/testing': [resolve(root, 'src/testing/index.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const block = files.get(resolve(name));
    return block ? ts.createSourceFile(name, block.code, version) : getSourceFile(name, version, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const diagnostics = [...files.keys()].flatMap((name) => {
    const file = program.getSourceFile(name)!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  });
  return [...program.getOptionsDiagnostics(), ...diagnostics].map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const block = d.file ? files.get(resolve(d.file.fileName)) : undefined;
    const line = block && where ? `README.md:${block.line + where.line}` : (d.file?.fileName ?? '?');
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README.md code blocks', () => {
  const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

  it('has ts blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it('every ts block type-checks under strict against the package types', () => {
    expect(compile(blocks)).toEqual([]);
  }, 60_000);
});
