import type { Express } from 'express';
import type { AppDeps } from './http/app.js';

/** The feature routers of the server, mounted in this order after health checks. */
export const features: ((app: Express, deps: AppDeps) => void)[] = [];
