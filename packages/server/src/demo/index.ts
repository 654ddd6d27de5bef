/**
 * Demo mode (issue 11): on the embedded store, the first `npm start` seeds a simulated class through the
 * server's own API, and `/demo` opens its teacher dashboard, `/demo/learner` its quiz, without an LMS.
 * Off (no routes at all) with a production store or `KAIROS_DEMO=0`. docs/demo.md.
 */
import type { Express } from 'express';
import type { AppDeps } from '../http/app.js';
import { demoAdminRouter } from './admin.js';
import { demoPages } from './routes.js';
import { DemoCourses } from './service.js';

// what the CLI, the fixture generator and the tests use
export { type DemoJobStatus, demoDelivery, demoOptions } from './admin.js';
export {
  DEMO_COURSE_PREFIX,
  DEMO_DEFAULTS,
  type DemoOptions,
  demoClass,
  demoCourseIri,
  demoStart,
} from './course.js';
export { apiClient, basicAuth, type SeedProgress, seedClass } from './seed.js';
export type { DemoDelivery } from './service.js';

/** Mounts the demo pages and the demo admin route, in demo mode only. After the analytics (its projector). */
export function demoFeature(app: Express, deps: AppDeps): void {
  if (!deps.config.demo) return;
  const demo = new DemoCourses({ stores: deps.stores, secret: deps.secret, projector: app.locals.projector });
  deps.shutdown.add(() => demo.stop());
  app.use(demoPages(demo, deps.config.publicUrl));
  app.use('/admin/v1/demo', demoAdminRouter({ demo, publicUrl: deps.config.publicUrl }));
}
