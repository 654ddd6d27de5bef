import type { Express } from 'express';
import type { AppDeps } from '../http/app.js';
import { tokensRouter } from './tokens.js';

/** Mounts `/api/v1` (tokens now; the analytics endpoints join it). */
export function apiFeature(app: Express, deps: AppDeps): void {
  app.use('/api/v1', tokensRouter(deps));
}
