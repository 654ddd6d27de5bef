import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, Response } from 'express';
import { HttpError } from '../errors.js';

/**
 * Where a built browser bundle lives, or `undefined` while its package is not built. Looked up again on
 * each request until found, so a package built after the server started is served without a restart.
 */
function bundleLocator(specifier: string): () => string | undefined {
  let found: string | undefined;
  return () => {
    if (found) return found;
    try {
      const path = fileURLToPath(import.meta.resolve(specifier));
      if (existsSync(path)) found = path;
    } catch {}
    return found;
  };
}

function send(res: Response, path: string | undefined, what: string): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (!path || !existsSync(path))
    throw new HttpError(503, 'bundle_missing', `${what} is not built; run \`npm run build\``);
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.sendFile(path);
}

/**
 * The files of `@kairos/elements` served under `/elements/`: the two script-tag bundles (ES modules with
 * Lit and the SDK inlined), their source maps and the custom-elements manifest. The per-element modules
 * import `lit` by name, so they are for bundlers (npm), not for `/elements/`.
 */
export const ELEMENT_FILES = [
  'kairos-learner.js',
  'kairos-learner.js.map',
  'kairos-dashboard.js',
  'kairos-dashboard.js.map',
  'custom-elements.json',
] as const;

/**
 * Serves the browser bundles: the SDK's script-tag bundle at `/sdk/kairos.js` (and its source map), and
 * the Lit elements at `/elements/kairos-learner.js`, `/elements/kairos-dashboard.js` and
 * `/elements/custom-elements.json` — any origin may load them (a developer's site, an LMS page).
 */
export function assetsFeature(app: Express): void {
  const sdk = bundleLocator('@kairos/sdk/kairos.iife.js');
  app.get('/sdk/kairos.js', (_req, res) => send(res, sdk(), '@kairos/sdk'));
  app.get('/sdk/kairos.iife.js.map', (_req, res) => {
    const path = sdk();
    send(res, path && `${path}.map`, '@kairos/sdk');
  });
  const learner = bundleLocator('@kairos/elements/kairos-learner.js');
  const files = new Set<string>(ELEMENT_FILES);
  app.get('/elements/:file', (req, res, next) => {
    const file = req.params.file;
    if (!files.has(file)) return next();
    const path = learner();
    send(res, path && join(dirname(path), file), '@kairos/elements');
  });
}
