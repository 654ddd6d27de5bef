import { type Express, Router } from 'express';
import { authenticate } from '../auth/authenticate.js';
import type { AppDeps } from '../http/app.js';
import { ANALYTICS_CORS, bearerCors } from '../http/cors.js';
import type { ConsistencyTracker } from '../lrs/consistency.js';
import { GRADES_CHANNEL } from '../lti/ags.js';
import { ScoreQueue } from '../lti/ags-queue.js';
import { scrapedGauge } from '../metrics/index.js';
import { courseAccess, resolveCourse } from './api/access.js';
import { openApiDocument } from './api/openapi.js';
import { analyticsRouter, bumpVersion } from './api/router.js';
import { analyticsRoutes } from './api/routes.js';
import { courseChannel, streamCourseEvents } from './live/events.js';
import type {} from './locals.js';
import { dashboardRouter } from './pages/dashboard.js';
import { type ProjectionChange, Projector, type ProjectorOptions } from './projection/projector.js';

/** Options of the analytics feature (tests tune the projector). */
export interface AnalyticsFeatureOptions {
  projector?: Partial<Pick<ProjectorOptions, 'batchSize' | 'pollMs' | 'refreshEveryMs'>>;
  /** Live events are kept this long (default a day). */
  eventsKeepMs?: number;
}

const VERSION = '0.1.0';
const HOUSEKEEPING_MS = 10 * 60_000;

/**
 * The analytics engine: the projection of the record store into the analytics store, the `/api/v1`
 * analytics API with its OpenAPI document, and the live feed. Mounted after the LRS (it reads the LRS's
 * consistency horizon) and before the LTI tool (whose grade passback it wakes).
 */
export function createAnalyticsFeature(options: AnalyticsFeatureOptions = {}) {
  return function analyticsFeature(app: Express, deps: AppDeps): void {
    const { stores, config, logger } = deps;
    const consistency = app.locals.consistency as ConsistencyTracker | undefined;
    const onChange = (c: ProjectionChange) => {
      if (c.kind === 'swap') void bumpVersion(stores.cache, c.tenantId).catch(() => {});
      for (const course of c.courses) {
        void bumpVersion(stores.cache, c.tenantId, course).catch(() => {});
        void stores.cache.publish(courseChannel(c.tenantId, course), String(c.gen)).catch(() => {});
      }
      if (c.effects && c.effects.grades > 0)
        void stores.cache.publish(GRADES_CHANNEL, c.tenantId).catch(() => {});
    };
    const projector = new Projector(stores, {
      horizon: () => consistency?.consistentThrough() ?? new Date(Date.now() - 1000),
      // with Redis, other processes' writes pass the horizon after the consistency margin
      settleMs: stores.cache.backend === 'redis' ? 1000 : 0,
      // embedded PGlite runs each query on the event loop: short batches keep requests answered meanwhile
      batchSize: stores.analytics.backend === 'pglite' ? 250 : 2000,
      passEveryMs: config.projectionIntervalMs,
      logger,
      onChange,
      ...options.projector,
    });
    app.locals.projector = projector;

    const api = Router();
    // widgets on a developer's site call the API with a token their backend minted
    api.use(bearerCors(ANALYTICS_CORS));
    api.get('/openapi.json', (_req, res) => {
      res.json(openApiDocument(routes, config.publicUrl, VERSION));
    });
    const auth = authenticate({
      credentials: stores.record.credentials,
      secret: deps.secret,
      publicUrl: config.publicUrl,
      cache: stores.cache,
    });
    // EventSource cannot send headers: the live feed also takes the token as ?access_token= (redacted in logs)
    api.get(
      '/courses/:course/events',
      (req, _res, next) => {
        const token = req.query.access_token;
        if (typeof token === 'string' && !req.get('authorization'))
          req.headers.authorization = `Bearer ${token}`;
        next();
      },
      auth,
      async (req, res) => {
        const p = res.locals.principal;
        const course = await resolveCourse(
          stores.analytics,
          config.publicUrl,
          p.tenantId,
          String(req.params.course),
        );
        courseAccess(p, course, 'read');
        await streamCourseEvents(stores, req, res, p.tenantId, course.iri);
      },
    );
    const routes = analyticsRoutes({
      stores,
      projector,
      publicUrl: config.publicUrl,
      names: config.ltiNames,
      invalidate: (tenantId, course) => bumpVersion(stores.cache, tenantId, course),
    });
    api.use(
      analyticsRouter({
        routes,
        cache: stores.cache,
        credentials: stores.record.credentials,
        secret: deps.secret,
        publicUrl: config.publicUrl,
        resolveCourse: (tenantId, param) =>
          resolveCourse(stores.analytics, config.publicUrl, tenantId, param),
      }),
    );
    app.use('/api/v1', api);
    app.use(
      dashboardRouter(
        { stores, projector, publicUrl: config.publicUrl, names: config.ltiNames, secret: deps.secret },
        new ScoreQueue(stores.record.keyed),
      ),
    );

    if (app.locals.metrics) registerMetrics(app, projector);
    app.locals.readiness = {
      ...app.locals.readiness,
      projection: async () => ({
        tenants: await Promise.all((await projector.tenants()).map((t) => projector.lag(t))),
      }),
    };
    const housekeeping = setInterval(() => {
      const before = new Date(Date.now() - (options.eventsKeepMs ?? 86_400_000)).toISOString();
      void stores.analytics.queries
        .purgeEvents(before)
        .catch((err) => logger.warn({ err }, 'event purge failed'));
      void purgeRetired(projector, deps).catch((err) =>
        logger.warn({ err }, 'purge of retired projections failed'),
      );
    }, HOUSEKEEPING_MS);
    housekeeping.unref();
    void projector.start().catch((err) => logger.error({ err }, 'the projection could not start'));
    deps.shutdown.add(async () => {
      clearInterval(housekeeping);
      await projector.stop();
    });
  };
}

/** Deletes what reprojections left behind, a slice per tenant at a time. */
async function purgeRetired(projector: Projector, deps: AppDeps): Promise<void> {
  for (const tenantId of await deps.stores.analytics.projection.tenants()) {
    while ((await deps.stores.analytics.projection.purgeRetired(tenantId, 10_000)) > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  void projector;
}

function registerMetrics(app: Express, projector: Projector): void {
  const registry = app.locals.metrics;
  const lags = async () => {
    const tenants = await projector.tenants();
    return Promise.all(tenants.map((t) => projector.lag(t)));
  };
  scrapedGauge(
    registry,
    'kairos_projection_lag_statements',
    'Statements stored and not yet projected',
    ['tenant'],
    async () => (await lags()).map((l) => ({ labels: { tenant: l.tenantId }, value: l.statements })),
  );
  scrapedGauge(
    registry,
    'kairos_projection_lag_seconds',
    'Age of the oldest statement not yet projected',
    ['tenant'],
    async () => (await lags()).map((l) => ({ labels: { tenant: l.tenantId }, value: l.seconds })),
  );
  scrapedGauge(
    registry,
    'kairos_projected_statements',
    'Statements projected by this process since it started',
    [],
    async () => [{ labels: {}, value: projector.projected }],
  );
  scrapedGauge(
    registry,
    'kairos_projection_skipped_statements',
    'Statements with nothing for the analytics, by reason',
    ['reason'],
    async () => Object.entries(projector.skipped).map(([reason, value]) => ({ labels: { reason }, value })),
  );
}

/** The analytics feature with default options. */
export const analyticsFeature = createAnalyticsFeature();
