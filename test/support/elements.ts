import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The element bundles a page can load: `src/bundles/<name>.ts` of @kairos/elements, built from source. */
export type ElementBundle = 'learner' | 'dashboard';

const built = new Map<ElementBundle, Promise<string>>();

/** Bundles `packages/elements/src/bundles/<name>.ts` (Lit and the SDK inlined), once per test process. */
export function bundleOf(name: ElementBundle): Promise<string> {
  let b = built.get(name);
  if (!b) {
    b = build({
      entryPoints: [`${root}/packages/elements/src/bundles/${name}.ts`],
      bundle: true,
      format: 'esm',
      target: 'es2020',
      write: false,
      sourcemap: 'inline',
      alias: { '@kairos/xapi': `${root}/packages/xapi/src/profile.ts` },
      tsconfig: `${root}/tsconfig.base.json`,
      logLevel: 'error',
    }).then((r) => r.outputFiles[0]!.text);
    built.set(name, b);
  }
  return b;
}

/** A Chromium page on a small local server that serves test pages and the element bundles. */
export interface ElementsPage {
  browser: Browser;
  page: Page;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Opens `body` (HTML) in a page that loads `bundles` first; `lang` sets `<html lang>`. */
  open(
    body: string,
    options?: { bundles?: ElementBundle[]; lang?: string; width?: number; head?: string },
  ): Promise<void>;
  /** axe-core's violations on the current page (an accessible page has none). */
  axe(selector?: string): Promise<{ id: string; impact: string; nodes: string[] }[]>;
  close(): Promise<void>;
}

/**
 * Starts Chromium and a server for element tests. `routes` answers extra paths (fixtures standing in for the
 * API: `'/api/v1/courses/x/stuck-points': { … }`), or tests route requests with `page.route`.
 */
export async function elementsPage(routes: Record<string, unknown> = {}): Promise<ElementsPage> {
  let html = '';
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const bundle = /^\/bundles\/(learner|dashboard)\.js$/.exec(path)?.[1] as ElementBundle | undefined;
    if (bundle) {
      res.setHeader('content-type', 'text/javascript');
      res.end(await bundleOf(bundle));
    } else if (path in routes) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(routes[path]));
    } else if (path === '/') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(html);
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const page = await browser.newPage();
  return {
    browser,
    page,
    url,
    async open(body, o = {}) {
      const scripts = (o.bundles ?? [])
        .map((b) => `<script type="module" src="/bundles/${b}.js"></script>`)
        .join('');
      html = `<!doctype html><html lang="${o.lang ?? 'en'}"><head><meta charset="utf-8"><title>Kairos elements</title>
<meta name="viewport" content="width=device-width,initial-scale=1">${o.head ?? ''}${scripts}</head><body>${body}</body></html>`;
      if (o.width) await page.setViewportSize({ width: o.width, height: 800 });
      await page.goto(`${url}/`);
      await page.waitForFunction(() => document.readyState === 'complete');
    },
    async axe(selector) {
      await page.addScriptTag({ content: axeSource });
      return page.evaluate(async (sel) => {
        const axe = (
          globalThis as unknown as {
            axe: {
              run(
                c?: unknown,
              ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
            };
          }
        ).axe;
        const r = await axe.run(sel ? { include: [sel] } : undefined);
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          nodes: v.nodes.map((n) => n.target.join(' ')),
        }));
      }, selector);
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
