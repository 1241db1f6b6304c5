/**
 * Mermaid 11 (node_modules/mermaid, the optional peer) parsing and rendering diagrams in
 * Chromium (playwright-core, Debian's /usr/bin/chromium): mermaid's parser needs a DOM
 * (DOMPurify), so it cannot run under plain Node. The page is blank and local; mermaid is
 * loaded from its file, nothing goes over the network.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** What mermaid made of one diagram. */
export interface MermaidResult {
  ok: boolean;
  /** The parse or render error's message. */
  error?: string;
  /** Arrows drawn (`path.transition`, notes' dashed lines excluded). */
  arrows?: number;
  /** Whether some drawn coordinate is NaN (dagre gave up on an edge). */
  nan?: boolean;
  /** The text of every label in the SVG. */
  texts?: string[];
}

export interface MermaidPage {
  check(source: string): Promise<MermaidResult>;
  close(): Promise<void>;
}

type Win = typeof globalThis & { mermaid: { initialize(c: object): void; parse(s: string): Promise<unknown>; render(id: string, s: string): Promise<{ svg: string }> } };

export async function openMermaidPage(): Promise<MermaidPage> {
  const script = join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist/mermaid.min.js');
  if (!existsSync(script)) throw new Error(`no ${script}`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'statewire-mermaid-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ARGS, headless: true });
  const page: Page = context.pages()[0] ?? (await context.newPage());
  await page.setContent('<!doctype html><title>mermaid</title><body><div id="out"></div></body>');
  await page.addScriptTag({ path: script });
  await page.evaluate(() => (window as unknown as Win).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  let n = 0;
  return {
    async check(source) {
      n += 1;
      return page.evaluate(
        async ([src, id]) => {
          const { mermaid } = window as unknown as Win;
          try {
            await mermaid.parse(src);
            const { svg } = await mermaid.render(id, src);
            const out = document.getElementById('out')!;
            out.innerHTML = svg;
            const arrows = out.querySelectorAll('path.transition:not(.note-edge)').length;
            const nan = /NaN/.test(svg);
            const texts = Array.from(out.querySelectorAll('.edgeLabel, .nodeLabel, .cluster-label, text')).map((e) => (e.textContent ?? '').trim()).filter((t) => t !== '');
            return { ok: true, arrows, nan, texts };
          } catch (error) {
            return { ok: false, error: String((error as Error)?.message ?? error) };
          }
        },
        [source, `d${n}`] as const,
      );
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
