import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Express, Response } from 'express';
import { HttpError } from '../errors.js';

/** Where a built browser bundle lives, or `undefined` when its package is not built. */
function bundlePath(specifier: string): string | undefined {
  try {
    const path = fileURLToPath(import.meta.resolve(specifier));
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function send(res: Response, path: string | undefined, what: string): void {
  if (!path) throw new HttpError(503, 'bundle_missing', `${what} is not built; run \`npm run build\``);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.sendFile(path);
}

/** Serves the SDK's script-tag bundle at `/sdk/kairos.js` (and its source map). */
export function assetsFeature(app: Express): void {
  const sdk = bundlePath('@kairos/sdk/kairos.iife.js');
  app.get('/sdk/kairos.js', (_req, res) => send(res, sdk, '@kairos/sdk'));
  app.get('/sdk/kairos.iife.js.map', (_req, res) => send(res, sdk && `${sdk}.map`, '@kairos/sdk'));
}
