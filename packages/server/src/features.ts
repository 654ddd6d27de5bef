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
  // demo mode only; after admin, whose channel token also opens /admin/v1/demo
  demoFeature,
  ltiFeature,
];

/** `/admin/v1`: the admin commands' way into a server holding the embedded data directory. */
function adminFeature(app: Express, deps: AppDeps): void {
  // Imports share the LRS's consistency tracker, so Consistent-Through accounts for them too.
  const operations = localOperations(
    deps.stores,
    deps.config.publicUrl,
    app.locals.consistency,
    deps.secret,
    app.locals.projector,
  );
  app.use('/admin/v1', adminRouter({ token: () => deps.adminToken?.(), operations, bodyLimit: '50mb' }));
}
