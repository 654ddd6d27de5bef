import express, { type Express } from 'express';
import type { KairosConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ShutdownHooks } from '../shutdown.js';
import type { Stores } from '../storage/types.js';
import { type FrameAncestors, securityHeaders } from './csp.js';
import { errorHandler, notFound } from './errors.js';
import { healthRoutes } from './health.js';
import { landingPage } from './landing.js';
import { redactingLogger } from './redact.js';
import { requestContext } from './request-context.js';

/** Everything the HTTP layer needs. */
export interface AppDeps {
  config: KairosConfig;
  stores: Stores;
  logger: Logger;
  /** Signing secret (tokens, cookies). */
  secret: string;
  /** True once graceful shutdown has begun (readiness turns 503, connections close after their request). */
  isShuttingDown?: () => boolean;
  /** Token of the admin channel, when this server published one (embedded data directory). */
  adminToken?: () => string | undefined;
  /** Where features register the work to finish at shutdown (background jobs). */
  shutdown: ShutdownHooks;
  /** Extra routers mounted before the 404 handler, in order (features register here). */
  features?: ((app: Express, deps: AppDeps) => void)[];
}

/** Builds the Express 5 application: request ids and logs, security headers (./csp.ts), health, features, the landing page, 404, one error handler. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const isShuttingDown = deps.isShuttingDown ?? (() => false);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'simple');
  app.use(requestContext({ logger: deps.logger }));
  // LMS pages may be framed by the registered platforms: the LTI feature sets `app.locals.frameAncestors`.
  app.use(
    securityHeaders({
      frameAncestors: (req) => (app.locals.frameAncestors as FrameAncestors | undefined)?.(req) ?? [],
    }),
  );
  app.use((_req, res, next) => {
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    next();
  });
  app.use(healthRoutes(deps.stores, { isShuttingDown }));
  // Features log outside requests too (jobs, registration): their logger redacts secrets like request logs.
  const featureDeps: AppDeps = { ...deps, logger: redactingLogger(deps.logger) };
  for (const feature of deps.features ?? []) feature(app, featureDeps);
  app.get('/', landingPage({ publicUrl: deps.config.publicUrl }));
  app.use(notFound());
  app.use(errorHandler());
  return app;
}
