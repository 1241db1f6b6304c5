/**
 * The package bundles for the browser with no configuration (esbuild and Vite),
 * never reaching a Node-only module, and an app pays only for what it imports.
 * Needs dist/ (`npm run build`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build as viteBuild } from 'vite';
import { appDir, bundleForBrowser, gzipSize, type AppDir } from '../helpers/browserBundle.js';

const apps = {
  'api.js': "import { ApiClient } from 'statewire';\nglobalThis.client = new ApiClient({ baseURL: 'http://127.0.0.1:1' });\n",
  'ws.js': "import { WebSocketConnection } from 'statewire';\nglobalThis.conn = new WebSocketConnection({ url: 'ws://127.0.0.1:1' });\n",
  'sse.js': "import { SSEConnection } from 'statewire';\nglobalThis.conn = new SSEConnection({ url: 'http://127.0.0.1:1/events' });\n",
  'all.js': "import * as statewire from 'statewire';\nimport * as machines from 'statewire/machines';\nglobalThis.s = [statewire, machines];\n",
  'index.html': '<!doctype html><script type="module" src="./all.js"></script>\n',
};
const NODE_ONLY = /(^|\/)node_modules\/(undici|ws)\/|^node:|\/UndiciTransport\.js$|\/DeadlineSignals\.js$/;

describe('browser bundles (dist/)', () => {
  const app: AppDir = appDir(apps);
  afterAll(() => app.remove());

  it.each(['api.js', 'ws.js', 'sse.js', 'all.js'])('esbuild --bundle --platform=browser over %s succeeds without Node-only modules', async (entry) => {
    const { inputs } = await bundleForBrowser(app, entry, { minify: false });
    expect(inputs.filter((p) => NODE_ONLY.test(p))).toEqual([]);
    expect(inputs.some((p) => p.includes('dist/browser/src/'))).toBe(true);
  });

  it("the Node build itself (dist/index.js by path, where no export condition applies) bundles for a browser: the package's browser field leaves undici, ws and Node's modules out", async () => {
    const { build } = await import('esbuild');
    const result = await build({
      stdin: { contents: "import * as s from './dist/index.js'; globalThis.s = s;", resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.metafile.inputs).filter((p) => /(^|\/)node_modules\/(undici|ws)\//.test(p))).toEqual([]);
  });

  it('vite build over an app importing everything succeeds without externalizing Node modules', async () => {
    const warnings: string[] = [];
    const warn = (message: string) => void warnings.push(message);
    const customLogger = { info() {}, warn, warnOnce: warn, error: warn, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false };
    const output = await viteBuild({ root: app.dir, customLogger, configFile: false, build: { write: false } });
    expect(warnings.filter((w) => /externalized for browser compatibility/.test(w))).toEqual([]);
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : []));
    const code = chunks.map((c) => ('code' in c ? c.code : '')).join('\n');
    expect(code.includes('circuit_breaker_opened')).toBe(true);
    expect(/from ?["'](node:|undici|ws["'])/.test(code)).toBe(false);
  });
});
