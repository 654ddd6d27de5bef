import type { Express } from 'express';
import { localOperations } from './admin/operations.js';
import { adminRouter } from './admin/routes.js';
import { analyticsFeature } from './analytics/index.js';
import { apiFeature } from './api/index.js';
import { assetsFeature } from './assets/index.js';
import { demoFeature } from './demo/index.js';
import { forwardFeature } from './forward/index.js';
import type { AppDeps } from './http/app.js';
import { lrsFeature } from './lrs/index.js';
import { ltiFeature } from './lti/index.js';
import { metricsFeature } from './metrics/index.js';
import { asActor } from './privacy/actor.js';
import { retentionJob } from './privacy/retention-job.js';
import { RetentionSettings } from './privacy/retention-settings.js';

/** The feature routers of the server, mounted in this order after health checks. */
export const features: ((app: Express, deps: AppDeps) => void)[] = [
  metricsFeature,
  lrsFeature,
  // after the LRS, whose consistency horizon it reads
  forwardFeature,
  apiFeature,
  analyticsFeature,
  assetsFeature,
  adminFeature,
  retentionFeature,
  // demo mode only; after admin, whose channel token also opens /admin/v1/demo
  demoFeature,
  ltiFeature,
];

/**
 * The admin operations on this server's stores. Imports share the LRS's consistency tracker, so
 * Consistent-Through accounts for them too; erasures reproject with the server's projector.
 */
const operationsOf = (app: Express, deps: AppDeps) =>
  localOperations(
    deps.stores,
    deps.config.publicUrl,
    app.locals.consistency,
    deps.secret,
    app.locals.projector,
  );

/** `/admin/v1`: the admin commands' way into a server holding the embedded data directory. */
function adminFeature(app: Express, deps: AppDeps): void {
  const operations = operationsOf(app, deps);
  app.use('/admin/v1', adminRouter({ token: () => deps.adminToken?.(), operations, bodyLimit: '50mb' }));
}

/** The daily retention check (docs/operations/privacy.md#retention), stopped at shutdown. */
function retentionFeature(app: Express, deps: AppDeps): void {
  const operations = operationsOf(app, deps);
  const settings = new RetentionSettings(deps.stores.record.keyed);
  const job = retentionJob({
    hasSettings: async () => (await settings.list()).length > 0,
    run: () => asActor('server (retention job)', () => operations.runRetention({})),
    logger: deps.logger,
    everyMs: deps.config.retentionIntervalMs,
    stopWaitMs: deps.config.shutdownTimeoutMs,
  });
  job.start();
  deps.shutdown.add(() => job.stop());
}
