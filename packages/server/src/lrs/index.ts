import express, { type Express, Router } from 'express';
import { authenticate } from '../auth/authenticate.js';
import type { AppDeps } from '../http/app.js';
import { bearerCors, XAPI_CORS } from '../http/cors.js';
import { about } from './about.js';
import { alternateRequestSyntax } from './alternate-syntax.js';
import { beaconRouter } from './beacon.js';
import { ConsistencyTracker } from './consistency.js';
import { documentsRouter } from './documents/index.js';
import { profile } from './profile.js';
import { rateLimit } from './rate-limit.js';
import { InsertCoalescer } from './statements/coalescer.js';
import { statementsRouter } from './statements/routes.js';
import { xapiVersion } from './version.js';

/** Mounts the xAPI LRS at `/xapi` (see docs/lrs.md). */
export function lrsFeature(app: Express, deps: AppDeps): void {
  const { config, stores, secret } = deps;
  const endpointPath = `${new URL(config.publicUrl).pathname.replace(/\/+$/, '')}/xapi`;
  const statementDeps = {
    record: stores.record,
    coalescer: new InsertCoalescer(stores.record.statements),
    consistency: new ConsistencyTracker(stores.cache.backend === 'redis' ? 1000 : 0),
    secret,
    endpointPath,
  };
  app.locals.consistency = statementDeps.consistency;
  const xapi = Router();
  xapi.use(bearerCors(XAPI_CORS));
  xapi.get('/about', about);
  xapi.get('/profile', profile);
  xapi.use(beaconRouter({ ...statementDeps, publicUrl: config.publicUrl, bodyLimit: config.bodyLimit }));
  xapi.use(alternateRequestSyntax({ bodyLimit: config.bodyLimit }));
  xapi.use(xapiVersion({ defaultVersion: config.xapiDefaultVersion }));
  xapi.use(
    authenticate({
      credentials: stores.record.credentials,
      cache: stores.cache,
      secret,
      publicUrl: config.publicUrl,
      realm: 'Kairos LRS',
    }),
  );
  xapi.use(rateLimit({ cache: stores.cache, perMinute: config.rateLimitPerMinute }));
  // Before the JSON parser: documents keep their bytes verbatim (their own raw parser).
  xapi.use(documentsRouter({ record: stores.record, bodyLimit: config.bodyLimit }));
  xapi.use(express.json({ limit: config.bodyLimit, strict: false, type: 'application/json' }));
  xapi.use(express.raw({ limit: config.bodyLimit, type: 'multipart/mixed' }));
  xapi.use(statementsRouter(statementDeps));
  app.use('/xapi', xapi);
}
